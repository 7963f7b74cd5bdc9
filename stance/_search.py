"""Model selection for ``stance.train(search=True)``: the recipe's grid, scoring, calibration.

Imports scikit-learn at module level: only training loads it.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold, StratifiedKFold

from ._estimator import RECIPE_GRID, StanceEstimator, label_order
from ._metrics import calibration

#: The named scorings; a list of labels instead means the mean F1 of those labels.
SCORINGS = {"macro_f1": "f1_macro", "accuracy": "accuracy"}


def _neg_log_loss(estimator: StanceEstimator, X: Sequence[str], y: Sequence[str]) -> float:
    """Minus the mean log loss, with the columns in ``estimator.classes_`` order.

    scikit-learn's ``"neg_log_loss"`` assumes sorted columns; a stance model
    keeps its labels in their own order.
    """
    proba = estimator.predict_proba(X)
    column = {label: i for i, label in enumerate(estimator.classes_)}
    picked = proba[np.arange(len(y)), [column[label] for label in y]]
    return float(np.mean(np.log(np.clip(picked, 1e-15, None))))


#: Figures recorded for every candidate of the search, besides the scoring.
SIDE_FIGURES = {"accuracy": "accuracy", "log_loss": _neg_log_loss}


def scorer(scoring: str | Sequence[str], labels: Sequence[str]) -> tuple[Any, str]:
    """The scikit-learn scorer for ``scoring`` and the name it is recorded under."""
    if isinstance(scoring, str):
        if scoring not in SCORINGS:
            raise ValueError(f"scoring must be one of {', '.join(SCORINGS)} or a list of labels, found {scoring!r}")
        return SCORINGS[scoring], scoring
    chosen = [str(label) for label in scoring]
    unknown = sorted(set(chosen) - set(labels))
    if not chosen or unknown:
        raise ValueError(f"scoring labels must be among the data's labels {list(labels)}, found {unknown or chosen}")
    return make_scorer(f1_score, average="macro", labels=chosen), "f1_" + "+".join(chosen)


def grids(fixed: dict[str, Any]) -> list[dict[str, list]]:
    """The recipe's grids without the parameters fixed by the caller, duplicates dropped."""
    out: list[dict[str, list]] = []
    for grid in RECIPE_GRID:
        reduced = {k: v for k, v in grid.items() if k not in fixed}
        if reduced and reduced not in out:
            out.append(reduced)
    return out


def candidates(grid: list[dict[str, list]]) -> list[dict[str, list]]:
    """Every distinct setting of ``grid``, each as a one-point grid for ``GridSearchCV``.

    Once the caller fixes the parameters that tell the recipe's grids apart,
    they overlap; each candidate is still tried once.
    """
    from sklearn.model_selection import ParameterGrid

    seen, out = set(), []
    for params in ParameterGrid(grid):
        key = repr(sorted(params.items()))
        if key not in seen:
            seen.add(key)
            out.append({k: [v] for k, v in params.items()})
    return out


def search(
    estimator: StanceEstimator,
    texts: list[str],
    labels: list[str],
    *,
    folds: int,
    scoring: str | Sequence[str],
    n_jobs: int | None,
    fixed: dict[str, Any],
    cache: str | None = None,
    repeats: int = 1,
) -> tuple[StanceEstimator, dict[str, Any]]:
    """Grid search by stratified K-fold CV; returns the refitted best estimator and the record.

    With ``repeats`` above one, the K-fold split is drawn ``repeats`` times
    (``RepeatedStratifiedKFold``) and each candidate's score is the mean over
    all ``folds * repeats`` fits: on small data, the noise of one split can
    decide between candidates that differ by less than it.

    The vectorizers of each fold are cached in ``cache`` (a ``joblib.Memory``
    directory; a temporary one if ``None``), so candidates that differ only in
    the classifier's settings do not vectorize the fold again.
    """
    from ._train import _jsonable

    primary, name = scorer(scoring, sorted(set(labels)))
    grid = grids(fixed)
    if not grid:
        raise ValueError("search=True needs at least one recipe setting left free; all were fixed")
    location = cache or tempfile.mkdtemp(prefix="stance-search-")
    try:
        estimator = estimator.set_params(memory=location)
        if repeats == 1:
            cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        else:
            cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=0)
        searcher = GridSearchCV(
            estimator, candidates(grid), scoring={name: primary, **SIDE_FIGURES}, refit=name, cv=cv, n_jobs=n_jobs
        )
        searcher.fit(texts, labels)
    finally:
        if cache is None:
            shutil.rmtree(location, ignore_errors=True)
    best = searcher.best_estimator_.set_params(memory=None)
    results = searcher.cv_results_
    table = []
    for i, params in enumerate(results["params"]):
        row: dict[str, Any] = {"params": _jsonable(params), "rank": int(results[f"rank_test_{name}"][i])}
        for figure in (name, *SIDE_FIGURES):
            mean, std = float(results[f"mean_test_{figure}"][i]), float(results[f"std_test_{figure}"][i])
            if figure == "log_loss":
                mean = -mean
            row[figure] = {"mean": mean, "std": std}
        table.append(row)
    table.sort(key=lambda row: (row["rank"], -row[name]["mean"]))
    record = {
        "grid": _jsonable(grid),
        "candidates": len(table),
        "folds": folds,
        "scoring": name,
        "best_params": _jsonable(searcher.best_params_),
        "best_cv_score": float(searcher.best_score_),
        "table": table,
    }
    if repeats > 1:
        record["repeats"] = repeats
    return best, record


def fit_temperature(
    estimator: StanceEstimator, texts: list[str], labels: list[str], *, folds: int, n_jobs: int | None
) -> dict[str, Any]:
    """Temperature scaling fitted on out-of-fold probabilities of ``estimator``'s settings.

    Dividing the logits by one temperature ``T`` changes no label, only how
    sure the scores are. ``T`` minimises the out-of-fold log loss; the record
    holds the out-of-fold Brier score before and after, so a caller can keep
    ``T`` only if it helps.
    """
    from joblib import Parallel, delayed

    columns = {label: i for i, label in enumerate(label_order(labels))}
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=1)
    splits = list(cv.split(texts, labels))

    def fold_proba(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        fitted = clone(estimator).fit([texts[i] for i in train], [labels[i] for i in train])
        assert list(fitted.classes_) == list(columns)  # stratified folds hold every label
        return fitted.predict_proba([texts[i] for i in test])

    proba = np.empty((len(texts), len(columns)))
    for (_, test), p in zip(splits, Parallel(n_jobs=n_jobs)(delayed(fold_proba)(*s) for s in splits)):
        proba[test] = p
    codes = np.asarray([columns[label] for label in labels])
    truth = np.zeros_like(proba)
    truth[np.arange(len(labels)), codes] = 1.0
    logits = np.log(np.clip(proba, 1e-300, None))

    def scaled(t: float) -> np.ndarray:
        z = logits / t
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def nll(t: float) -> float:
        return float(-np.mean(np.log(np.clip((scaled(t) * truth).sum(axis=1), 1e-300, None))))

    # Golden-section search on log T over [1/20, 20]: the loss is unimodal in T.
    lo, hi = math.log(0.05), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if nll(math.exp(a)) <= nll(math.exp(b)):
            hi = b
        else:
            lo = a
    t = math.exp((lo + hi) / 2)

    def brier(p: np.ndarray) -> float:
        return calibration(p, codes).brier

    return {
        "temperature": t,
        "cv_brier_before": brier(proba),
        "cv_brier_after": brier(scaled(t)),
        "cv_log_loss_before": nll(1.0),
        "cv_log_loss_after": nll(t),
    }
