"""Input files through the CLI: exit status 2 and one stderr line naming the file and line, or a correct run."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance
from stance._cli import main

GOOD = [
    ("We oppose unilateral sanctions.", "resisting"),
    ("Sanctions must be tightened further.", "pressuring"),
    ("The talks resume on Monday.", "neutral"),
    ("Illegal unilateral measures must be lifted.", "resisting"),
    ("We will punish every evasion scheme.", "pressuring"),
    ("The ministry declined to comment.", "neutral"),
]


def _jsonl(rows):
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


TRAIN_OK = _jsonl({"text": t, "label": y} for t, y in GOOD)

# (case, commands, file name, content (bytes; None: a directory; "absent": no file), stderr fragment)
# "commands" lists which of train / evaluate / classify get the file. The fragment must name
# the file (and the line where there is one); every case must exit 2 with one stderr line.
FAILING = [
    ("wrong extension", "tec", "d.xlsx", TRAIN_OK, "d.xlsx: unsupported file type '.xlsx'"),
    ("invalid UTF-8", "tec", "d.jsonl", TRAIN_OK + b'{"text": "bad \xff", "label": "neutral"}\n', "d.jsonl, line 7"),
    ("missing text column", "te", "d.csv", b"quote,label\nhello there,neutral\n", "d.csv, line 2: missing field"),
    ("missing text column", "c", "d.csv", b"quote,label\nhello there,neutral\n", "d.csv, line 1: no column 'text'"),
    ("broken JSONL line", "tec", "d.jsonl", TRAIN_OK + b'{"text": "cut\n', "d.jsonl, line 7: malformed JSON"),
    ("unknown label", "t", "d.jsonl", TRAIN_OK + _jsonl([{"text": "x y", "label": "presure"}]), "line 7: unknown"),
    ("label the model lacks", "e", "d.jsonl", TRAIN_OK + _jsonl([{"text": "x y", "label": "other"}]), "line 7"),
    ("one label only", "t", "d.jsonl", _jsonl({"text": t, "label": "neutral"} for t, _ in GOOD), "only one label"),
    ("empty file", "tec", "d.jsonl", b"", "d.jsonl: no statements found"),
    ("empty .txt file", "c", "d.txt", b"", "d.txt: no statements found"),
    ("blank statement", "c", "d.txt", b"first\n\nthird\n", "d.txt, line 2: empty or whitespace-only"),
    ("blank text field", "tec", "d.jsonl", TRAIN_OK + _jsonl([{"text": " ", "label": "neutral"}]), "line 7"),
    ("non-string text", "tec", "d.jsonl", TRAIN_OK + _jsonl([{"text": 5, "label": "neutral"}]), "line 7"),
    ("CSV with extra field", "tec", "d.csv", b'text,label\n"a b",neutral,extra\n', "d.csv, line 2"),
    ("not Parquet", "tec", "d.parquet", b"PAR1 not a Parquet file PAR1", "d.parquet: not a readable Parquet file"),
    ("Parquet without text", "c", "d.parquet", "no-text-parquet", "d.parquet: no column 'text'; columns are"),
    ("a directory", "tec", "d.jsonl", None, "d.jsonl: is a directory"),
    ("no such file", "tec", "d.jsonl", "absent", "d.jsonl: no such file"),
]

COMMANDS = {"t": "train", "e": "evaluate", "c": "classify"}
FAILING_RUNS = [(case, COMMANDS[c], *rest) for case, cs, *rest in FAILING for c in cs]


def _argv(command, path, tmp_path):
    if command == "train":
        return ["train", "--data", str(path), "--out", str(tmp_path / "model")]
    if command == "evaluate":
        return ["evaluate", "--data", str(path)]
    return ["classify", "--input", str(path), "--output", str(tmp_path / "out.jsonl")]


@pytest.mark.parametrize(
    ("case", "command", "name", "content", "fragment"), FAILING_RUNS, ids=[f"{r[1]}: {r[0]}" for r in FAILING_RUNS]
)
def test_bad_input_file(tmp_path, capsys, case, command, name, content, fragment):
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif content == "no-text-parquet":
        pq.write_table(pa.table({"quote": ["a b"], "label": ["neutral"]}), path)
    elif content != "absent":
        path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(_argv(command, path, tmp_path)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"stance {command}: error: ")
    assert str(path) in lines[0]
    assert fragment in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no model, no (half-written) output


# Accepted files: (case, file name, content, the statements classify must see, their lines, their ids)
ACCEPTED = [
    ("BOM in .txt", "d.txt", b"\xef\xbb\xbfWe oppose sanctions.\nThey will pay.\n", None, [1, 2], None),
    ("BOM in .jsonl", "d.jsonl", b'\xef\xbb\xbf{"text": "We oppose sanctions."}\n', None, [1], None),
    ("BOM in .csv", "d.csv", b"\xef\xbb\xbftext\nWe oppose sanctions.\n", None, [2], None),
    (
        "quoted newline in CSV",
        "d.csv",
        b'id,text\nq1,"We oppose\nunilateral sanctions."\nq2,They will pay.\n',
        ["We oppose\nunilateral sanctions.", "They will pay."],
        [2, 4],
        ["q1", "q2"],
    ),
    (
        "ids in JSONL",
        "d.jsonl",
        b'{"id": 7, "text": "a b"}\n\n{"id": "x", "text": "c d"}\n',
        ["a b", "c d"],
        [1, 3],
        [7, "x"],
    ),
]


@pytest.mark.parametrize(("case", "name", "content", "texts", "lines", "ids"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_input_file(tmp_path, model, case, name, content, texts, lines, ids):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(path), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    texts = texts or ["We oppose sanctions.", "They will pay."][: len(lines)]
    assert [r["text"] for r in rows] == texts
    assert [r["line"] for r in rows] == lines
    assert [r.get("id") for r in rows] == (ids or [None] * len(lines))
    assert [r["label"] for r in rows] == [p.label for p in model.classify(texts)]


@pytest.mark.parametrize("on_error", ["skip", "neutral"])
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_blank_rows_under_a_policy_keep_one_output_row_each(tmp_path, capsys, model, on_error, suffix):
    src = tmp_path / "in.txt"
    texts = ["We oppose sanctions.", "", "They will pay.", "   "]
    src.write_text("\n".join(texts) + "\n")
    out = tmp_path / f"out{suffix}"
    assert main(["classify", "--input", str(src), "--output", str(out), "--on-error", on_error]) == 0
    expected = model.classify(texts, on_error=on_error)
    if suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        labels = [r["label"] for r in rows]
    else:
        import csv

        rows = list(csv.DictReader(open(out, newline="")))
        labels = [r["label"] or None for r in rows]
    assert [int(r["line"]) for r in rows] == [1, 2, 3, 4]
    assert labels == [p and p.label for p in expected]
    err = capsys.readouterr().err
    assert ("skipped 2 blank statements (lines 2, 4)" in err) == (on_error == "skip")


def test_bad_model_directory_exits_2(tmp_path, capsys):
    (tmp_path / "m").mkdir()
    assert main(["classify", "--model", str(tmp_path / "m"), "a statement"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "model.json: missing" in err[0]


def test_train_with_an_explicit_label_set():
    data = [{"text": t, "label": y} for t, y in GOOD] + [{"text": "we abstain", "label": "abstain"}]
    with pytest.raises(stance.StanceError, match="<records>, line 6: unknown label 'abstain'"):
        stance.train(data)
    model = stance.train(data, label_set=[*stance.LABELS, "abstain"])
    assert set(model.labels) == {*stance.LABELS, "abstain"}


# (on_error, expected exit status, what the blank argument prints)
ARGUMENT_POLICIES = [("raise", 2, None), ("skip", 0, "(skipped: blank)"), ("neutral", 0, "neutral\t")]


@pytest.mark.parametrize(("on_error", "status", "printed"), ARGUMENT_POLICIES)
def test_blank_argument(capsys, model, on_error, status, printed):
    assert main(["classify", "--on-error", on_error, "We oppose sanctions.", " "]) == status
    out, err = capsys.readouterr()
    if status == 2:
        assert err.strip() == (
            "stance classify: error: statement 1 is empty or whitespace only; expected text to classify "
            "(on_error='skip' or 'neutral' handles blank statements in a batch)"
        )
        return
    first, second = out.splitlines()
    assert first.startswith(model.classify("We oppose sanctions.").label)
    assert second.startswith(printed)
