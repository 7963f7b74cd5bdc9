"""Reports agree with scikit-learn's metrics and read well."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

import stance


def test_report_matches_sklearn_metrics(model, corpus_rows):
    rows = [{"text": r["text"], "label": r["label"]} for r in corpus_rows]
    report = stance.evaluate(model, rows)
    truth = [r["label"] for r in rows]
    predicted = [p.label for p in model.classify([r["text"] for r in rows])]
    labels = list(model.labels)
    assert report.n == len(rows)
    assert report.accuracy == pytest.approx(accuracy_score(truth, predicted))
    assert report.macro_f1 == pytest.approx(f1_score(truth, predicted, average="macro"))
    assert report.confusion == confusion_matrix(truth, predicted, labels=labels).tolist()
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    for i, label in enumerate(labels):
        got = report.per_label[label]
        assert (got["precision"], got["recall"], got["f1"], got["support"]) == pytest.approx((p[i], r[i], f[i], s[i]))


def test_macro_f1_ignores_labels_absent_from_data_and_predictions():
    from stance._evaluate import report_from_labels

    truth = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", "b"]
    report = report_from_labels(("a", "b", "c"), truth, predicted)
    assert report.macro_f1 == pytest.approx(f1_score(truth, predicted, average="macro"))
    assert report.per_label["c"]["support"] == 0


def test_report_str_and_dict(model, corpus_rows):
    report = stance.evaluate(model, [{"text": r["text"], "label": r["label"]} for r in corpus_rows[:30]])
    text = str(report)
    for label in model.labels:
        assert label in text
    assert "macro F1" in text and f"{report.macro_f1:.3f}" in text
    d = json.loads(json.dumps(report.to_dict()))
    assert d["macro_f1"] == report.macro_f1
    assert np.array(d["confusion"]).sum() == report.n == 30


def test_unknown_labels_are_refused(model):
    with pytest.raises(stance.StanceError, match=r"<records>, line 0: unknown label 'favor'; expected one of neutral"):
        stance.evaluate(model, [{"text": "we like it", "label": "favor"}])


def test_evaluate_wants_a_model():
    with pytest.raises(TypeError, match="StanceModel"):
        stance.evaluate("models/mine", [{"text": "x y", "label": "neutral"}])
