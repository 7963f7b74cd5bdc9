"""The trained model: plain arrays and JSON, served with numpy alone."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

from ._inputs import apply_policy, blank_error, check_on_error, checked_lists, is_blank, unscored
from ._labels import Prediction
from ._long import LONG_TEXT, can_window, windowed_counts
from ._text import check_settings, make_analyzer

#: Up to this many statements, a batch is scored statement by statement.
SMALL_BATCH = 4
#: Statements scored per numpy pass. Small enough that the arrays of a pass are
#: recycled by the allocator instead of being mapped afresh (page faults cost
#: more than the arithmetic), large enough to amortise the numpy calls.
BLOCK_SIZE = 1_024
#: Statements read from an iterable at a time when classifying a batch.
CHUNK_SIZE = 4_096
_STR = frozenset({str})


class _Block:
    """One block of features: an analyzer and the slice of the feature axis it fills."""

    __slots__ = ("analyzer", "settings", "start", "stop")

    def __init__(self, settings: dict[str, Any], vocabulary: Sequence[str], start: int):
        self.analyzer = make_analyzer(settings, vocabulary)
        self.settings = settings
        self.start, self.stop = start, start + len(vocabulary)


def block_sizes(settings: Sequence[Mapping[str, Any]], n_terms: int) -> list[int]:
    """The ``n_features`` of each block of ``settings``, checked to be counts adding up to ``n_terms``."""
    sizes = [block.get("n_features") for block in settings]
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in sizes):
        raise ValueError(f"each block of features needs 'n_features', a count, found {sizes}")
    if sum(sizes) != n_terms:
        raise ValueError(f"{n_terms} terms, but the blocks' n_features add up to {sum(sizes)}")
    return sizes


def _blocks(settings: Mapping[str, Any] | Sequence[Mapping[str, Any]], vocabulary: Sequence[str]) -> list[_Block]:
    if isinstance(settings, Mapping):
        settings = [{**settings, "n_features": len(vocabulary)}]
    if not settings:
        raise ValueError("settings must describe at least one block of features")
    blocks, start = [], 0
    for block, n in zip(settings, block_sizes(settings, len(vocabulary))):
        checked = {**check_settings(block), "n_features": n}
        blocks.append(_Block(checked, vocabulary[start : start + n], start))
        start += n
    return blocks


class StanceModel:
    """A fitted TF-IDF + logistic-regression stance model.

    Build one with :func:`stance.train` or :func:`stance.load_model`; the
    constructor takes the exported arrays and is checked by :func:`load_model`.

    Parameters
    ----------
    labels : sequence of str
        The labels, in the order of the score columns.
    settings : dict or list of dict
        The vectorizer settings (see :mod:`stance._text`) of one block of
        features; or a list of them, one per block (word n-grams, character
        n-grams, ...), each with ``n_features``, the length of its slice of
        the vocabulary. Blocks are concatenated, each normalised on its own,
        as in a scikit-learn ``FeatureUnion`` of ``TfidfVectorizer``.
    vocabulary : sequence of str
        The feature terms, in feature-index order (the blocks one after another).
    idf : ndarray of shape (n_features,)
    coef : ndarray of shape (n_labels, n_features), or (1, n_features) for two labels
    intercept : ndarray of shape (n_labels,), or (1,) for two labels
    metadata : dict, optional
        Training settings, data hash, versions and evaluation figures.
    """

    def __init__(
        self,
        *,
        labels: Sequence[str],
        settings: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        vocabulary: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        metadata: dict[str, Any] | None = None,
    ):
        self._labels = tuple(labels)
        self.vocabulary = list(vocabulary)
        self.blocks = _blocks(settings, self.vocabulary)
        #: The settings of each block of features, with its ``n_features``.
        self.settings = [block.settings for block in self.blocks]
        self.idf = np.ascontiguousarray(idf, dtype=np.float64)
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.ascontiguousarray(intercept, dtype=np.float64)
        self.metadata = dict(metadata or {})
        n_features, n_rows = len(self.vocabulary), 1 if len(self._labels) == 2 else len(self._labels)
        expected = {"idf": (n_features,), "coef": (n_rows, n_features), "intercept": (n_rows,)}
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape} for these labels and vocabulary, found {getattr(self, name).shape}"
                )
        # Row-major by feature: one gather fetches all classes of a term.
        self._coef_by_feature = np.ascontiguousarray(self.coef.T)
        self._binary = self.coef.shape[0] == 1

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the fixed order of the score columns."""
        return self._labels

    def __repr__(self) -> str:
        kinds = "+".join(block.settings["analyzer"] for block in self.blocks)
        return f"StanceModel(labels={self._labels!r}, n_features={len(self.vocabulary)}, analyzer={kinds!r})"

    def __reduce__(self):
        """Pickle the model as its exported parts only; unpickling rebuilds the rest.

        The derived tables (analyzer look-ups, transposed coefficients, caches
        filled by use) are left out: they are larger than the model itself and
        rebuilt on arrival, so a worker receives the same few megabytes
        however much the model had been used before it was sent.
        """
        parts = {
            "labels": self._labels,
            "settings": self.settings,
            "vocabulary": self.vocabulary,
            "idf": self.idf,
            "coef": self.coef,
            "intercept": self.intercept,
            "metadata": self.metadata,
        }
        return (_rebuild, (parts,))

    # ------------------------------------------------------------------ scoring
    def _weights(self, s: Mapping[str, Any], counts: np.ndarray, indices: np.ndarray) -> np.ndarray:
        w = np.ones_like(counts) if s["binary"] else counts
        if s["sublinear_tf"]:
            w = np.log(w)
            w += 1.0
        if s["use_idf"]:
            w = w * self.idf.take(indices)
        return w

    def _probabilities(self, decision: np.ndarray) -> np.ndarray:
        """Probabilities from decision values, as ``LogisticRegression.predict_proba``."""
        if self._binary:
            p = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        decision = decision - decision.max(axis=1, keepdims=True)
        np.exp(decision, out=decision)
        decision /= decision.sum(axis=1, keepdims=True)
        return decision

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(labels))``, for a list of strings."""
        long = []
        if texts and max(map(len, texts)) > LONG_TEXT:
            # very long statements are counted window by window (bounded memory), the rest as a batch
            long = [i for i, t in enumerate(texts) if len(t) > LONG_TEXT]
            original, texts = texts, list(texts)
            for i in long:
                texts[i] = ""
        if len(texts) > BLOCK_SIZE:
            blocks = [self._block_proba(texts[i : i + BLOCK_SIZE]) for i in range(0, len(texts), BLOCK_SIZE)]
            proba = np.concatenate(blocks)
        else:
            proba = self._block_proba(texts)
        for i in long:
            proba[i] = self._proba_one(original[i])
        return proba

    def _block_proba(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        decision = np.empty((n, self.coef.shape[0]))
        decision[:] = self.intercept
        for block in self.blocks:
            rows, features, counts = block.analyzer.batch_counts(texts)
            features += block.start
            weights = self._weights(block.settings, counts, features)
            norm = block.settings["norm"]
            if norm is not None and len(rows):
                per_term = weights * weights if norm == "l2" else np.abs(weights)
                sums = np.bincount(rows, per_term, minlength=n)
                if norm == "l2":
                    sums = np.sqrt(sums)
                weights = weights / sums.take(rows)
            for c, coef in enumerate(self.coef):
                decision[:, c] += np.bincount(rows, weights * coef.take(features), minlength=n)
        return self._probabilities(decision)

    def tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The features of one statement and their normalised tf-idf values.

        Returns ``(features, values)``: feature indices (into ``vocabulary``
        and the columns of ``coef``) and the value of each, the row that the
        scikit-learn vectorizer (or feature union) gives for ``text``, without
        its zeros (both empty if ``text`` has no known term). The decision
        values are ``values @ coef[:, features].T + intercept``. The one place
        that turns a statement into its feature vector: :meth:`classify` of one
        statement and :meth:`explain` both use it.
        """
        parts = []
        for block in self.blocks:
            if len(text) > LONG_TEXT and can_window(block.analyzer):
                counter = windowed_counts(block.analyzer, text)
            else:
                counter = block.analyzer.counts(text)
            if not counter:
                continue
            k = len(counter)
            features = np.fromiter(counter.keys(), dtype=np.intp, count=k)
            if block.start:
                features += block.start
            values = self._weights(block.settings, np.fromiter(counter.values(), dtype=np.float64, count=k), features)
            norm = block.settings["norm"]
            if norm == "l2":
                values = values / math.sqrt(values @ values)
            elif norm == "l1":
                values = values / np.abs(values).sum()
            parts.append((features, values))
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return np.empty(0, dtype=np.intp), np.empty(0)
        return np.concatenate([f for f, _ in parts]), np.concatenate([v for _, v in parts])

    def _proba_one(self, text: str) -> list[float]:
        """Probabilities of one statement: the batch arithmetic without the batch set-up."""
        features, values = self.tfidf(text)
        if len(features):
            decision = (values @ self._coef_by_feature.take(features, axis=0) + self.intercept).tolist()
        else:
            decision = self.intercept.tolist()
        if self._binary:
            p = 1.0 / (1.0 + math.exp(-decision[0]))
            return [1.0 - p, p]
        top = max(decision)
        exps = [math.exp(d - top) for d in decision]
        total = sum(exps)
        return [e / total for e in exps]

    def _predict_one(self, text: str) -> Prediction:
        proba = self._proba_one(text)
        labels = self._labels
        return Prediction(text, labels[proba.index(max(proba))], dict(zip(labels, proba)))

    def _predictions(self, texts: Sequence[str]) -> list[Prediction]:
        if len(texts) <= SMALL_BATCH:  # cheaper one by one than with the batch set-up
            return [self._predict_one(t) for t in texts]
        return self._from_proba(texts, self.predict_proba(texts))

    def _one(self, text: str, on_error: str, position: int | None) -> Prediction | None:
        """One statement under the ``on_error`` policy."""
        if is_blank(text):
            if on_error == "raise":
                raise blank_error(position)
            return None if on_error == "skip" else unscored(text, self._labels)
        return self._predict_one(text)

    def _from_proba(self, texts: Sequence[str], proba: np.ndarray) -> list[Prediction]:
        labels = self._labels
        best = proba.argmax(axis=1).tolist()
        # Predictions hold no reference cycles; pausing the cyclic collector while
        # thousands are made at once halves the cost of making them.
        paused = gc.isenabled()
        gc.disable()
        try:
            rows = proba.tolist()
            if len(labels) == 3:  # a dict display is twice as fast as dict(zip(...))
                a, b_, c = labels
                return [Prediction(t, labels[k], {a: p, b_: q, c: r}) for t, k, (p, q, r) in zip(texts, best, rows)]
            return [Prediction(t, labels[k], dict(zip(labels, row))) for t, k, row in zip(texts, best, rows)]
        finally:
            if paused:
                gc.enable()

    # ------------------------------------------------------------------ public
    @overload
    def classify(self, texts: str, *, n_jobs: int | None = None, on_error: str = "raise") -> Prediction: ...
    @overload
    def classify(
        self, texts: Iterable[str], *, n_jobs: int | None = None, on_error: str = "raise"
    ) -> list[Prediction]: ...

    def classify(self, texts, *, n_jobs=None, on_error="raise"):
        """Classify one statement or many.

        Parameters
        ----------
        texts : str or iterable of str
            One statement, or any iterable of statements (list, tuple,
            generator, pandas Series, ...), consumed in chunks. A mapping is
            refused (its keys are not a batch of statements).
        n_jobs : int, optional
            Processes that score a large batch, this one included (``-1``:
            one per core). On Linux, in a process running no other thread,
            the others are forked copies of this one, sharing its memory;
            otherwise a pool of worker processes kept for the next batch.
            Batches smaller than ``stance._batch.PARALLEL_MIN_BATCH`` always
            run in this process alone.
        on_error : {"raise", "skip", "neutral"}
            What to do with an empty or whitespace-only statement: raise
            ``ValueError`` naming its position (the default); ``"skip"``: put
            ``None`` at its position, so the result keeps the input's length
            and order and the skipped positions are those holding ``None``
            (for a single statement, return ``None``); ``"neutral"``: give a
            :class:`Prediction` with label ``"neutral"``, scores 1.0 neutral
            and 0.0 the others, and ``scored`` False, an ``UnscoredPrediction`` (needs a model with a
            ``"neutral"`` label).

        Returns
        -------
        Prediction, or list of Prediction in input order for an iterable
        (with ``None`` at skipped positions under ``on_error="skip"``).

        Raises
        ------
        TypeError
            If ``texts`` is not a string or an iterable, is ``bytes`` or a
            mapping, or if a statement is not a ``str`` (``None``, a number,
            NaN, ``bytes``, ...): the message names the position. Whatever
            ``on_error`` says.
        ValueError
            For a blank statement under ``on_error="raise"``, naming its
            position; for a wrong ``on_error`` or ``n_jobs`` value.

        Notes
        -----
        Every input case:

        =====================================  ============================================
        input                                  outcome
        =====================================  ============================================
        ``None``, ``3``, ``2.5``, ``b"..."``   ``TypeError`` (not a string or iterable)
        a ``dict`` (any mapping)               ``TypeError``
        a batch holding a non-``str``          ``TypeError`` naming the position
        (``None``, a number, ``bytes``)
        NaN (e.g. a missing pandas value)      ``TypeError`` naming the position (a float)
        ``""`` or whitespace only              per ``on_error``: ``ValueError`` naming the
        (``"  "``, ``"\\n\\t"``, ``"\\u3000"``)  position / ``None`` / unscored neutral
        text empty after tokenisation          classified (the model's prior, as
        (``"!!!"``, stop words only, ``"a"``)  scikit-learn gives it)
        control characters, lone surrogates,   classified like any text (non-word
        right-to-left, CJK, emoji              characters separate tokens)
        very long text (e.g. 10 MB)            classified exactly, read in windows of
                                               ``stance._long.WINDOW`` characters
        =====================================  ============================================
        """
        if n_jobs is not None:
            from ._batch import effective_jobs

            effective_jobs(n_jobs)  # checks it, whatever the batch size
        if on_error != "raise":
            check_on_error(on_error, self._labels)
        if isinstance(texts, str):
            if not texts or texts.isspace():
                return self._one(texts, on_error, None)
            return self._predict_one(texts)
        if type(texts) in (list, tuple) and len(texts) <= SMALL_BATCH and set(map(type, texts)) <= _STR:
            # a few statements: skip the streaming set-up
            return [self._one(t, on_error, i) for i, t in enumerate(texts)]
        out: list[Prediction] = []
        for predictions in self._prediction_lists(texts, n_jobs=n_jobs, chunk_size=CHUNK_SIZE, on_error=on_error):
            out.extend(predictions)
        return out

    def iter_classify(
        self, texts: Iterable[str], *, n_jobs: int | None = None, chunk_size: int = CHUNK_SIZE, on_error: str = "raise"
    ) -> Iterator[Prediction | None]:
        """Yield one :class:`Prediction` per statement, streaming ``texts`` in chunks.

        Memory stays flat however long ``texts`` is: at most a few chunks are
        held at once (a few tasks per worker with ``n_jobs``). ``on_error`` and
        the input cases are as for :meth:`classify`; under ``"skip"`` a blank
        statement yields ``None``, so the output stays aligned with the input.
        """
        if on_error != "raise":
            check_on_error(on_error, self._labels)
        for predictions in self._prediction_lists(texts, n_jobs=n_jobs, chunk_size=chunk_size, on_error=on_error):
            yield from predictions

    def _prediction_lists(
        self, texts: Iterable[str], *, n_jobs: int | None, chunk_size: int, on_error: str = "raise"
    ) -> Iterator[list[Prediction]]:
        from ._batch import effective_jobs, iter_chunks, parallel_predictions

        if isinstance(texts, (str, bytes, bytearray, Mapping)) or not isinstance(texts, Iterable):
            raise TypeError(
                f"texts must be a string or an iterable of strings (list, tuple, generator, Series), "
                f"found {type(texts).__name__}"
            )
        if effective_jobs(n_jobs) > 1:
            return apply_policy(parallel_predictions(self, texts, n_jobs), on_error, self._labels)
        return checked_lists(iter_chunks(texts, chunk_size), self._predictions, on_error, self._labels)

    def explain(self, text: str, top: int = 5):
        """Why the model labels ``text`` as it does: each n-gram's weight toward each label.

        See :func:`stance._explain.explain`; returns an :class:`stance.Explanation`.
        """
        from ._explain import explain

        return explain(self, text, top=top)

    def save(self, path) -> None:
        """Write the model to directory ``path`` (JSON + ``.npy``), atomically."""
        from ._format import save_model

        save_model(self, path)

    def to_sklearn(self):
        """The equivalent fitted scikit-learn ``Pipeline`` (imports scikit-learn)."""
        from ._sklearn import pipeline_from_model

        return pipeline_from_model(self)


#: How many models this process has rebuilt from a pickle (read by the tests
#: that check a model is shipped to each worker once, not once per task).
UNPICKLED = 0


def _rebuild(parts: dict[str, Any]) -> StanceModel:
    """Unpickle a :class:`StanceModel` from the parts that ``__reduce__`` kept."""
    global UNPICKLED
    UNPICKLED += 1
    return StanceModel(**parts)
