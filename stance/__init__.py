"""stance: is a statement in the news pressuring, resisting or neutral toward sanctions?"""

from ._article import ArticleReport, classify_article
from ._corpus import load_corpus
from ._crossval import CVReport, cross_validate
from ._dataset import classify_dataset
from ._default import classify, default_model
from ._errors import StanceError
from ._evaluate import Report, evaluate
from ._explain import Explanation
from ._extract import Statement, extract_statements
from ._format import load_model
from ._labels import LABELS, Prediction
from ._model import StanceModel
from ._train import train

__version__ = "0.1.0"

__all__ = [
    "ArticleReport",
    "CVReport",
    "Explanation",
    "LABELS",
    "Prediction",
    "Report",
    "StanceError",
    "StanceModel",
    "Statement",
    "classify",
    "classify_article",
    "classify_dataset",
    "cross_validate",
    "default_model",
    "evaluate",
    "extract_statements",
    "load_corpus",
    "load_model",
    "train",
]
