"""The bridge to scikit-learn: export a fitted pipeline, rebuild one from a model.

Imports scikit-learn at module level: only training and ``to_sklearn`` load it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from ._model import StanceModel
from ._text import SETTING_NAMES


def vectorizer_settings(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    """The settings that inference needs, from a fitted ``TfidfVectorizer``."""
    if vectorizer.analyzer != "word" or vectorizer.tokenizer is not None or vectorizer.preprocessor is not None:
        raise ValueError("only the built-in word analyzer can be exported (analyzer='word', no custom tokenizer)")
    if vectorizer.strip_accents not in (None, "ascii", "unicode"):
        raise ValueError("strip_accents must be None, 'ascii' or 'unicode' to be exported")
    stop = vectorizer.get_stop_words()
    return {
        "lowercase": bool(vectorizer.lowercase),
        "strip_accents": vectorizer.strip_accents,
        "token_pattern": vectorizer.token_pattern,
        "ngram_range": [int(n) for n in vectorizer.ngram_range],
        "stop_words": sorted(stop) if stop is not None else None,
        "binary": bool(vectorizer.binary),
        "sublinear_tf": bool(vectorizer.sublinear_tf),
        "norm": vectorizer.norm,
        "use_idf": bool(vectorizer.use_idf),
    }


def model_from_pipeline(pipeline: Pipeline, labels: tuple[str, ...], metadata: dict[str, Any]) -> StanceModel:
    """Export a fitted ``TfidfVectorizer`` + ``LogisticRegression`` pipeline.

    ``labels`` fixes the order of the score columns; it must hold the same
    labels as the classifier's ``classes_``.
    """
    vectorizer, classifier = pipeline[0], pipeline[-1]
    classes = [str(c) for c in classifier.classes_]
    if sorted(classes) != sorted(labels):
        raise ValueError(f"labels {labels} differ from the classifier's classes {classes}")
    vocab_map = vectorizer.vocabulary_
    vocabulary = [""] * len(vocab_map)
    for term, j in vocab_map.items():
        vocabulary[j] = term
    n_features = len(vocabulary)
    idf = np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else np.ones(n_features)
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64).reshape(-1)
    if len(classes) > 2:
        order = [classes.index(label) for label in labels]
        coef, intercept = coef[order], intercept[order]
    elif list(labels) != classes:
        raise ValueError(f"for two labels the order must be the classifier's {classes}, found {list(labels)}")
    return StanceModel(
        labels=labels,
        settings=vectorizer_settings(vectorizer),
        vocabulary=vocabulary,
        idf=idf,
        coef=coef,
        intercept=intercept,
        metadata=metadata,
    )


def pipeline_from_model(model: StanceModel) -> Pipeline:
    """The fitted scikit-learn pipeline whose ``predict_proba`` equals the model's scores."""
    s = model.settings
    params = {name: s[name] for name in SETTING_NAMES}
    params["ngram_range"] = tuple(params["ngram_range"])
    vectorizer = TfidfVectorizer(vocabulary={t: i for i, t in enumerate(model.vocabulary)}, dtype=np.float64, **params)
    vectorizer.fit([""])  # a fixed vocabulary: fitting only sets up the transformer
    if s["use_idf"]:
        vectorizer.idf_ = model.idf.copy()
    classifier = LogisticRegression()
    classifier.classes_ = np.array(model.labels)
    classifier.coef_ = model.coef.copy()
    classifier.intercept_ = model.intercept.copy()
    classifier.n_features_in_ = len(model.vocabulary)
    classifier.n_iter_ = np.array([0])
    return Pipeline([("tfidf", vectorizer), ("logreg", classifier)])


SKLEARN_VERSION = sklearn.__version__
