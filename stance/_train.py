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
    scoring: str | Sequence[str] = "macro_f1",
    calibrate: bool = False,
    cv_repeats: int = 1,
    eval_data: Any = None,
    n_jobs: int | None = None,
    cache: str | os.PathLike[str] | None = None,
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
        over the recipe's grids (``stance._estimator.RECIPE_GRID``).
    scoring : {"macro_f1", "accuracy"} or list of str, default="macro_f1"
        What the search maximises; a list of labels means the mean F1 of those
        labels (SemEval-2016 Task 6 scores ``["favor", "against"]``).
    calibrate : bool, default=False
        Fit a temperature to the logits on out-of-fold probabilities of the
        chosen settings, and keep it if it lowers the out-of-fold Brier score.
        Labels never change; the record is in ``metadata["training"]["calibration"]``.
    cv_repeats : int, default=1
        How many times the search draws its K-fold split; each candidate's
        score is the mean over all of them. Worth 3 or more on a few hundred
        statements, where one split's noise can pick the winner; it multiplies
        the search's time.
    eval_data : same kinds as ``data``, optional
        Held-out statements; their :class:`Report` is stored in the model's
        metadata under ``"evaluation"``.
    n_jobs : int, optional
        Parallel jobs for the search.
    cache : path, optional
        A directory where the search caches fitted vectorizers
        (``joblib.Memory``); a rerun with the same data reuses them. By default
        a temporary directory, removed afterwards.
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
    from . import __version__
    from ._estimator import StanceEstimator
    from ._evaluate import evaluate
    from ._search import fit_temperature
    from ._search import search as grid_search
    from ._sklearn import SKLEARN_VERSION

    if isinstance(cv_repeats, bool) or not isinstance(cv_repeats, int) or cv_repeats < 1:
        raise ValueError(f"cv_repeats must be a positive int, found {cv_repeats!r}")
    texts, labels = read_training(data, label_set)
    estimator = StanceEstimator(**params)
    training: dict[str, Any] = {"n_statements": len(texts), "data_sha256": data_hash(texts, labels)}
    training["label_counts"] = {label: labels.count(label) for label in sorted(set(labels))}
    folds = min(CV_FOLDS, min(training["label_counts"].values()))
    if (search or calibrate) and folds < 2:
        raise ValueError("search=True and calibrate=True need at least two statements of every label")
    if search:
        estimator, training["search"] = grid_search(
            estimator,
            texts,
            labels,
            folds=folds,
            scoring=scoring,
            n_jobs=n_jobs,
            fixed=params,
            cache=None if cache is None else os.fspath(cache),
            repeats=cv_repeats,
        )
    else:
        estimator.fit(texts, labels)
    training["params"] = _jsonable({k: v for k, v in estimator.get_params().items() if k != "memory"})
    model = estimator.model_
    if calibrate:
        record = fit_temperature(estimator, texts, labels, folds=folds, n_jobs=n_jobs)
        record["applied"] = record["cv_brier_after"] < record["cv_brier_before"]
        training["calibration"] = record
        if record["applied"]:
            model = _scaled(model, 1.0 / record["temperature"])
    metadata: dict[str, Any] = {
        "training": training,
        "versions": {"stance": __version__, "scikit-learn": SKLEARN_VERSION},
    }
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        metadata["date"] = datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    model.metadata = metadata
    if eval_data is not None:
        model.metadata["evaluation"] = evaluate(model, eval_data).to_dict(details=False)
    return model


def _scaled(model: StanceModel, factor: float) -> StanceModel:
    """The model with its logits multiplied by ``factor`` (temperature scaling)."""
    return StanceModel(
        labels=model.labels,
        settings=model.settings,
        vocabulary=model.vocabulary,
        idf=model.idf,
        coef=model.coef * factor,
        intercept=model.intercept * factor,
        metadata=model.metadata,
    )
