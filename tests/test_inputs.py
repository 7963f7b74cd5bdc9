"""Every kind of input to ``classify``: the table of cases and the ``on_error`` policy."""

from __future__ import annotations

import math

import numpy as np
import pytest

import stance
from stance import _long

PRESSURE = "There will be consequences for anyone who helps Moscow evade sanctions."

# (case, input, expected outcome): "ok" = classified (Prediction or list of them),
# an exception class = raised, whatever on_error says for wrong types.
CASES = [
    ("None", None, TypeError),
    ("int", 3, TypeError),
    ("float", 2.5, TypeError),
    ("NaN", float("nan"), TypeError),
    ("bytes", b"sanctions", TypeError),
    ("bytearray", bytearray(b"sanctions"), TypeError),
    ("dict", {"text": PRESSURE}, TypeError),
    ("list with None", [PRESSURE, None], TypeError),
    ("list with int", [PRESSURE, PRESSURE, 7], TypeError),
    ("list with NaN", [PRESSURE] * 6 + [float("nan")], TypeError),
    ("list with bytes", [b"sanctions"], TypeError),
    ("numpy NaN column", np.array([PRESSURE, np.nan], dtype=object), TypeError),
    ("empty string", "", ValueError),
    ("whitespace", " \t\n", ValueError),
    ("ideographic space", "\u3000", ValueError),
    ("list with empty", [PRESSURE, ""], ValueError),
    ("long list with blank", [PRESSURE] * 10 + ["   "], ValueError),
    ("punctuation only", "!!! ?? ...", "ok"),
    ("single characters", "a b c", "ok"),
    ("control characters", "sanctions\x00\x07\x1b[31m lifted\x7f", "ok"),
    ("lone surrogates", "sanctions \ud800 lifted \udfff", "ok"),
    ("right-to-left", "العقوبات غير قانونية \u202e sanctions", "ok"),
    ("CJK", "我们坚决反对单边制裁和长臂管辖", "ok"),
    ("emoji", "Sanctions 🚫🇷🇺💰 must go 👎", "ok"),
    ("zero-width space only", "\u200b", "ok"),
    ("empty list", [], "ok"),
    ("tuple", (PRESSURE, "We oppose unilateral sanctions."), "ok"),
    ("generator", (t for t in [PRESSURE] * 7), "ok"),
    ("numpy strings", np.array([PRESSURE, "The talks resume."]), "ok"),
]


def _valid(p, text):
    assert isinstance(p, stance.Prediction)
    assert p.text == text
    assert p.label in p.scores
    assert math.isclose(sum(p.scores.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= v <= 1.0 for v in p.scores.values())


@pytest.mark.parametrize(("case", "value", "expected"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("on_error", ["raise", "skip", "neutral"])
def test_input_cases(model, case, value, expected, on_error):
    texts = list(value) if isinstance(value, np.ndarray) and on_error == "raise" else value
    if expected is TypeError:
        with pytest.raises(TypeError, match="found"):
            model.classify(value, on_error=on_error)
        return
    if expected is ValueError and on_error == "raise":
        with pytest.raises(ValueError, match="empty or whitespace only"):
            model.classify(value, on_error=on_error)
        return
    if hasattr(texts, "__next__"):
        texts = [PRESSURE] * 7
        value = iter(texts)
    result = model.classify(value, on_error=on_error)
    items = [result] if isinstance(texts, str) else list(zip(result, texts, strict=True))
    for got, text in [(result, texts)] if isinstance(texts, str) else items:
        if not text.strip():
            if on_error == "skip":
                assert got is None
            else:
                _valid(got, text)
                assert (got.label, got.scored, got.scores["neutral"]) == ("neutral", False, 1.0)
                assert got.to_dict()["scored"] is False
        else:
            _valid(got, text)
            assert got.scored


def test_type_error_names_the_position(model):
    with pytest.raises(TypeError, match=r"statement 9 must be a string, found float: nan"):
        model.classify([PRESSURE] * 9 + [float("nan")])
    with pytest.raises(TypeError, match=r"statement 5000 must be a string, found NoneType"):
        list(model.iter_classify([PRESSURE] * 5000 + [None], on_error="skip"))


def test_blank_error_names_the_position(model):
    with pytest.raises(ValueError, match=r"statement 4100 is empty"):
        model.classify([PRESSURE] * 4100 + ["\n"])
    with pytest.raises(ValueError, match="the statement is empty"):
        stance.classify("")


def test_skip_keeps_length_and_order(model):
    texts = ["We oppose unilateral sanctions.", "", PRESSURE, " ", "The talks resume on Monday."] * 3
    out = model.classify(texts, on_error="skip")
    assert len(out) == len(texts)
    assert [i for i, p in enumerate(out) if p is None] == [i for i, t in enumerate(texts) if not t.strip()]
    assert [p for p in out if p is not None] == model.classify([t for t in texts if t.strip()])
    streamed = list(model.iter_classify(iter(texts), on_error="skip", chunk_size=4))
    assert [p and (p.text, p.label) for p in streamed] == [p and (p.text, p.label) for p in out]
    assert stance.classify("", on_error="skip") is None


def test_neutral_marks_unscored(model):
    p = stance.classify(" ", on_error="neutral")
    assert (p.label, p.scored, p.scores) == ("neutral", False, {"pressuring": 0.0, "resisting": 0.0, "neutral": 1.0})
    assert "not scored" in str(p)
    assert "scored" not in stance.classify(PRESSURE).to_dict()  # only unscored predictions carry the flag


@pytest.mark.parametrize(
    ("on_error", "error"), [("ignore", ValueError), (None, TypeError), ("RAISE", ValueError), (1, TypeError)]
)
def test_on_error_is_checked(model, on_error, error):
    with pytest.raises(error, match="on_error must be one of"):
        model.classify([PRESSURE], on_error=on_error)


def test_neutral_needs_a_neutral_label():
    data = [{"text": f"{w} statement {i}", "label": w} for i in range(3) for w in ("for", "against")]
    model = stance.train(data)
    with pytest.raises(ValueError, match="needs a model with a 'neutral' label"):
        model.classify(["x y"], on_error="neutral")
    assert model.classify(["", "for statement"], on_error="skip")[0] is None


def test_very_long_text_is_counted_exactly_in_windows(model, sklearn_pipeline):
    words = sorted({w for term in model.vocabulary for w in term.split()})
    rng = np.random.default_rng(3)
    seps = np.array([" ", ", ", ". ", "\n", "-", "'s "])
    text = "".join(w + s for w, s in zip(rng.choice(words, 60_000), rng.choice(seps, 60_000)))
    assert len(text) > _long.LONG_TEXT
    assert _long.windowed_counts(model.blocks[0].analyzer, text, size=5_000) == model.blocks[0].analyzer.counts(text)
    ours = np.array(list(model.classify(text).scores.values()))
    np.testing.assert_allclose(ours, sklearn_pipeline.predict_proba([text])[0], rtol=0, atol=1e-9)
    batch = model.classify([text, PRESSURE] * 3)  # long statements inside a batch: same figures
    assert batch[0].scores == pytest.approx(model.classify(text).scores, abs=1e-12)
    assert batch[1].scores == pytest.approx(model.classify(PRESSURE).scores, abs=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 300_000,  # no cut anywhere: read whole
        ("ΑΣ.Β " * 5) + "naïve—Straße, " * 30_000,  # final sigma, accents, dashes
        "制裁" * 120_000 + " sanctions lifted",
        "e\u0301" * 150_000 + " unilateral sanctions",
    ],
)
def test_windows_match_whole_text(model, text):
    assert "".join(_long.windows(text, 1_000)) == text
    assert _long.windowed_counts(model.blocks[0].analyzer, text, size=1_000) == model.blocks[0].analyzer.counts(text)


def test_ten_megabyte_statement_is_classified(model):
    text = ("Sanctions must be lifted now, we oppose them. " * 220_000)[:10_000_000]
    p = model.classify(text)
    assert p.label == "resisting"
    assert math.isclose(sum(p.scores.values()), 1.0)


@pytest.mark.parametrize("on_error", ["raise", "skip", "neutral"])
def test_policy_holds_with_worker_processes(model, corpus_rows, on_error):
    from stance._batch import PARALLEL_MIN_BATCH

    texts = [r["text"] for r in corpus_rows] * (PARALLEL_MIN_BATCH // len(corpus_rows) + 1)
    texts[PARALLEL_MIN_BATCH - 7] = " "
    if on_error == "raise":
        with pytest.raises(ValueError, match=f"statement {PARALLEL_MIN_BATCH - 7} is empty"):
            model.classify(texts, n_jobs=2)
        return
    parallel = model.classify(texts, n_jobs=2, on_error=on_error)
    assert len(parallel) == len(texts)
    assert parallel[PARALLEL_MIN_BATCH - 7] == model.classify(" ", on_error=on_error)
    assert parallel[:100] == model.classify(texts[:100])
