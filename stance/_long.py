"""Very long statements: exact term counts in bounded memory.

Tokenising a 10 MB statement at once holds millions of token strings and
n-grams (about 18 bytes of memory per character of text). Statements longer
than :data:`LONG_TEXT` characters are instead read in windows of about
:data:`WINDOW` characters, each cut just after a separator character, and the
last ``max_n - 1`` tokens of one window are carried into the next so that the
n-grams spanning a cut are counted once. The counts are exactly those of the
whole text (so the scores stay equal to scikit-learn's), and memory is bounded
by the window and the vocabulary, not by the statement.

A cut is safe where no preprocessing step looks across it: after whitespace
or one of :data:`_CUT_AFTER`'s ASCII punctuation characters, which are not
word characters (no token spans them), are Unicode starters (NFKD does not
reorder across them) and are not case-ignorable (the final-sigma rule of
``str.lower`` does not look past them). A window with no such character grows
until the next one. Only the default token pattern is cut; a model with a
custom ``token_pattern`` reads long statements whole.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._text import DEFAULT_TOKEN_PATTERN

if TYPE_CHECKING:
    from ._text import Analyzer

#: Statements longer than this many characters are counted window by window.
LONG_TEXT = 200_000
#: Characters per window (a window ends at the last safe cut within it).
WINDOW = 100_000
_CUT_AFTER = re.compile(r"[\s,;!?()\[\]{}<>\"/\\|#$%&*+=@~-]")


def windows(text: str, size: int = WINDOW) -> Iterator[str]:
    """Consecutive pieces of ``text`` of about ``size`` characters, each ending at a safe cut."""
    start, n = 0, len(text)
    while n - start > size:
        end = _last_cut(text, start + size // 2, start + size)
        if end is None:  # no cut in the second half of the window: take the next one after it
            match = _CUT_AFTER.search(text, start + size)
            end = match.end() if match else n
        yield text[start:end]
        start = end
    if start < n:
        yield text[start:]


def _last_cut(text: str, lo: int, hi: int) -> int | None:
    """The position just after the last safe cut character in ``text[lo:hi]``, or None."""
    for sep in (" ", "\n"):
        i = text.rfind(sep, lo, hi)
        if i >= 0:
            return i + 1
    last = deque(_CUT_AFTER.finditer(text, lo, hi), maxlen=1)
    return last[0].end() if last else None


def can_window(analyzer: Analyzer) -> bool:
    """Whether long statements may be cut for ``analyzer``: word n-grams with the default token pattern.

    Character n-grams are counted over the whole text (no windows yet).
    """
    return analyzer.settings["analyzer"] == "word" and analyzer.settings["token_pattern"] == DEFAULT_TOKEN_PATTERN


def windowed_counts(analyzer: Analyzer, text: str, size: int = WINDOW) -> Counter[int]:
    """``{feature index: count}`` of ``text``, as ``analyzer.counts(text)``, one window at a time."""
    min_n, max_n = analyzer.settings["ngram_range"]
    get = analyzer.vocabulary.get
    counts: Counter[int] = Counter()
    carry: list[str] = []
    for piece in windows(text, size):
        tokens = analyzer.tokens(piece)
        if min_n == 1:
            counts.update(j for j in map(get, tokens) if j is not None)
        joined = carry + tokens
        for n in range(max(min_n, 2), max_n + 1):
            # n-grams that end in this window: those starting before it were counted already
            first = max(0, len(carry) - n + 1)
            grams = (" ".join(joined[s : s + n]) for s in range(first, len(joined) - n + 1))
            counts.update(j for j in map(get, grams) if j is not None)
        carry = joined[-(max_n - 1) :] if max_n > 1 else []
    return counts
