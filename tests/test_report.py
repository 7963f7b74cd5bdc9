"""The full evaluation report: figures checked against scikit-learn and against arithmetic done here."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score

import stance
from stance._evaluate import report_from_labels
from stance._metrics import bootstrap, calibration


def _split(corpus_rows, split):
    return [{"text": r["text"], "label": r["label"]} for r in corpus_rows if r["split"] == split]


@pytest.fixture(scope="module")
def test_rows(corpus_rows):
    return _split(corpus_rows, "test")


@pytest.fixture(scope="module")
def shipped_report(model, test_rows):
    return stance.evaluate(model, test_rows, errors=None)


def _ece(confidence, correct, n_bins=10):
    """Expected calibration error by a plain loop: bin b holds [b/10, (b+1)/10), the last also 1."""
    total = 0.0
    for b in range(n_bins):
        low, high = b / n_bins, (b + 1) / n_bins
        members = [i for i, c in enumerate(confidence) if low <= c < high or (b == n_bins - 1 and c == 1.0)]
        if members:
            gap = np.mean([correct[i] for i in members]) - np.mean([confidence[i] for i in members])
            total += len(members) / len(confidence) * abs(gap)
    return total


def test_shipped_model_figures_match_sklearn(model, test_rows, shipped_report):
    texts = [r["text"] for r in test_rows]
    truth = [r["label"] for r in test_rows]
    proba = model.predict_proba(texts)
    predicted = [model.labels[i] for i in proba.argmax(axis=1)]
    report = shipped_report
    assert report.accuracy == pytest.approx(accuracy_score(truth, predicted))
    assert report.macro_f1 == pytest.approx(f1_score(truth, predicted, average="macro"))
    ordered = sorted(model.labels)  # brier_score_loss wants the columns in sorted label order
    columns = proba[:, [model.labels.index(label) for label in ordered]]
    expected_brier = brier_score_loss(truth, columns, labels=ordered, scale_by_half=False)
    assert report.calibration.brier == pytest.approx(expected_brier)
    confidence = proba.max(axis=1).tolist()
    correct = [p == t for p, t in zip(predicted, truth)]
    assert report.calibration.ece == pytest.approx(_ece(confidence, correct))
    for b in report.calibration.bins:
        members = [i for i, c in enumerate(confidence) if b.low <= c < b.high or (b.high == 1.0 and c == 1.0)]
        assert b.count == len(members)
        if members:
            assert b.confidence == pytest.approx(np.mean([confidence[i] for i in members]))
            assert b.accuracy == pytest.approx(np.mean([correct[i] for i in members]))
        else:
            assert b.confidence is None and b.accuracy is None
    assert sum(b.count for b in report.calibration.bins) == len(texts)


def test_majority_baseline_is_that_of_the_training_data(model, corpus_rows, test_rows, shipped_report):
    train = _split(corpus_rows, "train")
    dummy = DummyClassifier(strategy="most_frequent").fit([[0]] * len(train), [r["label"] for r in train])
    truth = [r["label"] for r in test_rows]
    guessed = dummy.predict([[0]] * len(truth))
    baseline = shipped_report.baseline
    assert (baseline.label, baseline.source) == (guessed[0], "training data")
    assert baseline.accuracy == pytest.approx(accuracy_score(truth, guessed))
    assert baseline.macro_f1 == pytest.approx(f1_score(truth, guessed, average="macro"))


def test_majority_baseline_falls_back_to_the_evaluated_data(model):
    bare = copy.copy(model)
    bare.metadata = {}
    labels = ["neutral"] * 3 + ["resisting"]
    rows = [{"text": f"statement number {i}", "label": label} for i, label in enumerate(labels)]
    baseline = stance.evaluate(bare, rows).baseline
    truth = [r["label"] for r in rows]
    assert (baseline.label, baseline.source) == ("neutral", "evaluated data")
    assert baseline.accuracy == pytest.approx(0.75)
    assert baseline.macro_f1 == pytest.approx(f1_score(truth, ["neutral"] * 4, average="macro"))


def test_mistakes_are_the_most_confident_wrong_predictions(model, test_rows, shipped_report):
    predictions = model.classify([r["text"] for r in test_rows])
    wrong = [(max(p.scores.values()), p, r) for p, r in zip(predictions, test_rows) if p.label != r["label"]]
    report = shipped_report
    assert report.n_misclassified == len(wrong) == len(report.errors)
    assert sum(report.confusion[i][i] for i in range(3)) == report.n - len(wrong)
    confidences = [m.confidence for m in report.errors]
    assert confidences == sorted(confidences, reverse=True)
    assert confidences == sorted((c for c, _, _ in wrong), reverse=True)
    by_text = {r["text"]: (p, r) for _, p, r in wrong}
    for m in report.errors:
        p, r = by_text[m.text]
        assert (m.label, m.predicted, m.scores) == (r["label"], p.label, p.scores)
        assert m.label != m.predicted
    top5 = stance.evaluate(model, test_rows, errors=5).errors
    assert top5 == report.errors[:5]
    assert stance.evaluate(model, test_rows, errors=0).errors == []


def test_bootstrap_interval_contains_the_estimate_and_is_reproducible(model, test_rows, shipped_report):
    report = shipped_report
    for name in ("accuracy", "macro_f1"):
        low, high = getattr(report.bootstrap, name)
        assert low < getattr(report, name) < high
    again = stance.evaluate(model, test_rows, errors=0)
    assert again.bootstrap == report.bootstrap
    other = stance.evaluate(model, test_rows, errors=0, seed=1)
    assert other.bootstrap != report.bootstrap
    assert (report.bootstrap.resamples, report.bootstrap.seed, report.bootstrap.level) == (1000, 0, 0.95)


def test_bootstrap_equals_a_loop_over_sklearn_metrics():
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 3, size=80)
    predicted = np.where(rng.random(80) < 0.7, truth, rng.integers(0, 3, size=80))
    got = bootstrap(truth, predicted, 3, resamples=200, seed=5)
    draws = np.random.default_rng(5).integers(0, 80, size=(200, 80))
    accuracy = [accuracy_score(truth[d], predicted[d]) for d in draws]
    macro = [f1_score(truth[d], predicted[d], average="macro", zero_division=0) for d in draws]
    assert got.accuracy == pytest.approx(tuple(np.percentile(accuracy, [2.5, 97.5])))
    assert got.macro_f1 == pytest.approx(tuple(np.percentile(macro, [2.5, 97.5])))


def test_calibration_of_a_hand_made_case():
    proba = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.34, 0.33, 0.33]])
    truth = np.array([0, 1, 1, 2])
    cal = calibration(proba, truth)
    # Brier: sum over labels of (p - y)^2, then the mean over the four statements.
    per_statement = [0.01 + 0.0025 + 0.0025, 0.36 + 0.49 + 0.01, 0.04 + 0.09 + 0.01, 0.1156 + 0.1089 + 0.4489]
    assert cal.brier == pytest.approx(sum(per_statement) / 4)
    # Bins: 0.9 (right), 0.6 (wrong), 0.7 (right), 0.34 (wrong).
    assert [b.count for b in cal.bins] == [0, 0, 0, 1, 0, 0, 1, 1, 0, 1]
    assert cal.ece == pytest.approx((abs(1 - 0.9) + abs(0 - 0.6) + abs(1 - 0.7) + abs(0 - 0.34)) / 4)
    assert brier_score_loss(truth, proba, labels=[0, 1, 2], scale_by_half=False) == pytest.approx(cal.brier)


def test_report_from_labels_alone_has_no_extra_sections():
    report = report_from_labels(("a", "b"), ["a", "b", "b"], ["a", "a", "b"])
    assert report.bootstrap is report.baseline is report.calibration is report.n_misclassified is None
    assert "bootstrap" not in str(report)
    assert report.to_dict()["errors"] == []


def test_str_shows_every_section(shipped_report):
    text = str(shipped_report)
    r = shipped_report
    assert f"accuracy {r.bootstrap.accuracy[0]:.3f}-{r.bootstrap.accuracy[1]:.3f}" in text
    assert f"macro F1 {r.bootstrap.macro_f1[0]:.3f}-{r.bootstrap.macro_f1[1]:.3f}" in text
    assert f"always {r.baseline.label!r}" in text and f"{r.baseline.macro_f1:.3f}" in text
    assert f"Brier {r.calibration.brier:.3f}" in text and f"ECE {r.calibration.ece:.3f}" in text
    for b in r.calibration.bins:
        if b.count:
            assert f"{b.low:.1f}-{b.high:.1f}" in text
    assert f"misclassified: {r.n_misclassified} of {r.n}" in text
    for m in r.errors:
        assert str(m) in text


def test_to_dict_holds_everything_and_round_trips(shipped_report):
    d = shipped_report.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["bootstrap"]["accuracy"] == list(shipped_report.bootstrap.accuracy)
    assert d["baseline"]["label"] == shipped_report.baseline.label
    assert d["calibration"]["brier"] == shipped_report.calibration.brier
    assert len(d["calibration"]["bins"]) == 10
    assert [e["text"] for e in d["errors"]] == [m.text for m in shipped_report.errors]
    compact = shipped_report.to_dict(details=False)
    assert set(compact) == {"labels", "n", "accuracy", "macro_f1", "per_label", "confusion"}
    # what training/build_default.py does with a model's recorded figures
    rebuilt = stance.Report(**{**compact, "labels": tuple(compact["labels"])})
    assert rebuilt.to_dict(details=False) == compact


def test_bad_arguments_are_refused(model, test_rows):
    with pytest.raises(TypeError, match="errors must be an int, found str"):
        stance.evaluate(model, test_rows, errors="5")
    with pytest.raises(ValueError, match="resamples must be at least 1, found 0"):
        stance.evaluate(model, test_rows, resamples=0)
    with pytest.raises(ValueError, match="errors must be at least 0, found -1"):
        stance.evaluate(model, test_rows, errors=-1)
