"""The three stances and the prediction record that carries one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LABELS: tuple[str, str, str] = ("pressuring", "resisting", "neutral")
"""The labels of the shipped model, in the order of its score columns."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The stance of one statement.

    Attributes
    ----------
    text : str
        The statement as given.
    label : str
        The most probable label.
    scores : dict of str to float
        One probability per label of the model, in the model's label order;
        they sum to 1.
    scored : bool
        True: the model scored the statement. False only for an
        :class:`UnscoredPrediction`.
    """

    text: str
    label: str
    scores: dict[str, float] = field(repr=False)
    # A class attribute, not a field: a fourth field would slow the making of
    # every prediction (about a fifth more time per object) for a rare case.
    scored = True

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with ``text``, ``label`` and ``scores`` (and ``"scored": false`` if unscored)."""
        out: dict[str, Any] = {"text": self.text, "label": self.label, "scores": dict(self.scores)}
        if not self.scored:
            out["scored"] = False
        return out

    def __str__(self) -> str:
        scores = "  ".join(f"{label} {p:.3f}" for label, p in self.scores.items())
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        flag = "" if self.scored else "  (blank: not scored)"
        return f"{self.label:<11} [{scores}]  {text}{flag}"


class UnscoredPrediction(Prediction):
    """A blank statement labelled ``"neutral"`` by ``on_error="neutral"`` without being scored.

    Its scores are 1.0 for neutral and 0.0 for the other labels (they still sum
    to 1), ``scored`` is False, and ``to_dict()`` adds ``"scored": false``.
    """

    __slots__ = ()
    scored = False
