"""What ``classify`` accepts, and the ``on_error`` policy for blank statements.

Every input falls in one of three cases (the table is in ``StanceModel.classify``
and the README):

- a ``str`` with at least one non-whitespace character is classified, whatever
  it holds (control characters, lone surrogates, any script, emoji, text that
  is empty after tokenisation such as ``"!!!"``; very long text in bounded
  windows, see :mod:`stance._long`);
- anything that is not a ``str`` (``None``, numbers, NaN, ``bytes``, a dict, a
  list holding a non-string) raises ``TypeError`` naming the position of the
  bad element, whatever the policy;
- an empty or whitespace-only ``str`` (``str.isspace``) follows ``on_error``:
  ``"raise"`` (the default) raises ``ValueError`` naming its position,
  ``"skip"`` puts ``None`` at its position, ``"neutral"`` gives an unscored
  neutral prediction (see :func:`unscored`).

The checks cost a few C-level passes per chunk (``set(map(type, chunk))``,
``"" in chunk``, ``any(map(str.isspace, chunk))``); ``str.isspace`` stops at
the first non-space character, so ordinary text costs one character each.
"""

from __future__ import annotations

from collections.abc import Iterator

from ._labels import Prediction, UnscoredPrediction

#: The values of ``on_error``.
ON_ERROR = ("raise", "skip", "neutral")
#: The label an unscored statement gets with ``on_error="neutral"``.
NEUTRAL = "neutral"


def check_on_error(on_error: object, labels: tuple[str, ...]) -> str:
    """Return ``on_error`` after checking it against :data:`ON_ERROR` and the model's labels."""
    if not isinstance(on_error, str):
        raise TypeError(f"on_error must be one of {', '.join(map(repr, ON_ERROR))}; found {type(on_error).__name__}")
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(map(repr, ON_ERROR))}; found {on_error!r}")
    if on_error == "neutral" and NEUTRAL not in labels:
        raise ValueError(f"on_error='neutral' needs a model with a {NEUTRAL!r} label; this model has {list(labels)}")
    return on_error


def is_blank(text: str) -> bool:
    """Whether ``text`` is empty or whitespace only."""
    return not text or text.isspace()


def blank_error(position: int | None) -> ValueError:
    """The error for a blank statement at ``position`` (``None``: a single statement)."""
    where = "the statement" if position is None else f"statement {position}"
    return ValueError(
        f"{where} is empty or whitespace only; expected text to classify "
        "(on_error='skip' or 'neutral' handles blank statements in a batch)"
    )


def unscored(text: str, labels: tuple[str, ...]) -> Prediction:
    """The prediction ``on_error="neutral"`` gives a blank statement.

    Label ``"neutral"``, score 1.0 on it and 0.0 on the others (so the scores
    still sum to 1), and ``scored`` False: the model never saw the statement.
    """
    return UnscoredPrediction(text, NEUTRAL, {label: 1.0 if label == NEUTRAL else 0.0 for label in labels})


def blank_positions(texts: list[str]) -> list[int]:
    """Positions of the blank statements of ``texts`` (two C-level passes when there are none)."""
    if "" in texts or any(map(str.isspace, texts)):
        return [i for i, t in enumerate(texts) if is_blank(t)]
    return []


def _filled(predictions: list, blanks: list[int], on_error: str, labels: tuple[str, ...]) -> list:
    out = list(predictions)
    for i in blanks:
        out[i] = None if on_error == "skip" else unscored(out[i].text, labels)
    return out


def checked_lists(chunks: Iterator[list[str]], score, on_error: str, labels: tuple[str, ...]) -> Iterator[list]:
    """``score(chunk)`` for each chunk, after checking it for blank statements (raised before scoring)."""
    offset = 0
    for chunk in chunks:
        blanks = blank_positions(chunk)
        if blanks and on_error == "raise":
            raise blank_error(offset + blanks[0])
        predictions = score(chunk)
        offset += len(chunk)
        yield _filled(predictions, blanks, on_error, labels) if blanks else predictions


def apply_policy(
    pairs: Iterator[tuple[list[str], list[Prediction]]], on_error: str, labels: tuple[str, ...]
) -> Iterator[list]:
    """The predictions of each ``(texts, predictions)`` pair, with ``on_error`` applied to the blank statements.

    For the multi-process paths of :mod:`stance._batch`: blank statements are
    scored like any other (empty text costs nothing) and replaced here.
    """
    offset = 0
    for texts, predictions in pairs:
        blanks = blank_positions(texts)
        if blanks and on_error == "raise":
            raise blank_error(offset + blanks[0])
        offset += len(texts)
        yield _filled(predictions, blanks, on_error, labels) if blanks else predictions
