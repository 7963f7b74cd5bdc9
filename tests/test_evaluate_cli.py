"""stance evaluate: --json, --errors, --plot, --cv, checked through the Python API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import stance
from stance._cli import main

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def test_split(corpus_rows):
    return [{"text": r["text"], "label": r["label"]} for r in corpus_rows if r["split"] == "test"]


@pytest.fixture(scope="module")
def grouped_file(tmp_path_factory, corpus_rows):
    """45 training statements of each label with their country as group, as JSONL."""
    rows, seen = [], {}
    for r in corpus_rows:
        if r["split"] == "train" and seen.get(r["label"], 0) < 45:
            seen[r["label"]] = seen.get(r["label"], 0) + 1
            rows.append({"text": r["text"], "label": r["label"], "group": r["country"]})
    path = tmp_path_factory.mktemp("cv") / "grouped.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_json_holds_every_figure(capsys, model, test_split):
    assert main(["evaluate", "--json", "--errors", "5"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == stance.evaluate(model, test_split, errors=5).to_dict()
    assert {"bootstrap", "baseline", "calibration", "n_misclassified", "errors"} <= set(printed)
    assert len(printed["errors"]) == 5


def test_errors_lists_the_most_confident_mistakes(capsys, model, test_split):
    assert main(["evaluate", "--errors", "5"]) == 0
    out = capsys.readouterr().out
    report = stance.evaluate(model, test_split, errors=5)
    assert out == str(report) + "\n"
    assert "the 5 most confident mistakes" in out
    for mistake in report.errors:
        assert str(mistake) in out


def test_plot_writes_two_pngs(tmp_path, capsys):
    out = tmp_path / "charts"
    assert main(["evaluate", "--data", str(_write_sample(tmp_path)), "--plot", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["confusion.png", "reliability.png"]
    for p in out.iterdir():
        assert p.read_bytes()[:8] == PNG and p.stat().st_size > 1000
    assert f"wrote {out / 'confusion.png'}" in capsys.readouterr().err


def test_plot_without_matplotlib_says_how_to_install(tmp_path):
    out = tmp_path / "charts"
    code = (
        "import sys; sys.modules['matplotlib'] = None; from stance._cli import main; "
        f"sys.exit(main(['evaluate', '--plot', {str(out)!r}]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 2
    assert 'pip install "stance[plot]"' in run.stderr
    assert run.stdout == "" and not out.exists()


def test_cv_on_a_grouped_file(capsys, grouped_file):
    assert main(["evaluate", "--cv", "3", "--data", str(grouped_file), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == stance.cross_validate(str(grouped_file), 3).to_dict()
    assert printed["k"] == 3 and printed["grouped"] is True


def test_cv_prints_a_table(capsys, grouped_file):
    assert main(["evaluate", "--cv", "2", "--data", str(grouped_file), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out == str(stance.cross_validate(str(grouped_file), 2, seed=3)) + "\n"
    assert out.startswith("2-fold stratified group cross-validation")


@pytest.mark.parametrize(
    "args",
    [
        ["--cv", "3", "--model", "some/dir"],
        ["--cv", "3", "--errors", "5"],
        ["--cv", "3", "--plot", "charts"],
        ["--search"],
        ["--seed", "1"],
    ],
)
def test_options_that_do_not_go_together_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", *args])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_bad_cv_value_exits_2(capsys, grouped_file):
    assert main(["evaluate", "--cv", "1", "--data", str(grouped_file)]) == 2
    assert "k must be at least 2, found 1" in capsys.readouterr().err


def _write_sample(tmp_path):
    path = tmp_path / "sample.jsonl"
    rows = [
        {"text": "We will impose further sanctions on anyone who helps evade them.", "label": "pressuring"},
        {"text": "These unilateral sanctions are illegal and we reject them.", "label": "resisting"},
        {"text": "The talks resume on Monday in Geneva.", "label": "neutral"},
        {"text": "The ministry declined to comment on the measures.", "label": "neutral"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
