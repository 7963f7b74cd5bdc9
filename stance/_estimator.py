"""The training side as a scikit-learn estimator (imports scikit-learn).

:class:`StanceEstimator` fits ``TfidfVectorizer`` + ``LogisticRegression`` and
exports the result as a :class:`StanceModel`. It follows the estimator rules:
keyword-only ``__init__`` that stores its parameters, ``fit`` returns
``self``, learned state ends in ``_``; so ``clone`` and ``GridSearchCV`` work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from ._labels import LABELS
from ._model import StanceModel
from ._sklearn import model_from_pipeline

#: The grids that ``stance.train(data, search=True)`` searches with cross-validation:
#: word n-grams alone, and word plus character n-grams (fewer candidates: each
#: fit costs several times more).
RECIPE_GRID: list[dict[str, list]] = [
    {
        "ngram_range": [(1, 1), (1, 2), (1, 3)],
        "char_ngram_range": [None],
        "min_df": [1, 2],
        "sublinear_tf": [True, False],
        "class_weight": ["balanced", None],
        "C": [1.0, 3.0, 10.0, 30.0, 100.0],
    },
    {
        "ngram_range": [(1, 2), (1, 3)],
        "char_ngram_range": [(2, 5)],
        "min_df": [1, 2],
        "sublinear_tf": [True],
        "class_weight": ["balanced", None],
        "C": [1.0, 3.0, 10.0, 30.0],
    },
]


def label_order(labels: Iterable[str]) -> tuple[str, ...]:
    """The fixed column order for a label set: ``LABELS`` for the stance labels, else sorted."""
    found = set(labels)
    if found == set(LABELS):
        return LABELS
    return tuple(sorted(found))


class StanceEstimator(ClassifierMixin, BaseEstimator):
    """TF-IDF word n-grams + logistic regression, exported for numpy serving.

    Parameters
    ----------
    ngram_range : tuple of (int, int), default=(1, 2)
        Word n-gram lengths.
    char_ngram_range : None or tuple of (int, int), default=None
        Character n-gram lengths of a second block of features (a
        ``FeatureUnion`` with the word n-grams, each block normalised on its
        own); ``None`` for word n-grams only.
    char_analyzer : {"char_wb", "char"}, default="char_wb"
        ``char_wb`` makes character n-grams inside word boundaries only.
    min_df : int or float, default=1
        Ignore terms in fewer documents than this.
    max_df : float, default=1.0
        Ignore terms in a larger share of documents than this.
    sublinear_tf : bool, default=True
        Use ``1 + log(tf)``.
    lowercase : bool, default=True
    strip_accents : {None, "ascii", "unicode"}, default="unicode"
    stop_words : None or list of str, default=None
    C : float, default=10.0
        Inverse regularisation strength of the logistic regression.
    class_weight : None or "balanced", default="balanced"
    max_iter : int, default=5000
    memory : None or str, default=None
        A ``joblib.Memory`` directory that caches the fitted vectorizers
        (``Pipeline(memory=...)``); the search uses it so that candidates
        differing only in ``C`` or ``class_weight`` vectorize a fold once.

    Attributes
    ----------
    model_ : StanceModel
        The fitted, exported model.
    classes_ : ndarray of str
        The labels, in the model's order.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = None,
        char_analyzer: str = "char_wb",
        min_df: int | float = 1,
        max_df: float = 1.0,
        sublinear_tf: bool = True,
        lowercase: bool = True,
        strip_accents: str | None = "unicode",
        stop_words: list[str] | None = None,
        C: float = 10.0,
        class_weight: str | None = "balanced",
        max_iter: int = 5000,
        memory: str | None = None,
    ):
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.char_analyzer = char_analyzer
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.stop_words = stop_words
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.memory = memory

    def _pipeline(self) -> Pipeline:
        shared = {
            "min_df": self.min_df,
            "max_df": self.max_df,
            "sublinear_tf": self.sublinear_tf,
            "lowercase": self.lowercase,
            "strip_accents": self.strip_accents,
            "dtype": np.float64,
        }
        words = TfidfVectorizer(ngram_range=tuple(self.ngram_range), stop_words=self.stop_words, **shared)
        vectorizer: TfidfVectorizer | FeatureUnion = words
        if self.char_ngram_range is not None:
            if self.char_analyzer not in ("char", "char_wb"):
                raise ValueError(f"char_analyzer must be 'char' or 'char_wb', found {self.char_analyzer!r}")
            chars = TfidfVectorizer(analyzer=self.char_analyzer, ngram_range=tuple(self.char_ngram_range), **shared)
            vectorizer = FeatureUnion([("word", words), ("char", chars)])
        classifier = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        return Pipeline([("tfidf", vectorizer), ("logreg", classifier)], memory=self.memory)

    def fit(self, X: Sequence[str], y: Sequence[str]) -> StanceEstimator:
        """Fit on statements ``X`` with labels ``y``; returns ``self``."""
        X, y = list(X), [str(label) for label in y]
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} statements but y has {len(y)} labels")
        labels = label_order(y)
        if len(labels) < 2:
            raise ValueError(f"training needs at least two labels, found {list(labels)}")
        # One thread: the solver's OpenMP threads gain little on sparse text and,
        # on a busy machine, spin against other processes (ten times slower seen here).
        # One thread also makes the result independent of the machine's core count.
        with threadpool_limits(limits=1):
            pipeline = self._pipeline().fit(X, y)
        self.model_ = model_from_pipeline(pipeline, labels, metadata={})
        self.classes_ = np.array(labels)
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Probabilities, columns in ``classes_`` order."""
        return self.model_.predict_proba(list(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The most probable label of each statement."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def to_model(self) -> StanceModel:
        """The fitted :class:`StanceModel`."""
        return self.model_
