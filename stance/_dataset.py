"""Classifying a column of a table: a ``datasets.Dataset``, and the shared column logic.

The output of every table path (this module and :mod:`stance.dask`) is the
input with ``label`` and one ``score_<label>`` column per label of the model
added; the other columns are kept as they are. ``datasets`` is imported only
inside :func:`classify_dataset`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import DataError

if TYPE_CHECKING:
    from ._model import StanceModel

#: Statements per batch handed to the model by :func:`classify_dataset`.
BATCH_SIZE = 4_096


def output_columns(labels: Sequence[str]) -> list[str]:
    """The columns that classifying adds: ``label``, then ``score_<label>`` in the model's label order."""
    return ["label", *(f"score_{label}" for label in labels)]


def resolve_model(model: Any) -> StanceModel:
    """``model``, or the shipped default for ``None``; ``TypeError`` for anything else."""
    from ._model import StanceModel

    if model is None:
        from ._default import default_model

        return default_model()
    if not isinstance(model, StanceModel):
        raise TypeError(f"model must be a StanceModel or None (the shipped model), found {type(model).__name__}")
    return model


def check_columns(columns: Sequence[str], column: Any, labels: Sequence[str]) -> None:
    """Check that ``column`` is among ``columns`` and that no output column is.

    Raises
    ------
    TypeError
        If ``column`` is not a string.
    ValueError
        If ``column`` is missing, or if an output column already exists
        (classifying never overwrites a column).
    """
    if not isinstance(column, str):
        raise TypeError(f"column must be a string naming the statement column, found {type(column).__name__}")
    if column not in columns:
        raise ValueError(f"no column {column!r} to classify; the columns are {list(columns)}")
    clash = [name for name in output_columns(labels) if name in columns]
    if clash:
        raise ValueError(
            f"the input already has column(s) {clash}, which classifying would overwrite; "
            "rename or drop them first (for example ds.rename_column or df.rename)"
        )


def check_texts(texts: Sequence[Any], first_row: int, source: str) -> None:
    """Raise ``DataError`` naming the row (0-based) of the first value that is not a string."""
    if all(type(t) is str for t in texts):
        return
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            missing = text is None or type(text).__name__ == "NAType" or (isinstance(text, float) and text != text)
            found = "missing" if missing else f"{type(text).__name__} {text!r:.40}"
            raise DataError(f"row {first_row + i}: the statement must be a string, found {found}", source=source)


def score_columns(model: StanceModel, texts: Sequence[str]) -> dict[str, Any]:
    """The output columns for ``texts``: a list of labels and one float64 array per label.

    The probabilities are those of ``model.classify`` on the same statements.
    """
    labels = model.labels
    if len(texts):
        proba = model.predict_proba(list(texts))
    else:
        proba = np.empty((0, len(labels)))
    names = output_columns(labels)
    out: dict[str, Any] = {names[0]: [labels[k] for k in proba.argmax(axis=1).tolist()]}
    for j, name in enumerate(names[1:]):
        out[name] = np.ascontiguousarray(proba[:, j])
    return out


class _BatchScorer:
    """The function that ``Dataset.map`` runs on each batch (a class, so it pickles for ``num_proc``)."""

    def __init__(self, model: StanceModel):
        self.model = model

    def __call__(self, texts: list[Any], indices: list[int]) -> dict[str, Any]:
        check_texts(texts, indices[0] if indices else 0, "<dataset>")
        return score_columns(self.model, texts)


def classify_dataset(
    ds: Any,
    column: str = "text",
    *,
    model: StanceModel | None = None,
    batch_size: int = BATCH_SIZE,
    num_proc: int | None = None,
) -> Any:
    """Classify the statements of one column of a ``datasets.Dataset``.

    Parameters
    ----------
    ds : datasets.Dataset
        The table; it is not changed.
    column : str, default "text"
        The column holding the statements (strings).
    model : StanceModel, optional
        The model to use (default: the shipped model).
    batch_size : int, default 4096
        Statements per batch of ``Dataset.map``.
    num_proc : int, optional
        Worker processes for ``Dataset.map`` (``None``: this process only).
        Each worker receives the model once.

    Returns
    -------
    datasets.Dataset
        ``ds`` with ``label`` (string) and one ``score_<label>`` (float64)
        column per label of the model added, every other column kept, rows
        in the same order.

    Raises
    ------
    TypeError
        If ``ds`` is not a ``datasets.Dataset``, or ``model``, ``column``,
        ``batch_size`` or ``num_proc`` has the wrong type.
    ValueError
        If ``column`` is missing, an output column already exists, or
        ``batch_size``/``num_proc`` is below 1.
    stance.StanceError
        (a ``DataError``) naming the row of a statement that is not a string.
    """
    from datasets import Dataset, Features, Value

    if not isinstance(ds, Dataset):
        raise TypeError(f"ds must be a datasets.Dataset, found {type(ds).__name__}")
    for name, value, optional in (("batch_size", batch_size, False), ("num_proc", num_proc, True)):
        if optional and value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int{' or None' if optional else ''}, found {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, found {value}")
    model = resolve_model(model)
    check_columns(ds.column_names, column, model.labels)
    names = output_columns(model.labels)
    features = Features({**ds.features, names[0]: Value("string"), **{n: Value("float64") for n in names[1:]}})
    return ds.map(
        _BatchScorer(model),
        batched=True,
        batch_size=batch_size,
        with_indices=True,
        input_columns=[column],
        num_proc=num_proc,
        features=features,
        desc="stance",
    )
