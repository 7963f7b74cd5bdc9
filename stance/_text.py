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
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from itertools import chain, repeat
from typing import Any

import numpy as np

from ._chars import CharAnalyzer

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"

# Every ASCII character that is not a word character (\w) becomes a space.
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NON_WORD_TO_SPACE = bytes((c if chr(c) in _ASCII_WORD else 0x20) for c in range(256))
# The same, but NUL survives: it separates the documents of a batch joined into one string.
_SEP = "\x00"
_NON_WORD_TO_SPACE_KEEP_SEP = bytes((c if chr(c) in _ASCII_WORD or c == 0 else 0x20) for c in range(256))
# Word ids in the batch tables: OOV words get -1; these mark tokens to drop and document ends.
_DROP, _END = -3, -2


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
    "analyzer",
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


ANALYZERS = ("word", "char", "char_wb")


def make_analyzer(settings: Mapping[str, Any], vocabulary: Sequence[str]) -> Analyzer | CharAnalyzer:
    """The analyzer for checked ``settings``: word or character n-grams."""
    if settings["analyzer"] == "word":
        return Analyzer(settings, vocabulary)
    return CharAnalyzer(settings, vocabulary)


def check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Validate analyzer settings read from a model and return a clean copy.

    Raises ``ValueError`` naming the first setting that is missing or wrong.
    """
    settings = {"analyzer": "word", **settings}  # models of format version 1 had word n-grams only
    missing = [name for name in SETTING_NAMES if name not in settings]
    if missing:
        raise ValueError(f"missing vectorizer settings: {', '.join(missing)}")
    s = {name: settings[name] for name in SETTING_NAMES}
    if s["analyzer"] not in ANALYZERS:
        raise ValueError(f"setting 'analyzer' must be one of {', '.join(ANALYZERS)}, found {s['analyzer']!r}")
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
        self._fast_ascii = s["token_pattern"] == DEFAULT_TOKEN_PATTERN

    def tokens(self, doc: str) -> list[str]:
        """The tokens of ``doc`` after preprocessing and stop-word removal."""
        if self._lower:
            doc = doc.lower()
        if self._fast_ascii and doc.isascii():  # accent stripping leaves ASCII as it is
            raw = doc.encode("ascii").translate(_NON_WORD_TO_SPACE).decode("ascii").split()
            tokens = [t for t in raw if len(t) > 1]
        else:
            if self._accents is not None:
                doc = self._accents(doc)
            tokens = self._findall(doc)
        if self._stop is not None:
            tokens = [t for t in tokens if t not in self._stop]
        return tokens

    def terms(self, doc: str) -> list[str]:
        """The n-grams of ``doc``: what ``TfidfVectorizer.build_analyzer()`` returns."""
        tokens = self.tokens(doc)
        out = list(tokens) if self._min_n == 1 else []
        out.extend(self._longer_ngrams(tokens))
        return out

    def _longer_ngrams(self, tokens: list[str]) -> Iterator[str]:
        """The n-grams of two words or more, in scikit-learn's order."""
        join = " ".join
        top = min(self._max_n, len(tokens))
        return chain.from_iterable(
            map(join, zip(*(tokens[i:] for i in range(n)))) for n in range(max(self._min_n, 2), top + 1)
        )

    def counts(self, doc: str) -> Counter[int]:
        """``{feature index: count}`` of the in-vocabulary terms of ``doc``.

        The same terms as :meth:`terms`, looked up as they are made.
        """
        tokens = self.tokens(doc)
        get = self.vocabulary.get
        ids = [j for j in map(get, tokens) if j is not None] if self._min_n == 1 else []
        ids.extend([j for j in map(get, self._longer_ngrams(tokens)) if j is not None])
        return Counter(ids)

    # ------------------------------------------------------------------ batches
    @cached_property
    def _tables(self) -> _NgramTables | None:
        if self.settings["token_pattern"] != DEFAULT_TOKEN_PATTERN:
            return None  # tokens may contain spaces: n-grams cannot be split back into words
        return _NgramTables.build(self.vocabulary, self._max_n, self._stop)

    def batch_counts(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Term counts of many documents at once.

        Returns ``(rows, features, counts)``: for each document (row) and
        in-vocabulary term (feature) that occurs in it, how often; sorted by row,
        then feature. Same result as :meth:`counts` on each document.
        """
        tables = self._tables
        if tables is None:
            return _from_counters([self.counts(doc) for doc in docs])
        word_ids, rows = self._word_ids(docs, tables)
        n_features = len(self.vocabulary)
        keys = [tables.features(word_ids, rows, n, n_features) for n in range(self._min_n, self._max_n + 1)]
        key = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
        if len(docs) * n_features < 2**31:
            key = key.astype(np.int32)  # sorts faster
        unique, counts = np.unique(key, return_counts=True)
        unique = unique.astype(np.int64)
        return unique // n_features, unique % n_features, counts.astype(np.float64)

    def _word_ids(self, docs: Sequence[str], tables: _NgramTables) -> tuple[np.ndarray, np.ndarray]:
        """Word ids of every kept token of ``docs`` (OOV: -1), and the row each belongs to.

        ASCII documents are joined into one string and tokenised by three C
        calls (lower, translate, split); the others go one by one through
        :meth:`tokens`. Either way each document's tokens stay contiguous.
        """
        get = tables.word_id.get
        fast = [doc.isascii() and _SEP not in doc for doc in docs]
        ascii_rows = np.flatnonzero(fast)
        ids_parts, row_parts = [], []
        if len(ascii_rows):
            joined = f" {_SEP} ".join([docs[i] for i in ascii_rows])
            if self._lower:
                joined = joined.lower()
            tokens = joined.encode("ascii").translate(_NON_WORD_TO_SPACE_KEEP_SEP).decode("ascii").split()
            ids = np.fromiter(map(get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
            local = np.cumsum(ids == _END)  # the n-th document of the joined string
            keep = ids >= -1  # drops separators, single characters and stop words
            ids_parts.append(ids[keep])
            row_parts.append(ascii_rows[local[keep]])
        for i in np.flatnonzero(np.logical_not(fast)).tolist():
            tokens = self.tokens(docs[i])
            ids_parts.append(np.fromiter(map(get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens)))
            row_parts.append(np.full(len(tokens), i, dtype=np.int64))
        if not ids_parts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(ids_parts), np.concatenate(row_parts).astype(np.int64)


def _from_counters(counters: list[Counter[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, feats, counts = [], [], []
    for i, counter in enumerate(counters):
        for j in sorted(counter):
            rows.append(i)
            feats.append(j)
            counts.append(counter[j])
    return (
        np.asarray(rows, dtype=np.int64),
        np.asarray(feats, dtype=np.int64),
        np.asarray(counts, dtype=np.float64),
    )


class _NgramTables:
    """Vocabulary n-grams as integer keys over word ids, for vectorised look-up.

    ``word_id`` maps every word of the vocabulary's terms to an id; it also
    maps single ASCII word characters and stop words to ``_DROP`` (the token
    pattern and stop-word list remove them) and the document separator to
    ``_END``. Unigrams are found through an array indexed by word id. An
    n-gram's key is its word ids read as digits in base ``n_words``; longer
    n-grams are found in an open-addressing hash table of those keys
    (multiplicative hashing, linear probing), probed for all n-grams at once.
    """

    _GOLDEN = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, word_id: dict[str, int], n_words: int, unigram: np.ndarray, hashed: dict):
        self.word_id = word_id
        self.n_words = n_words
        self.unigram = unigram
        self.hashed = hashed  # n -> (slot keys, slot features, shift)

    @classmethod
    def build(cls, vocabulary: dict[str, int], max_n: int, stop: frozenset[str] | None) -> _NgramTables | None:
        words = sorted({w for term in vocabulary for w in term.split(" ")})
        n_words = max(len(words), 1)
        if n_words**max_n >= 2**62:
            return None  # keys would overflow int64
        word_id = {w: i for i, w in enumerate(words)}
        unigram = np.full(n_words, -1, dtype=np.int64)
        by_n: dict[int, list[tuple[int, int]]] = {}
        for term, feature in vocabulary.items():
            parts = term.split(" ")
            if len(parts) == 1:
                unigram[word_id[term]] = feature
                continue
            key = 0
            for w in parts:
                key = key * n_words + word_id[w]
            by_n.setdefault(len(parts), []).append((key, feature))
        hashed = {n: cls._hash_table(pairs) for n, pairs in by_n.items()}
        for c in _ASCII_WORD:
            word_id[c] = _DROP
        for w in stop or ():
            word_id[w] = _DROP
        word_id[_SEP] = _END
        return cls(word_id, n_words, unigram, hashed)

    @classmethod
    def _hash_table(cls, pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.uint64]:
        bits = max(4, (4 * len(pairs)).bit_length())  # load factor at most 1/4
        size = 1 << bits
        shift = np.uint64(64 - bits)
        slot_keys = np.full(size, -1, dtype=np.int64)
        slot_features = np.full(size, -1, dtype=np.int64)
        keys = np.array([k for k, _ in pairs], dtype=np.int64)
        homes = cls._home(keys, shift).tolist()
        for (key, feature), slot in zip(pairs, homes):
            while slot_keys[slot] != -1:
                slot = (slot + 1) & (size - 1)
            slot_keys[slot] = key
            slot_features[slot] = feature
        return slot_keys, slot_features, shift

    @classmethod
    def _home(cls, keys: np.ndarray, shift: np.uint64) -> np.ndarray:
        return ((keys.astype(np.uint64) * cls._GOLDEN) >> shift).astype(np.int64)

    def features(self, word_ids: np.ndarray, rows: np.ndarray, n: int, n_features: int) -> np.ndarray:
        """``row * n_features + feature`` for every in-vocabulary n-gram of length ``n``."""
        if n == 1:
            known = word_ids >= 0
            feature = self.unigram[word_ids[known]]
            hit = feature >= 0
            return rows[known][hit] * n_features + feature[hit]
        if n not in self.hashed or len(word_ids) < n:
            return np.empty(0, dtype=np.int64)
        span = len(word_ids) - n + 1
        valid = rows[:span] == rows[n - 1 :]  # rows are contiguous: same first and last row
        key = np.zeros(span, dtype=np.int64)
        for k in range(n):
            w = word_ids[k : k + span]
            valid &= w >= 0
            key = key * self.n_words + w
        key, row = key[valid], rows[:span][valid]
        slot_keys, slot_features, shift = self.hashed[n]
        mask = len(slot_keys) - 1
        slot = self._home(key, shift)
        feature = np.full(len(key), -1, dtype=np.int64)
        pending = np.arange(len(key))
        while len(pending):
            found = slot_keys[slot]
            hit = found == key[pending]
            feature[pending[hit]] = slot_features[slot[hit]]
            more = (found != -1) & ~hit  # an occupied slot with another key: probe the next
            pending, slot = pending[more], (slot[more] + 1) & mask
        hit = feature >= 0
        return row[hit] * n_features + feature[hit]
