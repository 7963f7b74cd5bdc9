"""``stance.cross_validate``: stratified K-fold cross-validation of the training recipe."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._data import read_labelled_with

#: The column that keeps statements of one source on the same side of every split.
GROUP_COLUMN = "group"


@dataclass(frozen=True)
class Fold:
    """The figures of one fold: a model trained on the other folds, scored on this one.

    Attributes
    ----------
    fold : int
        1-based.
    n_train, n_test : int
    test_index : list of int
        Positions (0-based, in the data's order) of the statements scored in this fold.
    figures : dict
        ``accuracy``, ``macro_f1``, ``f1 <label>`` for each label, ``brier``, ``ece``.
    params : dict
        The settings the fold's model was trained with (chosen in the fold with ``search=True``).
    search : dict or None
        With ``search=True``, what the search inside the fold recorded (grid, folds,
        best settings, their cross-validated macro F1), as in the model's metadata.
    """

    fold: int
    n_train: int
    n_test: int
    test_index: list[int]
    figures: dict[str, float]
    params: dict[str, Any] = field(default_factory=dict)
    search: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "fold": self.fold,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "test_index": list(self.test_index),
            "figures": dict(self.figures),
            "params": dict(self.params),
            "search": self.search,
        }


@dataclass(frozen=True)
class CVReport:
    """Cross-validated figures of the training recipe on one labelled data set.

    Attributes
    ----------
    k : int
        Folds.
    n : int
        Statements.
    labels : tuple of str
    grouped : bool
        True when the data has a ``group`` column: no group straddles train and test.
    search : bool
        True when each fold's model chose its settings by cross-validation inside the training folds.
    seed : int
        Seed of the fold shuffle.
    folds : list of Fold
    mean, std : dict
        Mean and sample standard deviation (``ddof=1``) over the folds of each figure.
    """

    k: int
    n: int
    labels: tuple[str, ...]
    grouped: bool
    search: bool
    seed: int
    folds: list[Fold]
    mean: dict[str, float]
    std: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every figure."""
        return {
            "k": self.k,
            "n": self.n,
            "labels": list(self.labels),
            "grouped": self.grouped,
            "search": self.search,
            "seed": self.seed,
            "folds": [f.to_dict() for f in self.folds],
            "mean": dict(self.mean),
            "std": dict(self.std),
        }

    def __str__(self) -> str:
        names = list(self.mean)
        width = max(10, *(len(n) + 2 for n in names))
        how = "stratified group" if self.grouped else "stratified"
        lines = [
            f"{self.k}-fold {how} cross-validation of the training recipe on {self.n} statements"
            f"{' (settings searched in each fold)' if self.search else ''}, seed {self.seed}",
            f"{'':<{width}}" + "".join(f"{'fold ' + str(f.fold):>9}" for f in self.folds) + f"{'mean':>9}{'std':>9}",
        ]
        for name in names:
            cells = "".join(f"{f.figures[name]:>9.3f}" for f in self.folds)
            lines.append(f"{name:<{width}}{cells}{self.mean[name]:>9.3f}{self.std[name]:>9.3f}")
        lines.append(f"{'test size':<{width}}" + "".join(f"{f.n_test:>9d}" for f in self.folds))
        return "\n".join(lines)


def _figures(report: Any) -> dict[str, float]:
    figures = {"accuracy": report.accuracy, "macro_f1": report.macro_f1}
    figures.update({f"f1 {label}": report.per_label[label]["f1"] for label in report.labels})
    figures["brier"] = report.calibration.brier
    figures["ece"] = report.calibration.ece
    return figures


def cross_validate(
    data: Any, k: int = 5, *, search: bool = False, seed: int = 0, n_jobs: int | None = None, **params: Any
) -> CVReport:
    """Stratified K-fold cross-validation of :func:`stance.train` on labelled ``data``.

    Each fold's model is trained with ``stance.train(train_part, search=search,
    n_jobs=n_jobs, **params)`` (what ``stance train`` does) and scored with
    :func:`stance.evaluate` on the held-out part. When the data has a ``group``
    column, the folds come from ``StratifiedGroupKFold`` so that no group is
    on both sides of a split; otherwise from ``StratifiedKFold``. Both shuffle
    with ``seed``.

    Parameters
    ----------
    data : path, list of dict or datasets.Dataset
        Statements with ``text``, ``label`` and optionally ``group``.
    k : int, default=5
        Folds, at least 2 and at most the count of the rarest label.
    search : bool, default=False
        Choose each fold's settings by cross-validation inside its training part.
    seed : int, default=0
    n_jobs : int, optional
        Parallel jobs for the search.
    **params
        Settings passed to :func:`stance.train` (``C``, ``ngram_range``, ...).

    Returns
    -------
    CVReport

    Raises
    ------
    TypeError
        If ``k`` or ``seed`` is not an int.
    ValueError
        If ``k`` is below 2 or above the count of the rarest label (or the number of groups).
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    from ._estimator import label_order
    from ._evaluate import evaluate
    from ._train import train

    for name, value in (("k", k), ("seed", seed)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, found {type(value).__name__}")
    if k < 2:
        raise ValueError(f"k must be at least 2, found {k}")
    texts, labels, groups = read_labelled_with(data, GROUP_COLUMN)
    counts = {label: labels.count(label) for label in set(labels)}
    rarest = min(counts, key=lambda label: (counts[label], label))
    if k > counts[rarest]:
        raise ValueError(f"k must be at most the count of the rarest label ({rarest!r}: {counts[rarest]}), found {k}")
    if groups is not None and k > len(set(groups)):
        raise ValueError(f"k must be at most the number of groups ({len(set(groups))}), found {k}")
    if groups is None:
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(texts, labels)
    else:
        splits = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(texts, labels, groups)
    folds = []
    for i, (train_index, test_index) in enumerate(splits, 1):
        missing = sorted(set(labels) - {labels[j] for j in train_index})
        if missing:
            raise ValueError(f"fold {i}'s training part has no statement labelled {missing}: use fewer folds or groups")
        model = train(
            [{"text": texts[j], "label": labels[j]} for j in train_index], search=search, n_jobs=n_jobs, **params
        )
        report = evaluate(model, [{"text": texts[j], "label": labels[j]} for j in test_index], errors=0)
        folds.append(
            Fold(
                fold=i,
                n_train=len(train_index),
                n_test=len(test_index),
                test_index=[int(j) for j in test_index],
                figures=_figures(report),
                params=dict(model.metadata["training"]["params"]),
                search=model.metadata["training"].get("search"),
            )
        )
    names = list(folds[0].figures)
    table = np.array([[f.figures[name] for name in names] for f in folds])
    return CVReport(
        k=k,
        n=len(texts),
        labels=label_order(labels),
        grouped=groups is not None,
        search=search,
        seed=seed,
        folds=folds,
        mean={name: float(v) for name, v in zip(names, table.mean(axis=0))},
        std={name: float(v) for name, v in zip(names, table.std(axis=0, ddof=1))},
    )
