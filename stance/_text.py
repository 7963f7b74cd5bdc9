"""Text to feature counts, exactly as a fitted scikit-learn ``TfidfVectorizer`` does it.

scikit-learn's word analyzer is: ``str.lower`` (if ``lowercase``), accent
stripping (if ``strip_accents``), ``re.findall(token_pattern)``, stop-word
removal, then word n-grams joined by single spaces. :class:`Analyzer`
reproduces it from the settings saved with a model, without importing
scikit-learn, and maps the n-grams straight to feature indices.

For the default token pattern it takes a faster route with the same output:
``(?u)\\b\\w\\w+\\b`` finds the maximal runs of two or more word characters,
so on ASCII text it is enough to map every non-word byte to a space and split.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"

# Every ASCII character that is not a word character (\w) becomes a space.
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NON_WORD_TO_SPACE = bytes(
    (c if chr(c) in _ASCII_WORD else 0x20) for c in range(256)
)


def _strip_accents_unicode(s: str) -> str:
    # Same steps as sklearn.feature_extraction.text.strip_accents_unicode.
    try:
        s.encode("ASCII", errors="strict")
        return s
    except UnicodeEncodeError:
        normalized = unicodedata.normalize("NFKD", s)
        return "".join([c for c in normalized if not unicodedata.combining(c)])


def _strip_accents_ascii(s: str) -> str:
    # Same steps as sklearn.feature_extraction.text.strip_accents_ascii.
    return unicodedata.normalize("NFKD", s).encode("ASCII", "ignore").decode("ASCII")


_ACCENTS = {None: None, "unicode": _strip_accents_unicode, "ascii": _strip_accents_ascii}

SETTING_NAMES = (
    "lowercase",
    "strip_accents",
    "token_pattern",
    "ngram_range",
    "stop_words",
    "binary",
    "sublinear_tf",
    "norm",
    "use_idf",
)


def check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Validate analyzer settings read from a model and return a clean copy.

    Raises ``ValueError`` naming the first setting that is missing or wrong.
    """
    missing = [name for name in SETTING_NAMES if name not in settings]
    if missing:
        raise ValueError(f"missing vectorizer settings: {', '.join(missing)}")
    s = {name: settings[name] for name in SETTING_NAMES}
    for name in ("lowercase", "binary", "sublinear_tf", "use_idf"):
        if not isinstance(s[name], bool):
            raise ValueError(f"setting {name!r} must be true or false, found {s[name]!r}")
    if s["strip_accents"] not in _ACCENTS:
        raise ValueError(f"setting 'strip_accents' must be null, 'ascii' or 'unicode', found {s['strip_accents']!r}")
    if not isinstance(s["token_pattern"], str):
        raise ValueError(f"setting 'token_pattern' must be a string, found {s['token_pattern']!r}")
    try:
        groups = re.compile(s["token_pattern"]).groups
    except re.error as exc:
        raise ValueError(f"setting 'token_pattern' is not a valid regular expression: {exc}") from None
    if groups > 1:
        raise ValueError("setting 'token_pattern' may have at most one capturing group")
    ngram = s["ngram_range"]
    if (
        not isinstance(ngram, Sequence)
        or len(ngram) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in ngram)
        or not 1 <= ngram[0] <= ngram[1]
    ):
        raise ValueError(f"setting 'ngram_range' must be [min_n, max_n] with 1 <= min_n <= max_n, found {ngram!r}")
    s["ngram_range"] = (int(ngram[0]), int(ngram[1]))
    stop = s["stop_words"]
    if stop is not None and (not isinstance(stop, list) or not all(isinstance(w, str) for w in stop)):
        raise ValueError("setting 'stop_words' must be null or a list of strings")
    if s["norm"] not in (None, "l1", "l2"):
        raise ValueError(f"setting 'norm' must be null, 'l1' or 'l2', found {s['norm']!r}")
    return s


class Analyzer:
    """Turns documents into ``{feature index: count}`` as the fitted vectorizer would.

    Parameters
    ----------
    settings : mapping
        The vectorizer settings (see ``SETTING_NAMES``), as saved with a model.
    vocabulary : sequence of str
        The feature terms, in feature-index order.
    """

    def __init__(self, settings: Mapping[str, Any], vocabulary: Sequence[str]):
        self.settings = check_settings(settings)
        self.vocabulary = {term: i for i, term in enumerate(vocabulary)}
        s = self.settings
        self._lower = s["lowercase"]
        self._accents = _ACCENTS[s["strip_accents"]]
        self._findall = re.compile(s["token_pattern"]).findall
        self._stop = frozenset(s["stop_words"]) if s["stop_words"] is not None else None
        self._min_n, self._max_n = s["ngram_range"]
        self._fast_ascii = s["token_pattern"] == DEFAULT_TOKEN_PATTERN and s["strip_accents"] in (None, "unicode", "ascii")

    def tokens(self, doc: str) -> list[str]:
        """The tokens of ``doc`` after preprocessing and stop-word removal."""
        if self._lower:
            doc = doc.lower()
        if self._accents is not None:
            doc = self._accents(doc)
        if self._fast_ascii and doc.isascii():
            raw = doc.encode("ascii").translate(_NON_WORD_TO_SPACE).decode("ascii").split()
            tokens = [t for t in raw if len(t) > 1]
        else:
            tokens = self._findall(doc)
        if self._stop is not None:
            tokens = [t for t in tokens if t not in self._stop]
        return tokens

    def terms(self, doc: str) -> list[str]:
        """The n-grams of ``doc``: what ``TfidfVectorizer.build_analyzer()`` returns."""
        tokens = self.tokens(doc)
        min_n, max_n = self._min_n, self._max_n
        if max_n == 1:
            return tokens
        out = list(tokens) if min_n == 1 else []
        join = " ".join
        for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
            out.extend(join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return out

    def counts(self, doc: str) -> Counter[int]:
        """``{feature index: count}`` of the in-vocabulary terms of ``doc``."""
        get = self.vocabulary.get
        ids = [j for j in map(get, self.terms(doc)) if j is not None]
        return Counter(ids)

    def counts_many(self, docs: Iterable[str]) -> list[Counter[int]]:
        return [self.counts(doc) for doc in docs]
