"""Training: inputs of every kind, the estimator contract, metadata, and reproducibility."""

from __future__ import annotations

import csv
import filecmp
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

import stance
from stance._estimator import RECIPE_GRID, StanceEstimator

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "stance" / "default_model"


@pytest.fixture(scope="module")
def records(corpus_rows):
    return [{"text": r["text"], "label": r["label"]} for r in corpus_rows if r["split"] == "train"]


def test_estimator_follows_sklearn_rules(records):
    est = StanceEstimator(C=3.0, ngram_range=(1, 1))
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert not hasattr(twin, "model_")
    texts, labels = [r["text"] for r in records], [r["label"] for r in records]
    assert est.fit(texts, labels) is est
    assert tuple(est.classes_) == stance.LABELS
    with pytest.raises(TypeError):
        StanceEstimator(3.0)  # keyword-only


def test_estimator_in_grid_search(records):
    texts, labels = [r["text"] for r in records], [r["label"] for r in records]
    search = GridSearchCV(StanceEstimator(), {"C": [1.0, 10.0]}, cv=3, scoring="f1_macro").fit(texts, labels)
    assert search.best_params_["C"] in (1.0, 10.0)
    assert isinstance(search.best_estimator_.model_, stance.StanceModel)


def test_train_accepts_jsonl_csv_parquet_and_dataset(tmp_path, records):
    import datasets

    subset = records[:60]
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in subset))
    csv_path = tmp_path / "d.csv"
    with open(csv_path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, ["text", "label"])
        writer.writeheader()
        writer.writerows(subset)
    parquet = tmp_path / "d.parquet"
    datasets.Dataset.from_list(subset).to_parquet(str(parquet))
    dataset = datasets.Dataset.from_list(subset)
    probes = [r["text"] for r in records[60:90]]
    reference = stance.train(subset).predict_proba(probes)
    for data in (jsonl, str(csv_path), parquet, dataset):
        model = stance.train(data)
        np.testing.assert_array_equal(model.predict_proba(probes), reference)
        assert model.metadata["training"]["data_sha256"] == stance.train(subset).metadata["training"]["data_sha256"]


def test_train_takes_labels_from_data():
    data = [
        {"text": f"statement number {i} about topic {i % 3}", "label": ["x", "y", "z", "w"][i % 4]} for i in range(40)
    ]
    model = stance.train(data)
    assert model.labels == ("w", "x", "y", "z")
    assert set(model.classify("statement about topic 1").scores) == {"w", "x", "y", "z"}


def test_train_with_class_label_dataset(corpus_rows):
    corpus = stance.load_corpus()
    model = stance.train(corpus["train"])
    assert model.labels == stance.LABELS
    assert model.metadata["training"]["n_statements"] == corpus["train"].num_rows


def test_search_records_the_choice(records):
    fixed = {"ngram_range": (1, 1), "min_df": 1, "sublinear_tf": True, "char_ngram_range": None}
    model = stance.train(records[:900], search=True, class_weight="balanced", **fixed)
    search = model.metadata["training"]["search"]
    all_c = {c for grid in RECIPE_GRID for c in grid["C"]}
    assert search["best_params"]["C"] in all_c
    assert [set(grid) for grid in search["grid"]] == [{"C"}, {"C"}]
    assert search["scoring"] == "macro_f1"
    assert 0 <= search["best_cv_score"] <= 1
    assert model.metadata["training"]["params"]["C"] == search["best_params"]["C"]
    table = search["table"]
    assert len(table) == len(all_c) and table[0]["rank"] == 1
    assert table[0]["params"] == search["best_params"]
    assert table[0]["macro_f1"]["mean"] == search["best_cv_score"]
    assert all(0 < row["log_loss"]["mean"] for row in table)


def test_search_by_the_f1_of_chosen_labels(records):
    model = stance.train(
        records[:900],
        search=True,
        scoring=["pressuring", "resisting"],
        C=10.0,
        char_ngram_range=None,
        ngram_range=(1, 2),
        min_df=1,
        class_weight="balanced",
    )
    search = model.metadata["training"]["search"]
    assert search["scoring"] == "f1_pressuring+resisting"
    assert all(set(grid) == {"sublinear_tf"} for grid in search["grid"])
    assert search["candidates"] == len(search["table"]) == 2  # the grids overlap once the rest is fixed
    with pytest.raises(ValueError, match="scoring labels"):
        stance.train(records, search=True, scoring=["favor"])


def test_repeated_search_averages_every_split(records):
    from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score

    from stance._estimator import StanceEstimator

    data = records[:600]
    fixed = {"ngram_range": (1, 1), "min_df": 1, "sublinear_tf": True, "char_ngram_range": None, "C": 10.0}
    model = stance.train(data, search=True, cv_repeats=2, **fixed)
    search = model.metadata["training"]["search"]
    assert search["repeats"] == 2 and search["candidates"] == 2  # class_weight balanced / None
    row = next(r for r in search["table"] if r["params"]["class_weight"] == "balanced")
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0)
    texts, labels = [r["text"] for r in data], [r["label"] for r in data]
    estimator = StanceEstimator(class_weight="balanced", **fixed)
    scores = cross_val_score(estimator, texts, labels, cv=cv, scoring="f1_macro")
    assert len(scores) == 10
    assert row["macro_f1"]["mean"] == pytest.approx(scores.mean(), abs=1e-12)
    assert "repeats" not in stance.train(data, search=True, **fixed).metadata["training"]["search"]
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="cv_repeats"):
            stance.train(data, search=True, cv_repeats=bad, **fixed)


def test_calibration_is_recorded_and_keeps_labels(records):
    plain = stance.train(records[:900], C=100.0)
    calibrated = stance.train(records[:900], C=100.0, calibrate=True)
    record = calibrated.metadata["training"]["calibration"]
    assert record["applied"] == (record["cv_brier_after"] < record["cv_brier_before"])
    assert record["cv_log_loss_after"] <= record["cv_log_loss_before"]
    factor = 1 / record["temperature"] if record["applied"] else 1.0
    np.testing.assert_allclose(calibrated.coef, plain.coef * factor, rtol=1e-12)
    texts = [r["text"] for r in records[:200]]
    assert [p.label for p in calibrated.classify(texts)] == [p.label for p in plain.classify(texts)]
    np.testing.assert_allclose(
        calibrated.predict_proba(texts), calibrated.to_sklearn().predict_proba(texts), rtol=0, atol=1e-9
    )


def test_metadata_records_versions_hash_and_evaluation(records):
    model = stance.train(records[:-40], eval_data=records[-40:])
    meta = model.metadata
    import sklearn

    assert meta["versions"] == {"stance": stance.__version__, "scikit-learn": sklearn.__version__}
    assert len(meta["training"]["data_sha256"]) == 64
    expected = stance.evaluate(model, records[-40:]).to_dict(details=False)
    assert meta["evaluation"] == expected


def test_training_twice_gives_identical_files(tmp_path, records):
    stance.train(records).save(tmp_path / "a")
    stance.train(records).save(tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == errors == []
    assert sorted(match) == names


def _assert_json_close(a, b, path="model.json"):
    """Equal JSON, floats to 1e-7 relative: another BLAS may move the last bits of CV figures."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-7, abs=1e-12), path
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), path
        for k in a:
            _assert_json_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_json_close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_shipped_model_is_what_the_recipe_builds(tmp_path):
    """Rebuild the default model from scratch with the recipe and compare with the shipped files."""
    out = tmp_path / "rebuilt"
    cmd = [sys.executable, "-m", "training.build_default", "--out", str(out), "--no-cache"]
    subprocess.run(cmd, check=True, cwd=ROOT)
    shipped_header = json.loads((SHIPPED / "model.json").read_text())
    rebuilt_header = json.loads((out / "model.json").read_text())
    _assert_json_close(rebuilt_header, shipped_header)
    assert (out / "MODEL_CARD.md").read_text() == (ROOT / "training" / "MODEL_CARD.md").read_text()
    assert (out / "vocabulary.json").read_bytes() == (SHIPPED / "vocabulary.json").read_bytes()
    for name in ("idf", "coef", "intercept"):
        # Identical on the machine that built it; a different BLAS may move the last bits.
        np.testing.assert_allclose(np.load(out / f"{name}.npy"), np.load(SHIPPED / f"{name}.npy"), rtol=1e-7, atol=1e-9)


def test_model_card_and_search_table_are_generated_from_the_shipped_model(corpus_rows):
    from training.model_card import render, search_table_csv

    model = stance.default_model()
    report = stance.evaluate(model, [r for r in corpus_rows if r["split"] == "test"], errors=0)
    card = render(model, report)
    assert (ROOT / "training" / "MODEL_CARD.md").read_text() == card
    assert (ROOT / "training" / "search_table.csv").read_text() == search_table_csv(model)
    # The figures recorded at training time are what evaluating the shipped model gives now.
    _assert_json_close(report.to_dict(details=False), model.metadata["evaluation"], "evaluation")
    search = model.metadata["training"]["search"]
    assert f"{search['candidates']} candidates" in card and str(report) in card
    assert len(search_table_csv(model).splitlines()) == search["candidates"] + 1


def test_test_extra_pins_the_sklearn_that_built_the_shipped_model():
    import tomllib

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    version = json.loads((SHIPPED / "model.json").read_text())["metadata"]["versions"]["scikit-learn"]
    assert f"scikit-learn=={version}" in pins


def test_bad_training_data_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a fine statement", "label": "x"}\n{"text": "", "label": "y"}\n')
    with pytest.raises(stance.StanceError, match=r"d\.jsonl, line 2: field 'text' is empty"):
        stance.train(path)
    with pytest.raises(TypeError, match="data must be"):
        stance.train(42)
    with pytest.raises(ValueError, match="at least two labels"):
        stance.train([{"text": "one", "label": "a"}, {"text": "two", "label": "a"}])


def test_search_log_loss_follows_the_models_label_order(records):
    from sklearn.metrics import log_loss

    from stance._search import SIDE_FIGURES

    estimator = StanceEstimator(C=3.0).fit([r["text"] for r in records[:600]], [r["label"] for r in records[:600]])
    assert list(estimator.classes_) == list(stance.LABELS)  # not sorted: the case sklearn's scorer gets wrong
    texts, labels = [r["text"] for r in records[600:900]], [r["label"] for r in records[600:900]]
    order = np.argsort(estimator.classes_)  # sklearn's log_loss wants the columns in sorted label order
    expected = log_loss(labels, estimator.predict_proba(texts)[:, order], labels=sorted(estimator.classes_))
    assert -SIDE_FIGURES["log_loss"](estimator, texts, labels) == pytest.approx(expected, rel=1e-12)
