"""The bridge to scikit-learn: export a fitted pipeline, rebuild one from a model.

Imports scikit-learn at module level: only training and ``to_sklearn`` load it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from ._model import StanceModel
from ._text import ANALYZERS, DEFAULT_TOKEN_PATTERN, SETTING_NAMES


def vectorizer_settings(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    """The settings that inference needs, from a fitted ``TfidfVectorizer``."""
    if not isinstance(vectorizer, TfidfVectorizer):
        raise ValueError(f"only TfidfVectorizer features can be exported, found {type(vectorizer).__name__}")
    if (
        vectorizer.analyzer not in ANALYZERS
        or vectorizer.tokenizer is not None
        or vectorizer.preprocessor is not None
        or vectorizer.input != "content"
    ):
        raise ValueError(
            f"only the built-in analyzers {', '.join(ANALYZERS)} can be exported (no custom tokenizer or preprocessor)"
        )
    if vectorizer.strip_accents not in (None, "ascii", "unicode"):
        raise ValueError("strip_accents must be None, 'ascii' or 'unicode' to be exported")
    word = vectorizer.analyzer == "word"
    stop = vectorizer.get_stop_words() if word else None  # character n-grams ignore both
    return {
        "analyzer": vectorizer.analyzer,
        "lowercase": bool(vectorizer.lowercase),
        "strip_accents": vectorizer.strip_accents,
        "token_pattern": vectorizer.token_pattern if word else DEFAULT_TOKEN_PATTERN,
        "ngram_range": [int(n) for n in vectorizer.ngram_range],
        "stop_words": sorted(stop) if stop is not None else None,
        "binary": bool(vectorizer.binary),
        "sublinear_tf": bool(vectorizer.sublinear_tf),
        "norm": vectorizer.norm,
        "use_idf": bool(vectorizer.use_idf),
        "n_features": len(vectorizer.vocabulary_),
    }


def _vectorizers(features: Any) -> list[TfidfVectorizer]:
    """The vectorizers of a pipeline's first step: one, or the parts of a ``FeatureUnion``."""
    if isinstance(features, FeatureUnion):
        if features.transformer_weights:
            raise ValueError("a FeatureUnion with transformer_weights cannot be exported")
        return [part for _, part in features.transformer_list if part not in ("drop", None)]
    return [features]


def model_from_pipeline(pipeline: Pipeline, labels: tuple[str, ...], metadata: dict[str, Any]) -> StanceModel:
    """Export a fitted ``TfidfVectorizer`` + ``LogisticRegression`` pipeline.

    ``labels`` fixes the order of the score columns; it must hold the same
    labels as the classifier's ``classes_``.
    """
    vectorizers, classifier = _vectorizers(pipeline[0]), pipeline[-1]
    classes = [str(c) for c in classifier.classes_]
    if sorted(classes) != sorted(labels):
        raise ValueError(f"labels {labels} differ from the classifier's classes {classes}")
    settings = [vectorizer_settings(v) for v in vectorizers]
    vocabulary: list[str] = []
    idfs = []
    for vectorizer in vectorizers:
        block = [""] * len(vectorizer.vocabulary_)
        for term, j in vectorizer.vocabulary_.items():
            block[j] = term
        vocabulary.extend(block)
        idfs.append(np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else np.ones(len(block)))
    idf = np.concatenate(idfs)
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64).reshape(-1)
    if len(classes) > 2:
        order = [classes.index(label) for label in labels]
        coef, intercept = coef[order], intercept[order]
    elif list(labels) != classes:
        raise ValueError(f"for two labels the order must be the classifier's {classes}, found {list(labels)}")
    return StanceModel(
        labels=labels,
        settings=settings,
        vocabulary=vocabulary,
        idf=idf,
        coef=coef,
        intercept=intercept,
        metadata=metadata,
    )


def _vectorizer(settings: dict[str, Any], vocabulary: list[str], idf: np.ndarray) -> TfidfVectorizer:
    params = {name: settings[name] for name in SETTING_NAMES}
    params["ngram_range"] = tuple(params["ngram_range"])
    vectorizer = TfidfVectorizer(vocabulary={t: i for i, t in enumerate(vocabulary)}, dtype=np.float64, **params)
    vectorizer.fit([""])  # a fixed vocabulary: fitting only sets up the transformer
    if settings["use_idf"]:
        vectorizer.idf_ = idf.copy()
    return vectorizer


def pipeline_from_model(model: StanceModel) -> Pipeline:
    """The fitted scikit-learn pipeline whose ``predict_proba`` equals the model's scores.

    One block of features gives a ``TfidfVectorizer``; several give a
    ``FeatureUnion`` of them, named by analyzer.
    """
    parts = [
        _vectorizer(b.settings, model.vocabulary[b.start : b.stop], model.idf[b.start : b.stop]) for b in model.blocks
    ]
    if len(parts) == 1:
        features = parts[0]
    else:
        features = FeatureUnion(
            [(f"{b.settings['analyzer']}_{i}", p) for i, (b, p) in enumerate(zip(model.blocks, parts))]
        )
    classifier = LogisticRegression()
    classifier.classes_ = np.array(model.labels)
    classifier.coef_ = model.coef.copy()
    classifier.intercept_ = model.intercept.copy()
    classifier.n_features_in_ = len(model.vocabulary)
    classifier.n_iter_ = np.array([0])
    return Pipeline([("tfidf", features), ("logreg", classifier)])


SKLEARN_VERSION = sklearn.__version__
