from __future__ import annotations

import pytest

import stance
from stance._corpus import read_corpus


@pytest.fixture(scope="session")
def corpus_rows():
    return read_corpus()


@pytest.fixture(scope="session")
def model():
    return stance.default_model()


@pytest.fixture(scope="session")
def sklearn_pipeline(model):
    return model.to_sklearn()


@pytest.fixture(scope="session")
def small_model(corpus_rows):
    """A quickly trained model on the corpus train split (no search)."""
    return stance.train([r for r in corpus_rows if r["split"] == "train"])
