"""Character n-grams, exactly as scikit-learn's ``analyzer="char"`` and ``"char_wb"`` make them.

Preprocessing is the word analyzer's (``str.lower``, accent stripping); runs of
two or more whitespace characters become one space. ``char`` slides a window
over the whole text; ``char_wb`` pads each whitespace-separated word with a
space on either side and slides only within it, counting a word shorter than
the window once. The token pattern and stop words play no part.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: The whitespace runs that scikit-learn's char analyzers fold into one space.
_WHITE_SPACES = re.compile(r"\s\s+")


class CharAnalyzer:
    """Turns documents into ``{feature index: count}`` of character n-grams.

    Parameters
    ----------
    settings : mapping
        Checked vectorizer settings with ``analyzer`` ``"char"`` or ``"char_wb"``.
    vocabulary : sequence of str
        The feature terms, in feature-index order.
    """

    def __init__(self, settings: Mapping[str, Any], vocabulary: Sequence[str]):
        from ._text import _ACCENTS

        self.settings = dict(settings)
        self.vocabulary = {term: i for i, term in enumerate(vocabulary)}
        self._lower = settings["lowercase"]
        self._accents = _ACCENTS[settings["strip_accents"]]
        self._min_n, self._max_n = settings["ngram_range"]
        self._ngrams = self._word_bounded if settings["analyzer"] == "char_wb" else self._sliding

    def _preprocess(self, doc: str) -> str:
        if self._lower:
            doc = doc.lower()
        if self._accents is not None:
            doc = self._accents(doc)
        return _WHITE_SPACES.sub(" ", doc)

    def _sliding(self, doc: str) -> list[str]:
        n_chars = len(doc)
        min_n, max_n = self._min_n, self._max_n
        out = list(doc) if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n + 1, n_chars + 1)):
            out.extend([doc[i : i + n] for i in range(n_chars - n + 1)])
        return out

    def _word_bounded(self, doc: str) -> list[str]:
        out: list[str] = []
        append = out.append
        for word in doc.split():
            w = f" {word} "
            w_len = len(w)
            for n in range(self._min_n, self._max_n + 1):
                if w_len <= n:  # a short word counts once, whole, and ends the word
                    append(w)
                    break
                out.extend([w[i : i + n] for i in range(w_len - n + 1)])
        return out

    def terms(self, doc: str) -> list[str]:
        """The n-grams of ``doc``: what ``TfidfVectorizer.build_analyzer()`` returns."""
        return self._ngrams(self._preprocess(doc))

    def counts(self, doc: str) -> Counter[int]:
        """``{feature index: count}`` of the in-vocabulary n-grams of ``doc``."""
        get = self.vocabulary.get
        return Counter([j for j in map(get, self.terms(doc)) if j is not None])

    def batch_counts(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(rows, features, counts)`` of many documents, as :meth:`Analyzer.batch_counts`."""
        from ._text import _from_counters

        return _from_counters([self.counts(doc) for doc in docs])
