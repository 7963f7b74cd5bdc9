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
        False only for a blank statement given the label ``"neutral"`` by
        ``on_error="neutral"`` without being scored (its scores are then 1.0
        for neutral, 0.0 for the others).
    """

    text: str
    label: str
    scores: dict[str, float] = field(repr=False)
    scored: bool = field(default=True, repr=False)

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
