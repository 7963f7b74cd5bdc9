"""The numpy path must give scikit-learn's probabilities (1e-9) and never import scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import stance

TOL = 1e-9


def test_corpus_statements_match_sklearn(model, sklearn_pipeline, corpus_rows):
    texts = [r["text"] for r in corpus_rows]
    ours = np.array([list(p.scores.values()) for p in model.classify(texts)])
    theirs = sklearn_pipeline.predict_proba(texts)
    assert ours.shape == theirs.shape == (len(texts), 3)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)
    assert [p.label for p in model.classify(texts)] == list(sklearn_pipeline.predict(texts))


def test_single_statement_matches_batch(model, corpus_rows):
    text = corpus_rows[0]["text"]
    single = model.classify(text)
    batch = model.classify([text])
    assert isinstance(single, stance.Prediction)
    assert [single] == batch


def _vocab_words(model):
    return sorted({w for term in model.vocabulary for w in term.split()})


WORDS = _vocab_words(stance.default_model())
pieces = st.one_of(
    st.sampled_from(WORDS),
    st.text(min_size=0, max_size=12),
    st.sampled_from(
        ["Ünïcödé", "ÉTATS-UNIS", "naïve", "Straße", "制裁", "санкции", "x", "_", "ｆｕｌｌ", "٣٤٥", "İstanbul"]
    ),
)
separators = st.sampled_from([" ", "  ", ",", ". ", "\n", "\t", "-", "'", "“", " — ", "_", ""])


@st.composite
def statements(draw):
    parts = draw(st.lists(st.tuples(pieces, separators), max_size=40))
    text = "".join(p + s for p, s in parts)
    if draw(st.booleans()):
        text = text.upper()
    return text


@settings(max_examples=300, deadline=None)
@given(statements())
def test_generated_text_matches_sklearn(model, sklearn_pipeline, text):
    if not text.strip():  # blank statements are refused (tests/test_inputs.py); pad to keep the case
        text += "."
    ours = np.array(list(model.classify(text).scores.values()))
    theirs = sklearn_pipeline.predict_proba([text])[0]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)


@settings(max_examples=100, deadline=None)
@given(statements())
def test_analyzer_matches_sklearn(model, sklearn_pipeline, text):
    analyze = sklearn_pipeline[0].build_analyzer()
    assert model.blocks[0].analyzer.terms(text) == analyze(text)


def test_thousand_generated_statements_in_one_batch(model, sklearn_pipeline):
    """Empty-after-tokenisation, unicode, very long and out-of-vocabulary text, in one batch."""
    rng = np.random.default_rng(7)
    words = np.array(WORDS)
    texts = []
    for i in range(1000):
        kind = i % 5
        if kind == 0:
            texts.append(["!", "_ _", "!!! ?? ...", "a b c", "— – ·"][i // 5 % 5])  # blank text is refused
        elif kind == 1:
            texts.append(" ".join(rng.choice(words, 8)) + " санкции 制裁 Ünïcödé naïve")
        elif kind == 2:
            texts.append(" ".join(rng.choice(words, 3000)))
        elif kind == 3:
            texts.append(" ".join(f"zq{rng.integers(1e9)}xv" for _ in range(12)))
        else:
            texts.append(" ".join(rng.choice(words, int(rng.integers(1, 40)))))
    ours = np.array([list(p.scores.values()) for p in model.classify(texts)])
    np.testing.assert_allclose(ours, sklearn_pipeline.predict_proba(texts), rtol=0, atol=TOL)


def test_classify_does_not_import_sklearn_or_datasets():
    code = (
        "import sys, stance\n"
        "p = stance.classify('There will be consequences for sanctions evasion.')\n"
        "ps = stance.classify(['a', 'b'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'datasets', 'pandas'))\n"
        "print(p.label, len(ps), bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] in stance.LABELS
    assert out[1] == "2"
    assert out[2:] == ["[]"]


def test_binary_model_matches_sklearn(two_label_records):
    data = two_label_records
    model = stance.train(data, C=1.0)
    assert model.labels == ("against", "favor")
    texts = [d["text"] for d in data] + ["?!", "lifted sanctions working"]
    ours = np.array([list(p.scores.values()) for p in model.classify(texts)])
    np.testing.assert_allclose(ours, model.to_sklearn().predict_proba(texts), rtol=0, atol=TOL)
