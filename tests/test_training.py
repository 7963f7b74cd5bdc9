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
    model = stance.train(records, search=True, ngram_range=(1, 1), min_df=1, sublinear_tf=True)
    search = model.metadata["training"]["search"]
    assert search["best_params"]["C"] in RECIPE_GRID["C"]
    assert set(search["grid"]) == {"C"}
    assert 0 <= search["best_cv_macro_f1"] <= 1
    assert model.metadata["training"]["params"]["C"] == search["best_params"]["C"]


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


def test_shipped_model_is_what_the_recipe_builds(tmp_path):
    """Rebuild the default model with training/build_default.py and compare with the shipped files."""
    out = tmp_path / "rebuilt"
    subprocess.run([sys.executable, str(ROOT / "training" / "build_default.py"), "--out", str(out)], check=True)
    shipped_header = json.loads((SHIPPED / "model.json").read_text())
    rebuilt_header = json.loads((out / "model.json").read_text())
    assert rebuilt_header == shipped_header
    assert (out / "vocabulary.json").read_bytes() == (SHIPPED / "vocabulary.json").read_bytes()
    for name in ("idf", "coef", "intercept"):
        # Identical on the machine that built it; a different BLAS may move the last bits.
        np.testing.assert_allclose(np.load(out / f"{name}.npy"), np.load(SHIPPED / f"{name}.npy"), rtol=1e-7, atol=1e-9)


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
