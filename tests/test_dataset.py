"""stance.classify_dataset on a datasets.Dataset, in this process and with worker processes."""

from __future__ import annotations

import numpy as np
import pytest
from datasets import Dataset

import stance


@pytest.fixture(scope="module")
def dataset(corpus_rows):
    return Dataset.from_dict(
        {
            "text": [r["text"] for r in corpus_rows],
            "id": list(range(len(corpus_rows))),
            "split": [r["split"] for r in corpus_rows],
        }
    )


@pytest.mark.parametrize("num_proc", [None, 2])
def test_classify_dataset_matches_classify(dataset, model, num_proc):
    out = stance.classify_dataset(dataset, num_proc=num_proc, batch_size=1_000)
    assert out.column_names == ["text", "id", "split", "label", *(f"score_{label}" for label in model.labels)]
    assert out["id"] == dataset["id"] and out["split"] == dataset["split"] and out["text"] == dataset["text"]
    reference = model.classify(dataset["text"])
    assert out["label"] == [p.label for p in reference]
    scores = np.column_stack([out[f"score_{label}"] for label in model.labels])
    np.testing.assert_allclose(scores, [list(p.scores.values()) for p in reference], rtol=0, atol=1e-12)
    assert dataset.column_names == ["text", "id", "split"]  # the input is left as it was


def test_other_column_and_model(dataset, small_model):
    quotes = dataset.rename_column("text", "quote").select(range(50))
    out = stance.classify_dataset(quotes, "quote", model=small_model, batch_size=7)
    assert out["label"] == [p.label for p in small_model.classify(quotes["quote"])]


def test_classify_dataset_refuses_bad_input(dataset):
    with pytest.raises(TypeError, match="datasets.Dataset"):
        stance.classify_dataset([{"text": "We oppose sanctions."}])
    with pytest.raises(ValueError, match="no column 'quote'"):
        stance.classify_dataset(dataset, "quote")
    with pytest.raises(ValueError, match=r"\['label'\].*would overwrite"):
        stance.classify_dataset(dataset.rename_column("split", "label"))
    with pytest.raises(TypeError, match="batch_size must be an int"):
        stance.classify_dataset(dataset, batch_size=1.5)
    with pytest.raises(ValueError, match="num_proc must be at least 1, found 0"):
        stance.classify_dataset(dataset, num_proc=0)
    with pytest.raises(TypeError, match="StanceModel"):
        stance.classify_dataset(dataset, model="models/mine")
    holes = Dataset.from_dict({"text": ["We oppose sanctions.", "Talks resume.", None]})
    with pytest.raises(stance.StanceError, match="row 2: the statement must be a string, found missing"):
        stance.classify_dataset(holes, batch_size=2)
