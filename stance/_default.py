"""The shipped default model and the module-level ``classify``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import overload

from ._format import load_model
from ._labels import Prediction
from ._model import StanceModel


def default_model_dir() -> Path:
    """The directory of the model that ships with the package."""
    return Path(__file__).parent / "default_model"


@cache
def default_model() -> StanceModel:
    """The shipped default model, loaded once on first use."""
    return load_model(default_model_dir())


@overload
def classify(texts: str, *, n_jobs: int | None = None, on_error: str = "raise") -> Prediction: ...
@overload
def classify(texts: Iterable[str], *, n_jobs: int | None = None, on_error: str = "raise") -> list[Prediction]: ...


def classify(texts, *, n_jobs=None, on_error="raise"):
    """Classify one statement (a ``Prediction``) or many (a list, same order) with the default model.

    ``n_jobs`` and ``on_error`` (``"raise"``, ``"skip"`` or ``"neutral"``, for
    empty or whitespace-only statements), the input cases and the errors are
    as for :meth:`StanceModel.classify`.

    Examples
    --------
    >>> import stance
    >>> stance.classify("There will be consequences for anyone who helps Moscow evade sanctions.").label
    'pressuring'
    """
    return default_model().classify(texts, n_jobs=n_jobs, on_error=on_error)
