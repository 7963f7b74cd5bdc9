"""Cross-validation of the training recipe: folds, groups, and figures equal to a hand loop."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

import stance
from stance._estimator import RECIPE_GRID


@pytest.fixture(scope="module")
def small_rows(corpus_rows):
    """60 training statements of each label, with their country as the group."""
    rows, seen = [], {}
    for r in corpus_rows:
        if r["split"] == "train" and seen.get(r["label"], 0) < 60:
            seen[r["label"]] = seen.get(r["label"], 0) + 1
            rows.append({"text": r["text"], "label": r["label"], "group": r["country"]})
    return rows


def _ungrouped(rows):
    return [{"text": r["text"], "label": r["label"]} for r in rows]


def _hand_figures(model, rows):
    texts = [r["text"] for r in rows]
    truth = [r["label"] for r in rows]
    proba = model.predict_proba(texts)
    predicted = [model.labels[i] for i in proba.argmax(axis=1)]
    ordered = sorted(model.labels)
    figures = {
        "accuracy": accuracy_score(truth, predicted),
        "macro_f1": f1_score(truth, predicted, average="macro"),
    }
    per_label = f1_score(truth, predicted, average=None, labels=list(model.labels), zero_division=0)
    figures.update({f"f1 {label}": f for label, f in zip(model.labels, per_label)})
    columns = proba[:, [model.labels.index(label) for label in ordered]]
    figures["brier"] = brier_score_loss(truth, columns, labels=ordered, scale_by_half=False)
    confidence = proba.max(axis=1)
    correct = np.array([p == t for p, t in zip(predicted, truth)], dtype=float)
    which = np.minimum((confidence * 10).astype(int), 9)
    figures["ece"] = sum(
        (which == b).sum() / len(rows) * abs(correct[which == b].mean() - confidence[which == b].mean())
        for b in range(10)
        if (which == b).any()
    )
    return figures


def test_figures_equal_a_hand_loop_over_stratified_kfold(small_rows):
    rows = _ungrouped(small_rows)
    cv = stance.cross_validate(rows, 3)
    assert (cv.k, cv.n, cv.grouped, cv.search, cv.seed) == (3, len(rows), False, False, 0)
    labels = [r["label"] for r in rows]
    splits = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(rows, labels))
    table = []
    for fold, (train_index, test_index) in zip(cv.folds, splits):
        assert fold.test_index == test_index.tolist()
        assert (fold.n_train, fold.n_test) == (len(train_index), len(test_index))
        model = stance.train([rows[i] for i in train_index])
        expected = _hand_figures(model, [rows[i] for i in test_index])
        assert fold.figures == pytest.approx(expected)
        table.append([expected[name] for name in cv.mean])
    assert list(cv.mean.values()) == pytest.approx(np.mean(table, axis=0).tolist())
    assert list(cv.std.values()) == pytest.approx(np.std(table, axis=0, ddof=1).tolist())
    assert list(cv.mean) == ["accuracy", "macro_f1", "f1 pressuring", "f1 resisting", "f1 neutral", "brier", "ece"]


def test_folds_partition_the_data_and_groups_never_straddle(small_rows):
    cv = stance.cross_validate(small_rows, 3, seed=1)
    assert cv.grouped
    tested = [i for fold in cv.folds for i in fold.test_index]
    assert sorted(tested) == list(range(len(small_rows)))
    groups = [r["group"] for r in small_rows]
    for fold in cv.folds:
        inside = {groups[i] for i in fold.test_index}
        outside = {groups[i] for i in set(range(len(small_rows))) - set(fold.test_index)}
        assert inside and not inside & outside
        assert fold.n_train == len(small_rows) - fold.n_test
    labels = [r["label"] for r in small_rows]
    expected = StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=1).split(small_rows, labels, groups)
    assert [f.test_index for f in cv.folds] == [test.tolist() for _, test in expected]


def test_group_column_read_from_a_file(tmp_path, small_rows):
    path = tmp_path / "grouped.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in small_rows))
    cv = stance.cross_validate(str(path), 2)
    labels = [r["label"] for r in small_rows]
    groups = [r["group"] for r in small_rows]
    expected = StratifiedGroupKFold(n_splits=2, shuffle=True, random_state=0).split(small_rows, labels, groups)
    assert cv.grouped and [f.test_index for f in cv.folds] == [test.tolist() for _, test in expected]


def test_search_inside_each_fold(small_rows):
    rows = _ungrouped(small_rows[::2])
    fixed = {"ngram_range": (1, 1), "min_df": 1, "sublinear_tf": True, "char_ngram_range": None, "class_weight": None}
    cv = stance.cross_validate(rows, 2, search=True, **fixed)
    assert cv.search
    for fold in cv.folds:
        assert fold.search["grid"] == [{"C": grid["C"]} for grid in RECIPE_GRID]  # the fixed settings are not searched
        assert fold.params["C"] == fold.search["best_params"]["C"]
        assert {k: fold.params[k] for k in fixed} == {**fixed, "ngram_range": [1, 1]}
    plain = stance.cross_validate(rows, 2, **fixed)
    assert [f.search for f in plain.folds] == [None, None]
    assert [f.test_index for f in plain.folds] == [f.test_index for f in cv.folds]


def test_report_reads_and_serialises(small_rows):
    cv = stance.cross_validate(_ungrouped(small_rows), 2)
    text = str(cv)
    assert text.startswith("2-fold stratified cross-validation")
    for name, mean in cv.mean.items():
        assert name in text and f"{mean:.3f}" in text and f"{cv.std[name]:.3f}" in text
    d = cv.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["mean"] == cv.mean and len(d["folds"]) == 2


def test_bad_arguments_are_refused(small_rows):
    rows = _ungrouped(small_rows)
    with pytest.raises(TypeError, match="k must be an int, found str"):
        stance.cross_validate(rows, "3")
    with pytest.raises(ValueError, match="k must be at least 2, found 1"):
        stance.cross_validate(rows, 1)
    with pytest.raises(ValueError, match=r"rarest label \('\w+': 60\), found 61"):
        stance.cross_validate(rows, 61)
    partly = [dict(r) for r in small_rows]
    del partly[7]["group"]
    with pytest.raises(stance.StanceError, match="line 7: missing field 'group'"):
        stance.cross_validate(partly, 3)


def test_group_column_from_a_dataset_and_bad_group_values():
    from datasets import Dataset

    from stance._data import read_labelled_with

    ds = Dataset.from_dict({"text": ["a b", "c d"], "label": ["x", "y"], "group": [3, 4]})
    assert read_labelled_with(ds, "group") == (["a b", "c d"], ["x", "y"], ["3", "4"])
    assert read_labelled_with(ds.remove_columns("group"), "group")[2] is None
    rows = [{"text": "a b", "label": "x", "group": 1}, {"text": "c d", "label": "y", "group": 1.5}]
    with pytest.raises(stance.StanceError, match="line 1: field 'group' must be a string or an integer, found float"):
        read_labelled_with(rows, "group")
