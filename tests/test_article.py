"""classify_article and the ``stance article`` command, checked through the Python API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import stance
from stance._cli import main

ARTICLE = (
    "Support The Daily Ledger!\n\n"
    "Chinese foreign ministry spokesperson Zhao Lijian spoke on Monday.\n\n"
    "“We firmly oppose these illegal unilateral sanctions and long-arm jurisdiction,” Zhao said.\n\n"
    "“There will be consequences for anyone who helps Moscow evade sanctions,” said Jake Sullivan.\n\n"
    "The talks resume on Monday in Rome, officials said.\n\n"
    "Read more\n"
)


def test_report_counts(model):
    report = stance.classify_article(ARTICLE, model, source="ledger.txt")
    statements = stance.extract_statements(ARTICLE)
    assert report.statements == tuple(statements)
    assert report.predictions == tuple(model.classify([st.text for st in statements]))
    assert report.labels == model.labels
    assert sum(report.counts.values()) == len(statements) == 3
    for label in model.labels:
        assert report.counts[label] == sum(p.label == label for p in report.predictions)
    assert list(report.by_speaker) == ["Zhao Lijian", "Jake Sullivan", None]
    for speaker, counts in report.by_speaker.items():
        mine = [p for st, p in zip(report.statements, report.predictions) if st.speaker == speaker]
        assert counts == {label: sum(p.label == label for p in mine) for label in model.labels}
    assert report.predictions[0].label == "resisting" and report.predictions[1].label == "pressuring"


def test_report_str_and_dict(model):
    report = stance.classify_article(ARTICLE, model, source="ledger.txt")
    text = str(report)
    assert text.startswith("ledger.txt: 3 statements")
    assert "Zhao Lijian" in text and "(unnamed)" in text
    d = json.loads(json.dumps(report.to_dict()))
    assert d["source"] == "ledger.txt"
    assert [s["text"] for s in d["statements"]] == [st.text for st in report.statements]
    assert [s["label"] for s in d["statements"]] == [p.label for p in report.predictions]
    assert d["speakers"][-1] == {"speaker": None, "counts": report.by_speaker[None]}


def test_empty_article(model):
    report = stance.classify_article("Nothing was said here.", model)
    assert report.statements == () and set(report.counts.values()) == {0}
    assert str(report) == "article: 0 statements (pressuring 0, resisting 0, neutral 0)"


def test_bad_model():
    with pytest.raises(TypeError, match="model must be a StanceModel"):
        stance.classify_article(ARTICLE, "models/mine")


def test_cli_article_files(tmp_path, capsys, model):
    paths = []
    for i in range(2):
        path = tmp_path / f"a{i}.txt"
        path.write_text(ARTICLE, encoding="utf-8")
        paths.append(str(path))
    assert main(["article", "--json", *paths]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [
        stance.classify_article(ARTICLE, model, source=p).to_dict() for p in paths
    ]
    assert main(["article", paths[0]]) == 0
    assert capsys.readouterr().out == str(stance.classify_article(ARTICLE, model, source=paths[0])) + "\n"


def test_cli_article_stdin_and_min_words(model):
    run = subprocess.run(
        [sys.executable, "-m", "stance._cli", "article", "-", "--json", "--min-words", "11"],
        input=ARTICLE,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got == stance.classify_article(ARTICLE, model, min_words=11, source="<stdin>").to_dict()
    assert len(got["statements"]) == 1


def test_cli_article_missing_file(tmp_path, capsys):
    assert main(["article", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err
