"""StanceModel.explain: n-gram weights that add up to the logits behind the probabilities."""

from __future__ import annotations

import json
import math

import pytest

import stance
from stance._cli import main

TOL = 1e-9


def _softmax(logits):
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    return [e / sum(exps) for e in exps]


def _check(model, text):
    e = model.explain(text)
    p = model.classify(text)
    assert e.label == p.label
    assert list(e.logits) == list(model.labels)
    for label in model.labels:
        total = math.fsum(w for _, w in e.weights[label]) + e.intercepts[label]
        assert total == pytest.approx(e.logits[label], abs=1e-12)
    for ours, theirs in zip(_softmax(list(e.logits.values())), p.scores.values()):
        assert abs(ours - theirs) <= TOL
    return e


def test_weights_reproduce_the_logits_on_corpus_statements(model, corpus_rows):
    for row in corpus_rows[::12]:  # about 300 statements
        e = _check(model, row["text"])
        # every weight belongs to an n-gram of the statement
        terms = set().union(*(block.analyzer.terms(row["text"]) for block in model.blocks))
        assert {t for t, _ in e.weights[e.label]} <= terms


def test_empty_after_tokenisation(model):
    for text in ["!!! ?", "a b c", "_"]:
        e = _check(model, text)
        assert all(e.weights[label] == () for label in model.labels)
        assert e.logits == e.intercepts
    with pytest.raises(ValueError, match="empty or whitespace only"):  # as classify: blank text is refused
        model.explain("  ")


def test_two_label_model(two_label_records):
    data = two_label_records
    model = stance.train(data, C=1.0)
    assert model.coef.shape[0] == 1
    for text in [d["text"] for d in data] + ["?", "lifted sanctions working", "unknown words only"]:
        e = _check(model, text)
        # the two labels' weights mirror each other
        first = dict(e.weights["against"])
        assert all(first[t] == -w for t, w in e.weights["favor"])


def test_toward_and_away_are_the_largest_weights(model):
    e = model.explain("We firmly oppose unilateral sanctions and will never accept long-arm jurisdiction.", top=3)
    for label in model.labels:
        toward, away = e.toward(label), e.away(label)
        assert len(toward) <= 3 and len(away) <= 3
        assert all(w > 0 for _, w in toward) and all(w < 0 for _, w in away)
        positives = sorted((w for _, w in e.weights[label] if w > 0), reverse=True)
        assert [w for _, w in toward] == positives[:3]
    assert e.label == "resisting"
    assert "unilateral" in dict(e.toward("resisting"))
    text = str(e)
    assert text.splitlines()[1].split()[0] == "resisting"  # the predicted label first
    assert json.loads(json.dumps(e.to_dict()))["label"] == "resisting"


def test_bad_arguments(model):
    with pytest.raises(TypeError, match="text must be a string"):
        model.explain(3)
    with pytest.raises(TypeError, match="top must be an int"):
        model.explain("x", top="5")
    with pytest.raises(ValueError, match="top must be 0 or more"):
        model.explain("x", top=-1)


def test_cli_explain(capsys, model):
    text = "We firmly oppose unilateral sanctions."
    assert main(["classify", "--explain", "--json", "--top", "2", text]) == 0
    got = json.loads(capsys.readouterr().out)
    e = model.explain(text, top=2)
    assert got == json.loads(json.dumps(e.to_dict()))
    assert main(["classify", "--explain", text]) == 0
    assert capsys.readouterr().out.strip() == str(model.explain(text))


def test_cli_explain_needs_statements(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("a statement\n")
    with pytest.raises(SystemExit):
        main(["classify", "--explain", "--input", str(src)])
    assert "--explain works with statements" in capsys.readouterr().err
