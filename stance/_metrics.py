"""Figures behind a :class:`~stance.Report`: bootstrap intervals, the majority baseline, calibration.

numpy only. Labels are integer codes ``0 .. k-1`` here; :mod:`stance._evaluate`
turns them back into names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Resamples of the bootstrap, its seed, and the confidence level of its intervals.
RESAMPLES = 1_000
SEED = 0
LEVEL = 0.95
#: Equal-width confidence bins of the reliability table and the expected calibration error.
BINS = 10


def macro_f1_of_counts(confusion: np.ndarray) -> np.ndarray:
    """Macro F1 of one or many confusion matrices (``(..., k, k)``, rows true, columns predicted).

    F1 of a label is ``2 tp / (support + predicted)``, 0 when it has neither;
    the mean is over the labels that occur in the truth or the predictions, as
    ``sklearn.metrics.f1_score(average="macro", zero_division=0)``.
    """
    tp = np.diagonal(confusion, axis1=-2, axis2=-1).astype(float)
    both = confusion.sum(axis=-1) + confusion.sum(axis=-2)
    f1 = np.divide(2 * tp, both, out=np.zeros(both.shape), where=both > 0)
    present = both > 0
    n_present = present.sum(axis=-1)
    return np.divide(f1.sum(axis=-1), n_present, out=np.zeros(n_present.shape), where=n_present > 0)


@dataclass(frozen=True)
class Bootstrap:
    """Percentile bootstrap confidence intervals of accuracy and macro F1.

    Attributes
    ----------
    accuracy, macro_f1 : tuple of float
        ``(low, high)``: the ``(1 - level) / 2`` and ``(1 + level) / 2``
        percentiles of the figure over the resamples.
    resamples : int
        Resamples drawn (each ``n`` statements, with replacement).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same intervals.
    level : float
        Confidence level, 0.95 for 95%.
    """

    accuracy: tuple[float, float]
    macro_f1: tuple[float, float]
    resamples: int = RESAMPLES
    seed: int = SEED
    level: float = LEVEL

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "accuracy": list(self.accuracy),
            "macro_f1": list(self.macro_f1),
            "resamples": self.resamples,
            "seed": self.seed,
            "level": self.level,
            "method": "percentile",
        }

    def __str__(self) -> str:
        pct = f"{self.level:.0%}"
        return (
            f"{pct} bootstrap intervals ({self.resamples:,} resamples, seed {self.seed}): "
            f"accuracy {self.accuracy[0]:.3f}-{self.accuracy[1]:.3f}, "
            f"macro F1 {self.macro_f1[0]:.3f}-{self.macro_f1[1]:.3f}"
        )


def bootstrap(
    truth: np.ndarray,
    predicted: np.ndarray,
    k: int,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> Bootstrap:
    """Bootstrap intervals of accuracy and macro F1, all resamples at once.

    Parameters
    ----------
    truth, predicted : ndarray of int
        Label codes in ``0 .. k-1``, one per statement.
    k : int
        Number of labels.
    resamples, seed, level
        See :class:`Bootstrap`.
    """
    n = len(truth)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(resamples, n))
    cell = (truth * k + predicted)[index]  # (resamples, n): the confusion cell of each drawn statement
    cell += (np.arange(resamples) * (k * k))[:, None]
    confusion = np.bincount(cell.ravel(), minlength=resamples * k * k).reshape(resamples, k, k)
    accuracy = np.trace(confusion, axis1=1, axis2=2) / n
    macro = macro_f1_of_counts(confusion)
    q = [100 * (1 - level) / 2, 100 * (1 + level) / 2]
    a_low, a_high = np.percentile(accuracy, q)
    f_low, f_high = np.percentile(macro, q)
    return Bootstrap(
        accuracy=(float(a_low), float(a_high)),
        macro_f1=(float(f_low), float(f_high)),
        resamples=resamples,
        seed=seed,
        level=level,
    )


@dataclass(frozen=True)
class Baseline:
    """The majority-class baseline: always predict one label.

    Attributes
    ----------
    label : str
        The label predicted for every statement.
    source : str
        Where it is the most frequent: ``"training data"`` (from the model's
        metadata) or ``"evaluated data"`` (when the model records no label counts).
    accuracy, macro_f1 : float
        Its figures on the evaluated data.
    """

    label: str
    source: str
    accuracy: float
    macro_f1: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"label": self.label, "source": self.source, "accuracy": self.accuracy, "macro_f1": self.macro_f1}

    def __str__(self) -> str:
        return (
            f"majority baseline (always {self.label!r}, the most frequent label of the {self.source}): "
            f"accuracy {self.accuracy:.3f}, macro F1 {self.macro_f1:.3f}"
        )


def majority_baseline(labels: tuple[str, ...], truth: np.ndarray, training_counts: dict[str, Any] | None) -> Baseline:
    """The majority baseline on ``truth`` (label codes into ``labels``).

    The majority label is taken from ``training_counts`` (the model's
    ``metadata["training"]["label_counts"]``) when it is a dict of counts of
    the model's labels, else from ``truth``; ties go to the label first in
    ``labels``.
    """
    k = len(labels)
    recorded = [training_counts.get(label) for label in labels] if isinstance(training_counts, dict) else []
    if recorded and all(isinstance(c, int) for c in recorded) and sum(recorded) > 0:
        counts = np.array(recorded)
        source = "training data"
    else:
        counts = np.bincount(truth, minlength=k)
        source = "evaluated data"
    majority = int(np.argmax(counts))
    confusion = np.zeros((k, k), dtype=np.int64)
    confusion[:, majority] = np.bincount(truth, minlength=k)
    return Baseline(
        label=labels[majority],
        source=source,
        accuracy=float(confusion[majority, majority] / len(truth)),
        macro_f1=float(macro_f1_of_counts(confusion)),
    )


@dataclass(frozen=True)
class Bin:
    """One row of the reliability table: statements whose confidence is in ``[low, high)``.

    The last bin also holds confidence 1. ``confidence`` and ``accuracy`` are
    ``None`` for an empty bin.
    """

    low: float
    high: float
    count: int
    confidence: float | None
    accuracy: float | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "confidence": self.confidence,
            "accuracy": self.accuracy,
        }


@dataclass(frozen=True)
class Calibration:
    """How far the model's probabilities can be taken at face value.

    Attributes
    ----------
    brier : float
        Multi-class Brier score: the mean over statements of the sum over labels
        of ``(p - y) ** 2``, ``y`` being 1 for the true label and 0 otherwise.
        0 is perfect; between 0 and 2.
    ece : float
        Expected calibration error: over equal-width bins of the confidence
        (the probability of the predicted label), the mean of
        ``|accuracy - mean confidence|`` weighted by the bin's share of statements.
    bins : list of Bin
        The reliability table, one row per bin, empty bins included.
    """

    brier: float
    ece: float
    bins: list[Bin] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "brier": self.brier,
            "brier_definition": "mean over statements of the sum over labels of (p - y)^2",
            "ece": self.ece,
            "bins": [b.to_dict() for b in self.bins],
        }

    def __str__(self) -> str:
        lines = [
            f"calibration: Brier {self.brier:.3f} (mean over statements of the sum over labels of (p - y)^2), "
            f"ECE {self.ece:.3f} ({len(self.bins)} bins)",
            f"{'confidence':<14}{'count':>8}{'mean conf':>12}{'accuracy':>10}",
        ]
        for b in self.bins:
            if b.count:
                lines.append(f"{b.low:.1f}-{b.high:.1f}{'':<7}{b.count:>8d}{b.confidence:>12.3f}{b.accuracy:>10.3f}")
        return "\n".join(lines)


def calibration(proba: np.ndarray, truth: np.ndarray, *, n_bins: int = BINS) -> Calibration:
    """Brier score, expected calibration error and reliability table.

    Parameters
    ----------
    proba : ndarray of shape (n, k)
        Probabilities, rows summing to 1.
    truth : ndarray of int
        True label codes.
    n_bins : int
        Equal-width bins over ``[0, 1]``.
    """
    n, k = proba.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), truth] = 1.0
    brier = float(((proba - onehot) ** 2).sum(axis=1).mean())
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == truth).astype(float)
    edges = np.arange(n_bins + 1) / n_bins
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
    count = np.bincount(which, minlength=n_bins)
    conf_sum = np.bincount(which, weights=confidence, minlength=n_bins)
    correct_sum = np.bincount(which, weights=correct, minlength=n_bins)
    ece = float(np.abs(correct_sum - conf_sum).sum() / n)
    bins = [
        Bin(
            low=float(edges[b]),
            high=float(edges[b + 1]),
            count=int(count[b]),
            confidence=float(conf_sum[b] / count[b]) if count[b] else None,
            accuracy=float(correct_sum[b] / count[b]) if count[b] else None,
        )
        for b in range(n_bins)
    ]
    return Calibration(brier=brier, ece=ece, bins=bins)
