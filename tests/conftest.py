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


@pytest.fixture(scope="session")
def two_label_records():
    """Six statements, two labels (against/favor): a model with one row of coefficients."""
    return [
        {"text": "we demand these measures be lifted now", "label": "against"},
        {"text": "the embargo is wrong and must go", "label": "against"},
        {"text": "sanctions are illegal and useless", "label": "against"},
        {"text": "we back the new sanctions package", "label": "favor"},
        {"text": "tighten the embargo further", "label": "favor"},
        {"text": "sanctions are working and must stay", "label": "favor"},
    ]
