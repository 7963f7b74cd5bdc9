"""The trained model: plain arrays and JSON, served with numpy alone."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

from ._labels import Prediction
from ._text import Analyzer

#: Up to this many statements, a batch is scored statement by statement.
SMALL_BATCH = 4
#: Statements scored per numpy pass. Small enough that the arrays of a pass are
#: recycled by the allocator instead of being mapped afresh (page faults cost
#: more than the arithmetic), large enough to amortise the numpy calls.
BLOCK_SIZE = 1_024
#: Statements read from an iterable at a time when classifying a batch.
CHUNK_SIZE = 4_096
_STR = frozenset({str})


class StanceModel:
    """A fitted TF-IDF + logistic-regression stance model.

    Build one with :func:`stance.train` or :func:`stance.load_model`; the
    constructor takes the exported arrays and is checked by :func:`load_model`.

    Parameters
    ----------
    labels : sequence of str
        The labels, in the order of the score columns.
    settings : dict
        The vectorizer settings (see :mod:`stance._text`).
    vocabulary : sequence of str
        The feature terms, in feature-index order.
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
        settings: dict[str, Any],
        vocabulary: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        metadata: dict[str, Any] | None = None,
    ):
        self._labels = tuple(labels)
        self.analyzer = Analyzer(settings, vocabulary)
        self.settings = self.analyzer.settings
        self.vocabulary = list(vocabulary)
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
        return f"StanceModel(labels={self._labels!r}, n_features={len(self.vocabulary)})"

    # ------------------------------------------------------------------ scoring
    def _weights(self, counts: np.ndarray, indices: np.ndarray) -> np.ndarray:
        s = self.settings
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
        if len(texts) > BLOCK_SIZE:
            blocks = [self._block_proba(texts[i : i + BLOCK_SIZE]) for i in range(0, len(texts), BLOCK_SIZE)]
            return np.concatenate(blocks)
        return self._block_proba(texts)

    def _block_proba(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        rows, features, counts = self.analyzer.batch_counts(texts)
        weights = self._weights(counts, features)
        norm = self.settings["norm"]
        if norm is not None and len(rows):
            per_term = weights * weights if norm == "l2" else np.abs(weights)
            sums = np.bincount(rows, per_term, minlength=n)
            if norm == "l2":
                sums = np.sqrt(sums)
            weights = weights / sums.take(rows)
        decision = np.empty((n, self.coef.shape[0]))
        for c, (coef, intercept) in enumerate(zip(self.coef, self.intercept)):
            decision[:, c] = np.bincount(rows, weights * coef.take(features), minlength=n)
            decision[:, c] += intercept
        return self._probabilities(decision)

    def tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The features of one statement and their normalised tf-idf values.

        Returns ``(features, values)``: feature indices (into ``vocabulary``
        and the columns of ``coef``) and the value of each, the row that the
        scikit-learn vectorizer gives for ``text``, without its zeros (both
        empty if ``text`` has no known term). The decision values are
        ``values @ coef[:, features].T + intercept``. The one place that turns
        a statement into its feature vector: :meth:`classify` of one statement
        and :meth:`explain` both use it.
        """
        counter = self.analyzer.counts(text)
        if not counter:
            return np.empty(0, dtype=np.intp), np.empty(0)
        k = len(counter)
        features = np.fromiter(counter.keys(), dtype=np.intp, count=k)
        values = self._weights(np.fromiter(counter.values(), dtype=np.float64, count=k), features)
        norm = self.settings["norm"]
        if norm == "l2":
            values = values / math.sqrt(values @ values)
        elif norm == "l1":
            values = values / np.abs(values).sum()
        return features, values

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
    def classify(self, texts: str, *, n_jobs: int | None = None) -> Prediction: ...
    @overload
    def classify(self, texts: Iterable[str], *, n_jobs: int | None = None) -> list[Prediction]: ...

    def classify(self, texts, *, n_jobs=None):
        """Classify one statement or many.

        Parameters
        ----------
        texts : str or iterable of str
            One statement, or any iterable of statements (list, generator,
            pandas Series, ...), consumed in chunks.
        n_jobs : int, optional
            Worker processes for large batches (``-1``: all cores). Batches
            smaller than ``stance._batch.PARALLEL_MIN_BATCH`` always run in
            this process.

        Returns
        -------
        Prediction, or list of Prediction in input order for an iterable.
        """
        if n_jobs is not None:
            from ._batch import effective_jobs

            effective_jobs(n_jobs)  # checks it, whatever the batch size
        if isinstance(texts, str):
            return self._predict_one(texts)
        if type(texts) in (list, tuple) and len(texts) <= SMALL_BATCH and set(map(type, texts)) <= _STR:
            return [self._predict_one(t) for t in texts]  # a few statements: skip the streaming set-up
        out: list[Prediction] = []
        for predictions in self._prediction_lists(texts, n_jobs=n_jobs, chunk_size=CHUNK_SIZE):
            out.extend(predictions)
        return out

    def iter_classify(
        self, texts: Iterable[str], *, n_jobs: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[Prediction]:
        """Yield one :class:`Prediction` per statement, streaming ``texts`` in chunks.

        Memory stays flat however long ``texts`` is: at most a few chunks are
        held at once (a few tasks per worker with ``n_jobs``).
        """
        for predictions in self._prediction_lists(texts, n_jobs=n_jobs, chunk_size=chunk_size):
            yield from predictions

    def _prediction_lists(
        self, texts: Iterable[str], *, n_jobs: int | None, chunk_size: int
    ) -> Iterator[list[Prediction]]:
        from ._batch import effective_jobs, iter_chunks, parallel_predictions

        if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
            raise TypeError(f"texts must be a string or an iterable of strings, found {type(texts).__name__}")
        if effective_jobs(n_jobs) > 1:
            return parallel_predictions(self, texts, n_jobs)
        return map(self._predictions, iter_chunks(texts, chunk_size))

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
