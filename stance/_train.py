"""``stance.train``: fit, optionally search the recipe's grid, record what was done."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ._data import read_training
from ._model import StanceModel

CV_FOLDS = 5


def data_hash(texts: list[str], labels: list[str]) -> str:
    """SHA-256 of the (text, label) pairs, in order."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def train(
    data: Any,
    *,
    search: bool = False,
    eval_data: Any = None,
    n_jobs: int | None = None,
    label_set: Sequence[str] | None = None,
    **params: Any,
) -> StanceModel:
    """Train a stance model on labelled statements.

    Parameters
    ----------
    data : path, list of dict or datasets.Dataset
        Statements with ``text`` and ``label``; the label set is taken from it.
    search : bool, default=False
        Choose the settings by stratified cross-validation on ``data`` alone,
        over ``RECIPE_GRID`` (macro F1).
    eval_data : same kinds as ``data``, optional
        Held-out statements; their :class:`Report` is stored in the model's
        metadata under ``"evaluation"``.
    n_jobs : int, optional
        Parallel jobs for the search.
    label_set : sequence of str, optional
        The labels allowed in ``data``; a row with another label raises
        ``DataError`` naming it. Without it, data that uses two or more of the
        stance labels may use only those. Data with a single label is refused.
    **params
        Settings of :class:`StanceEstimator` (``C``, ``ngram_range``, ...),
        fixed during the search.

    Returns
    -------
    StanceModel
    """
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from . import __version__
    from ._estimator import RECIPE_GRID, StanceEstimator
    from ._evaluate import evaluate
    from ._sklearn import SKLEARN_VERSION

    texts, labels = read_training(data, label_set)
    estimator = StanceEstimator(**params)
    training: dict[str, Any] = {"n_statements": len(texts), "data_sha256": data_hash(texts, labels)}
    training["label_counts"] = {label: labels.count(label) for label in sorted(set(labels))}
    if search:
        folds = min(CV_FOLDS, min(training["label_counts"].values()))
        if folds < 2:
            raise ValueError("search=True needs at least two statements of every label")
        grid = {k: v for k, v in RECIPE_GRID.items() if k not in params}
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        searcher = GridSearchCV(estimator, grid, scoring="f1_macro", cv=cv, n_jobs=n_jobs, refit=True)
        searcher.fit(texts, labels)
        estimator = searcher.best_estimator_
        training["search"] = {
            "grid": _jsonable(grid),
            "folds": folds,
            "scoring": "f1_macro",
            "best_params": _jsonable(searcher.best_params_),
            "best_cv_macro_f1": float(searcher.best_score_),
        }
    else:
        estimator.fit(texts, labels)
    training["params"] = _jsonable(estimator.get_params())
    model = estimator.model_
    metadata: dict[str, Any] = {
        "training": training,
        "versions": {"stance": __version__, "scikit-learn": SKLEARN_VERSION},
    }
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        metadata["date"] = datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    model.metadata = metadata
    if eval_data is not None:
        model.metadata["evaluation"] = evaluate(model, eval_data).to_dict()
    return model
