"""Scoring a model on labelled statements: the :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ._data import read_labelled
from ._errors import StanceError
from ._metrics import RESAMPLES, SEED, Baseline, Bootstrap, Calibration, bootstrap, calibration, majority_baseline
from ._model import StanceModel

#: Misclassified statements a report keeps by default (the most confident ones).
ERRORS = 10


@dataclass(frozen=True)
class Mistake:
    """A misclassified statement.

    Attributes
    ----------
    text : str
    label : str
        The true label.
    predicted : str
        The model's label.
    confidence : float
        The probability of the predicted label.
    scores : dict
        ``{label: probability}`` in the model's label order.
    """

    text: str
    label: str
    predicted: str
    confidence: float
    scores: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "text": self.text,
            "label": self.label,
            "predicted": self.predicted,
            "confidence": self.confidence,
            "scores": dict(self.scores),
        }

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 90 else self.text[:89] + "…"
        return f"{self.confidence:.3f}  {self.label} -> {self.predicted}  {text}"


@dataclass(frozen=True)
class Report:
    """How well a model labels a set of statements.

    Attributes
    ----------
    labels : tuple of str
        The model's labels; the order of ``confusion``'s rows and columns.
    n : int
        Number of statements scored.
    accuracy : float
    macro_f1 : float
        Mean F1 over the labels that occur in the data or the predictions
        (as ``sklearn.metrics.f1_score(average="macro")``).
    per_label : dict
        ``{label: {"precision", "recall", "f1", "support"}}``.
    confusion : list of list of int
        Rows are true labels, columns predicted labels, in ``labels`` order.
    bootstrap : Bootstrap or None
        95% percentile bootstrap intervals of accuracy and macro F1.
    baseline : Baseline or None
        The majority-class baseline on the same statements.
    calibration : Calibration or None
        Brier score, expected calibration error and the reliability table.
    n_misclassified : int or None
        Statements whose predicted label is wrong.
    errors : list of Mistake
        The most confident of them, most confident first.

    The last five are computed by :func:`evaluate`; a report built from labels
    alone (``report_from_labels``) has ``None`` and ``[]`` there.
    """

    labels: tuple[str, ...]
    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float]]
    confusion: list[list[int]]
    bootstrap: Bootstrap | None = None
    baseline: Baseline | None = None
    calibration: Calibration | None = None
    n_misclassified: int | None = None
    errors: list[Mistake] = field(default_factory=list)

    def to_dict(self, *, details: bool = True) -> dict[str, Any]:
        """A JSON-ready dict of every figure.

        Parameters
        ----------
        details : bool, default=True
            False keeps only labels, n, accuracy, macro F1, per-label figures
            and the confusion matrix (what a model's metadata records).
        """
        d: dict[str, Any] = {
            "labels": list(self.labels),
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_label": {k: dict(v) for k, v in self.per_label.items()},
            "confusion": [list(row) for row in self.confusion],
        }
        if details:
            d["bootstrap"] = self.bootstrap.to_dict() if self.bootstrap else None
            d["baseline"] = self.baseline.to_dict() if self.baseline else None
            d["calibration"] = self.calibration.to_dict() if self.calibration else None
            d["n_misclassified"] = self.n_misclassified
            d["errors"] = [m.to_dict() for m in self.errors]
        return d

    def __str__(self) -> str:
        width = max(12, *(len(label) + 2 for label in self.labels))
        lines = [f"{'':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
        for label in self.labels:
            m = self.per_label[label]
            lines.append(
                f"{label:<{width}}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{int(m['support']):>10d}"
            )
        lines.append("")
        lines.append(f"{'accuracy':<{width}}{self.accuracy:>30.3f}{self.n:>10d}")
        lines.append(f"{'macro F1':<{width}}{self.macro_f1:>30.3f}{self.n:>10d}")
        lines.append("")
        lines.append("confusion (rows: true, columns: predicted)")
        lines.append(f"{'':<{width}}" + "".join(f"{label[:10]:>11}" for label in self.labels))
        for label, row in zip(self.labels, self.confusion):
            lines.append(f"{label:<{width}}" + "".join(f"{c:>11d}" for c in row))
        for section in (self.bootstrap, self.baseline, self.calibration):
            if section is not None:
                lines += ["", str(section)]
        if self.n_misclassified is not None:
            lines += ["", f"misclassified: {self.n_misclassified} of {self.n}"]
            if self.errors:
                lines.append(f"the {len(self.errors)} most confident mistakes (confidence  true -> predicted  text):")
                lines += [str(m) for m in self.errors]
        return "\n".join(lines)


def report_from_labels(labels: tuple[str, ...], truth: list[str], predicted: list[str]) -> Report:
    """Build a :class:`Report` from true and predicted labels (all in ``labels``)."""
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, ([index[t] for t in truth], [index[p] for p in predicted]), 1)
    tp = np.diag(confusion).astype(float)
    support = confusion.sum(axis=1)
    guessed = confusion.sum(axis=0)
    precision = np.divide(tp, guessed, out=np.zeros(k), where=guessed > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(k), where=denom > 0)
    present = (support > 0) | (guessed > 0)
    per_label = {
        label: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
    n = len(truth)
    return Report(
        labels=labels,
        n=n,
        accuracy=float(tp.sum() / n) if n else 0.0,
        macro_f1=float(f1[present].mean()) if present.any() else 0.0,
        per_label=per_label,
        confusion=confusion.tolist(),
    )


def _check_int(name: str, value: Any, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, found {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, found {value}")


def evaluate(
    model: StanceModel, data: Any, *, errors: int | None = ERRORS, seed: int = SEED, resamples: int = RESAMPLES
) -> Report:
    """Score ``model`` on labelled ``data`` (a path, a list of dicts or a ``datasets.Dataset``).

    Parameters
    ----------
    model : StanceModel
    data : path, list of dict or datasets.Dataset
        Statements with ``text`` and ``label``.
    errors : int or None, default=10
        How many misclassified statements to keep, the most confident first;
        None keeps them all.
    seed : int, default=0
        Seed of the bootstrap.
    resamples : int, default=1000
        Resamples of the bootstrap.

    Returns
    -------
    Report
        Every figure: the table, bootstrap intervals, majority baseline
        (the most frequent label of the model's training data when its metadata
        records the label counts, else of ``data``), calibration, mistakes.

    Raises
    ------
    StanceError
        If the data holds labels that the model does not know, or is malformed.
    TypeError, ValueError
        If ``errors``, ``seed`` or ``resamples`` is not an int, or is negative
        (``resamples`` below 1).
    """
    if not isinstance(model, StanceModel):
        raise TypeError(f"model must be a StanceModel, found {type(model).__name__}")
    if errors is not None:
        _check_int("errors", errors, 0)
    _check_int("seed", seed, 0)
    _check_int("resamples", resamples, 1)
    texts, truth = read_labelled(data, model.labels)  # a label the model does not know names its row
    unknown = sorted(set(truth) - set(model.labels))
    if unknown:
        raise StanceError(
            f"the data has labels the model does not know: {unknown}; the model's labels are {list(model.labels)}"
        )
    proba = model.predict_proba(texts)
    codes = proba.argmax(axis=1)
    predicted = [model.labels[i] for i in codes.tolist()]
    report = report_from_labels(model.labels, truth, predicted)
    index = {label: i for i, label in enumerate(model.labels)}
    true_codes = np.array([index[t] for t in truth], dtype=np.int64)
    wrong = np.flatnonzero(codes != true_codes)
    confidence = proba.max(axis=1)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")]
    kept = order if errors is None else order[:errors]
    mistakes = [
        Mistake(
            text=texts[i],
            label=truth[i],
            predicted=predicted[i],
            confidence=float(confidence[i]),
            scores={label: float(p) for label, p in zip(model.labels, proba[i])},
        )
        for i in kept.tolist()
    ]
    training = model.metadata.get("training")
    counts = training.get("label_counts") if isinstance(training, dict) else None
    return replace(
        report,
        bootstrap=bootstrap(true_codes, codes, len(model.labels), resamples=resamples, seed=seed),
        baseline=majority_baseline(model.labels, true_codes, counts),
        calibration=calibration(proba, true_codes),
        n_misclassified=int(len(wrong)),
        errors=mistakes,
    )
