"""Why a statement gets its label: per-n-gram contributions to each label's logit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ._model import StanceModel


@dataclass(frozen=True)
class Explanation:
    """The contributions of a statement's n-grams to each label's logit.

    The weight of n-gram ``j`` toward label ``c`` is ``coef[c, j] * tfidf_j``,
    where ``tfidf_j`` is the normalised tf-idf value the model scores. For every
    label, the sum of all weights plus the intercept is the label's logit, and
    the softmax of the logits is the model's probabilities. A two-label model
    has one decision value ``d`` (for the second label); it is shown as the
    logits ``-d/2`` and ``+d/2``, whose softmax is the same probabilities, so
    each label has its own weights (those of the first are the negated halves
    of the second's).

    Attributes
    ----------
    text : str
        The statement as given.
    label : str
        The predicted label.
    scores : dict of str to float
        The probability of each label.
    logits : dict of str to float
        Each label's logit: its intercept plus the sum of its weights.
    intercepts : dict of str to float
        Each label's intercept (the logit of a statement with no known n-gram).
    weights : dict of str to tuple of (str, float)
        For each label, every known n-gram of the statement with its weight,
        largest first.
    top : int
        How many n-grams :meth:`toward`, :meth:`away`, ``str()`` and
        ``to_dict()`` list per label and direction.
    """

    text: str
    label: str
    scores: dict[str, float]
    logits: dict[str, float]
    intercepts: dict[str, float]
    weights: dict[str, tuple[tuple[str, float], ...]]
    top: int = 5

    def toward(self, label: str) -> list[tuple[str, float]]:
        """The ``top`` n-grams that push most toward ``label`` (positive weights, largest first)."""
        return [tw for tw in self.weights[label] if tw[1] > 0][: self.top]

    def away(self, label: str) -> list[tuple[str, float]]:
        """The ``top`` n-grams that push most away from ``label`` (negative weights, most negative first)."""
        return [tw for tw in reversed(self.weights[label]) if tw[1] < 0][: self.top]

    def _order(self) -> list[str]:
        return [self.label, *(label for label in self.logits if label != self.label)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: text, label, scores, and per label its logit, intercept and top n-grams."""
        return {
            "text": self.text,
            "label": self.label,
            "scores": dict(self.scores),
            "labels": {
                label: {
                    "logit": self.logits[label],
                    "intercept": self.intercepts[label],
                    "toward": [[t, w] for t, w in self.toward(label)],
                    "away": [[t, w] for t, w in self.away(label)],
                }
                for label in self._order()
            },
        }

    def __str__(self) -> str:
        lines = [f"{self.label}  {self.text}"]
        for label in self._order():
            p = self.scores[label]
            lines.append(
                f"  {label:<11} p={p:.3f}  logit={self.logits[label]:+.3f}  intercept={self.intercepts[label]:+.3f}"
            )
            for name, terms in (("toward", self.toward(label)), ("away", self.away(label))):
                shown = ", ".join(f"{t!r} {w:+.3f}" for t, w in terms) or "-"
                lines.append(f"    {name:<7}{shown}")
        return "\n".join(lines)


def explain(model: StanceModel, text: str, *, top: int = 5) -> Explanation:
    """Explain the prediction of ``model`` for one statement, on the numpy path.

    Parameters
    ----------
    model : StanceModel
    text : str
        One statement.
    top : int, default 5
        How many n-grams to list per label and direction (all are kept in
        ``Explanation.weights``).

    Returns
    -------
    Explanation

    Raises
    ------
    TypeError
        If ``text`` is not a string or ``top`` not an int.
    ValueError
        If ``top`` is negative.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, found {type(text).__name__}")
    if isinstance(top, bool) or not isinstance(top, int):
        raise TypeError(f"top must be an int, found {type(top).__name__}")
    if top < 0:
        raise ValueError(f"top must be 0 or more, found {top}")
    labels = model.labels
    features, tfidf = model.tfidf(text)  # the one vector that scoring uses too
    # contributions[c, k]: weight of the statement's k-th feature toward row c of coef.
    contributions = model.coef.take(features, axis=1) * tfidf
    intercept = model.intercept
    if model.coef.shape[0] == 1:  # two labels: one decision value, split symmetrically
        contributions = np.vstack([-contributions / 2, contributions / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    terms = [model.vocabulary[j] for j in features.tolist()]
    weights, logits, intercepts = {}, {}, {}
    for c, label in enumerate(labels):
        row = contributions[c].tolist()
        weights[label] = tuple(sorted(zip(terms, row), key=lambda tw: (-tw[1], tw[0])))
        intercepts[label] = float(intercept[c])
        logits[label] = intercepts[label] + math.fsum(row)
    top_logit = max(logits.values())
    exps = {label: math.exp(v - top_logit) for label, v in logits.items()}
    total = math.fsum(exps.values())
    scores = {label: e / total for label, e in exps.items()}
    best = model.classify(text).label  # the label classify gives, even on a near tie
    return Explanation(text, best, scores, logits, intercepts, weights, top)
