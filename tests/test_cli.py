"""The command line, checked through the Python API."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

import stance
from stance._cli import main


def test_classify_arguments(capsys, model):
    texts = ["There will be consequences for sanctions evasion.", "The summit opens on Monday."]
    assert main(["classify", *texts]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, p in zip(lines, model.classify(texts)):
        label, scores, text = line.split("\t")
        assert (label, text) == (p.label, p.text)
        assert scores == " ".join(f"{k}={v:.3f}" for k, v in p.scores.items())


def test_classify_json(capsys, model):
    assert main(["classify", "--json", "We oppose unilateral sanctions."]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == model.classify("We oppose unilateral sanctions.").to_dict()


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".parquet"])
def test_classify_input_files(tmp_path, model, corpus_rows, suffix):
    texts = [r["text"] for r in corpus_rows[:25]]
    path = tmp_path / f"in{suffix}"
    if suffix == ".txt":
        path.write_text("\n".join(texts) + "\n")
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    elif suffix == ".csv":
        with open(path, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["text"])
            writer.writerows([t] for t in texts)
    else:
        import datasets

        datasets.Dataset.from_dict({"text": texts}).to_parquet(str(path))
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(path), "--output", str(out)]) == 0
    got = [json.loads(line) for line in out.read_text().splitlines()]
    first = 2 if suffix == ".csv" else 1  # after the CSV header
    assert [row.pop("line") for row in got] == list(range(first, first + len(texts)))
    assert got == [p.to_dict() for p in model.classify(texts)]


def test_classify_csv_output(tmp_path, model):
    src = tmp_path / "in.txt"
    src.write_text("We oppose unilateral sanctions.\nSanctions must be tightened.\n")
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    rows = list(csv.DictReader(open(out)))
    expected = model.classify(["We oppose unilateral sanctions.", "Sanctions must be tightened."])
    assert [r["label"] for r in rows] == [p.label for p in expected]
    assert [float(r["score_neutral"]) for r in rows] == [p.scores["neutral"] for p in expected]


def test_failed_classify_leaves_no_output(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "fine"}\n{"text": 3}\n')
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    assert "in.jsonl, line 2" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [src]


def test_train_then_evaluate(tmp_path, capsys, corpus_rows):
    train = tmp_path / "train.jsonl"
    test = tmp_path / "test.jsonl"
    for path, split in ((train, "train"), (test, "test")):
        path.write_text(
            "".join(
                json.dumps({"text": r["text"], "label": r["label"]}) + "\n" for r in corpus_rows if r["split"] == split
            )
        )
    out = tmp_path / "model"
    assert main(["train", "--data", str(train), "--out", str(out)]) == 0
    model = stance.load_model(out)
    assert model.labels == stance.LABELS
    capsys.readouterr()
    assert main(["evaluate", "--model", str(out), "--data", str(test), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == stance.evaluate(model, test).to_dict()


def test_evaluate_defaults_to_shipped_model_and_test_split(capsys, model, corpus_rows):
    assert main(["evaluate", "--json"]) == 0
    test = [{"text": r["text"], "label": r["label"]} for r in corpus_rows if r["split"] == "test"]
    assert json.loads(capsys.readouterr().out) == stance.evaluate(model, test).to_dict()


def test_bad_input_exits_2_with_reason(tmp_path):
    missing = tmp_path / "missing.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "stance._cli", "evaluate", "--data", str(missing)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "missing.jsonl: no such file" in run.stderr
    run = subprocess.run([sys.executable, "-m", "stance._cli", "classify"], capture_output=True, text=True)
    assert run.returncode == 2
    assert "give either statements or --input" in run.stderr


def test_help_shows_examples():
    for command in ("classify", "train", "evaluate"):
        run = subprocess.run([sys.executable, "-m", "stance._cli", command, "--help"], capture_output=True, text=True)
        assert run.returncode == 0
        assert f"stance {command}" in run.stdout.split("examples:")[1]


def test_progress_bar_only_on_a_terminal(tmp_path, capsys, monkeypatch):
    src = tmp_path / "in.txt"
    src.write_text("".join(f"Statement number {i} about the new measures.\n" for i in range(12_000)))
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal here
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "[" + "#" * 30 + "] 100%  12,000 statements" in err
    assert len(out.read_text().splitlines()) == 12_000


def test_non_utf8_input_names_the_line(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_bytes(b"fine line\nbad \xff byte\n")
    assert main(["classify", "--input", str(src)]) == 2
    assert "in.txt, line 2: not UTF-8" in capsys.readouterr().err


def test_classify_reads_standard_input(model):
    texts = ["We oppose unilateral sanctions.", "", "Sanctions must be tightened."]
    run = subprocess.run(
        [sys.executable, "-m", "stance._cli", "classify", "--input", "-", "--on-error", "neutral"],
        input="\n".join(texts) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    got = [json.loads(line) for line in run.stdout.splitlines()]
    assert [row.pop("line") for row in got] == [1, 2, 3]
    assert got == [p.to_dict() for p in model.classify(texts, on_error="neutral")]
    assert got[1]["scored"] is False
    assert run.stderr == ""


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    """``stance classify --input big.txt | head -1``: no traceback, no error line."""
    import subprocess
    import sys

    src = tmp_path / "many.txt"
    src.write_text("Sanctions must stay until the troops leave.\n" * 50_000)
    cmd = [sys.executable, "-m", "stance._cli", "classify", "--input", str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as head does
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 0
    assert json.loads(first)["label"] in stance.LABELS
    assert stderr == ""
