"""A whole article at once: its statements, who made them and their stances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._extract import Statement, extract_statements
from ._labels import Prediction
from ._model import StanceModel

UNNAMED = "(unnamed)"


@dataclass(frozen=True)
class ArticleReport:
    """The attributed statements of one article with their predicted stances.

    Attributes
    ----------
    statements : tuple of Statement
        In article order (see :func:`stance.extract_statements`).
    predictions : tuple of Prediction
        One per statement, in the same order.
    labels : tuple of str
        The model's labels.
    counts : dict of str to int
        Statements per predicted label, every label present.
    by_speaker : dict
        ``{speaker: {label: count}}``, speakers in order of first statement;
        ``None`` gathers the statements of unnamed speakers.
    source : str or None
        Where the article came from (a file name), if given.
    """

    statements: tuple[Statement, ...]
    predictions: tuple[Prediction, ...]
    labels: tuple[str, ...]
    counts: dict[str, int]
    by_speaker: dict[str | None, dict[str, int]]
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: source, labels, counts, per-speaker counts and every statement with its stance."""
        return {
            "source": self.source,
            "labels": list(self.labels),
            "counts": dict(self.counts),
            "speakers": [{"speaker": s, "counts": dict(c)} for s, c in self.by_speaker.items()],
            "statements": [
                {**st.to_dict(), "label": p.label, "scores": dict(p.scores)}
                for st, p in zip(self.statements, self.predictions)
            ],
        }

    def __str__(self) -> str:
        n = len(self.statements)
        counts = ", ".join(f"{label} {k}" for label, k in self.counts.items())
        lines = [f"{self.source or 'article'}: {n} statement{'s' * (n != 1)} ({counts})"]
        if not n:
            return lines[0]
        width = max(len(UNNAMED), *(len(s or UNNAMED) for s in self.by_speaker))
        lwidth = max(len(label) for label in self.labels)
        lines.append(f"  {'kind':<8}  {'speaker':<{width}}  {'label':<{lwidth}}  {'p':>5}  statement")
        for st, p in zip(self.statements, self.predictions):
            text = " ".join(st.text.split())
            text = text if len(text) <= 70 else text[:67] + "..."
            speaker = st.speaker or UNNAMED
            lines.append(f"  {st.kind:<8}  {speaker:<{width}}  {p.label:<{lwidth}}  {p.scores[p.label]:5.2f}  {text}")
        lines.append(f"  {'by speaker':<{width}}  " + "  ".join(f"{label:>{len(label)}}" for label in self.labels))
        for speaker, c in self.by_speaker.items():
            lines.append(f"  {speaker or UNNAMED:<{width}}  " + "  ".join(f"{c[lb]:>{len(lb)}}" for lb in self.labels))
        return "\n".join(lines)


def classify_article(
    article: str, model: StanceModel | None = None, *, min_words: int = 5, source: str | None = None
) -> ArticleReport:
    """Extract the attributed statements of a news article and classify each.

    Parameters
    ----------
    article : str
        The article as plain text, one paragraph per line.
    model : StanceModel, optional
        The model to classify with (default: the shipped model).
    min_words : int, default 5
        Passed to :func:`stance.extract_statements`.
    source : str, optional
        A name for the article (a file name), shown in the report.

    Returns
    -------
    ArticleReport

    Raises
    ------
    TypeError
        If ``article`` is not a string or ``model`` not a :class:`StanceModel`.
    """
    if model is None:
        from ._default import default_model

        model = default_model()
    elif not isinstance(model, StanceModel):
        raise TypeError(f"model must be a StanceModel or None, found {type(model).__name__}")
    statements = extract_statements(article, min_words=min_words)
    predictions = model.classify([st.text for st in statements])
    counts = dict.fromkeys(model.labels, 0)
    by_speaker: dict[str | None, dict[str, int]] = {}
    for st, p in zip(statements, predictions):
        counts[p.label] += 1
        by_speaker.setdefault(st.speaker, dict.fromkeys(model.labels, 0))[p.label] += 1
    return ArticleReport(tuple(statements), tuple(predictions), model.labels, counts, by_speaker, source)
