"""Scoring a model on labelled statements: the :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._data import read_labelled
from ._errors import StanceError
from ._model import StanceModel


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
    """

    labels: tuple[str, ...]
    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float]]
    confusion: list[list[int]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every figure."""
        return {
            "labels": list(self.labels),
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_label": {k: dict(v) for k, v in self.per_label.items()},
            "confusion": [list(row) for row in self.confusion],
        }

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


def evaluate(model: StanceModel, data: Any) -> Report:
    """Score ``model`` on labelled ``data`` (a path, a list of dicts or a ``datasets.Dataset``).

    Raises
    ------
    StanceError
        If the data holds labels that the model does not know, or is malformed.
    """
    if not isinstance(model, StanceModel):
        raise TypeError(f"model must be a StanceModel, found {type(model).__name__}")
    texts, truth = read_labelled(data, model.labels)  # a label the model does not know names its row
    unknown = sorted(set(truth) - set(model.labels))
    if unknown:
        raise StanceError(
            f"the data has labels the model does not know: {unknown}; the model's labels are {list(model.labels)}"
        )
    proba = model.predict_proba(texts)
    predicted = [model.labels[i] for i in proba.argmax(axis=1).tolist()]
    return report_from_labels(model.labels, truth, predicted)
