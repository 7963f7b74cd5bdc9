"""Character n-gram blocks: the numpy path equals scikit-learn's FeatureUnion (1e-9)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance

TOL = 1e-9
RECIPES = {
    "word+char_wb": {"char_ngram_range": (2, 5), "char_analyzer": "char_wb", "min_df": 2},
    "word+char": {
        "char_ngram_range": (2, 4),
        "char_analyzer": "char",
        "strip_accents": "ascii",
        "lowercase": False,
        "C": 1.0,
    },
}


@pytest.fixture(scope="module", params=sorted(RECIPES))
def char_model(request, corpus_rows):
    train = [r for r in corpus_rows if r["split"] == "train"][:600]
    return stance.train(train, **RECIPES[request.param])


@pytest.fixture(scope="module")
def char_pipeline(char_model):
    return char_model.to_sklearn()


text_strategy = st.lists(
    st.one_of(
        st.text(max_size=10),
        st.sampled_from(["Sanctions", "санкции", "制裁", "naïve", "ÉTATS-UNIS", "x", "  ", "\t\n", "\u3000", "ﬁne"]),
    ),
    max_size=25,
).map(" ".join)


def test_model_holds_a_word_and_a_char_block(char_model):
    kinds = [s["analyzer"] for s in char_model.settings]
    assert kinds[0] == "word" and kinds[1] in ("char", "char_wb")
    assert sum(s["n_features"] for s in char_model.settings) == len(char_model.vocabulary)


def test_corpus_statements_match_sklearn(char_model, char_pipeline, corpus_rows):
    texts = [r["text"] for r in corpus_rows if r["split"] == "test"]
    theirs = char_pipeline.predict_proba(texts)
    np.testing.assert_allclose(char_model.predict_proba(texts), theirs, rtol=0, atol=TOL)
    single = np.array([list(char_model.classify(t).scores.values()) for t in texts[:200]])
    np.testing.assert_allclose(single, theirs[:200], rtol=0, atol=TOL)


@settings(max_examples=100, deadline=None)
@given(text_strategy)
def test_generated_text_matches_sklearn(char_model, char_pipeline, text):
    if not text.strip():  # blank statements are refused, not guessed (see test_inputs)
        with pytest.raises(ValueError, match="empty or whitespace only"):
            char_model.classify(text)
        return
    theirs = char_pipeline.predict_proba([text])[0]
    np.testing.assert_allclose(list(char_model.classify(text).scores.values()), theirs, rtol=0, atol=TOL)
    for block, (_, part) in zip(char_model.blocks, char_pipeline[0].transformer_list):
        assert block.analyzer.terms(text) == part.build_analyzer()(text)


def test_save_and_load_keep_the_blocks(char_model, tmp_path):
    char_model.save(tmp_path / "m")
    loaded = stance.load_model(tmp_path / "m")
    assert loaded.settings == char_model.settings
    texts = ["Sanctions must bite harder.", "!!!", "Мы отвергаем санкции", "x"]
    np.testing.assert_array_equal(loaded.predict_proba(texts), char_model.predict_proba(texts))


def test_unknown_char_analyzer_is_refused(corpus_rows):
    with pytest.raises(ValueError, match="char_analyzer"):
        stance.train(corpus_rows[:50], char_ngram_range=(2, 4), char_analyzer="chars")


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (3, 6)])
def test_char_terms_match_sklearn_analyzer(analyzer, ngram_range):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from stance._chars import CharAnalyzer
    from stance._text import check_settings

    vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, strip_accents="unicode")
    settings = check_settings(
        {**vectorizer.get_params(), "ngram_range": list(ngram_range), "stop_words": None, "analyzer": analyzer}
    )
    ours = CharAnalyzer(settings, []).terms
    theirs = vectorizer.build_analyzer()
    for text in ["", "a", "ab", "Naïve  ÉTATS-UNIS\t\n sanctions", "  lead and trail  ", "制裁 санкции", "x y z"]:
        assert ours(text) == theirs(text)
