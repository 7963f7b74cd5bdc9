"""Fuzzing: arbitrary text and arbitrary model-directory corruptions end in a prediction or a documented error."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stance

FILES = ["model.json", "vocabulary.json", "idf.npy", "coef.npy", "intercept.npy"]


def _check(p, text):
    assert isinstance(p, stance.Prediction)
    assert p.text == text
    assert math.isclose(sum(p.scores.values()), 1.0, abs_tol=1e-9)
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in p.scores.values())


# (case, strategy): any unicode text, including lone surrogates, control characters and blanks.
TEXTS = [
    ("any unicode", st.text(max_size=200)),
    ("surrogates and controls", st.text(st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Zs"]), max_size=50)),
    ("long words", st.text(st.characters(categories=["L", "N"]), min_size=50, max_size=2_000)),
]


@pytest.mark.parametrize(("case", "strategy"), TEXTS, ids=[t[0] for t in TEXTS])
def test_arbitrary_text(model, case, strategy):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(strategy, min_size=1, max_size=8), st.sampled_from(["raise", "skip", "neutral"]))
    def run(texts, on_error):
        blank = [not t.strip() for t in texts]
        for one in ([texts[0]], texts):
            if any(blank[: len(one)]) and on_error == "raise":
                with pytest.raises(ValueError, match="empty or whitespace only"):
                    model.classify(one, on_error=on_error)
                continue
            for text, p, is_blank in zip(one, model.classify(one, on_error=on_error), blank[: len(one)], strict=True):
                if is_blank and on_error == "skip":
                    assert p is None
                else:
                    _check(p, text)
                    assert p.scored is not (is_blank and on_error == "neutral")

    run()


@pytest.fixture(scope="module")
def pristine():
    model = stance.train(
        [{"text": f"{w} sanctions {w}ly stated {i}", "label": w} for i in range(3) for w in ("up", "down", "neutral")]
    )
    root = Path(tempfile.mkdtemp(prefix="stance-fuzz-"))
    model.save(root / "m")
    yield root / "m"
    shutil.rmtree(root)


# (case, strategy of (file, offset as a share of its size, new bytes)); every outcome: a model whose
# predictions are valid, or a StanceError (ModelFormatError) - never another exception or a crash.
CORRUPTIONS = [
    ("overwrite bytes", st.tuples(st.just("overwrite"), st.floats(0, 1), st.binary(min_size=1, max_size=16))),
    ("truncate", st.tuples(st.just("truncate"), st.floats(0, 1), st.just(b""))),
    ("insert bytes", st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=16))),
    ("replace file", st.tuples(st.just("replace"), st.just(0.0), st.binary(max_size=300))),
]


def _corrupt(path, how, where, data):
    raw = path.read_bytes()
    at = int(where * len(raw))
    if how == "overwrite":
        raw = raw[:at] + data + raw[at + len(data) :]
    elif how == "truncate":
        raw = raw[:at]
    elif how == "insert":
        raw = raw[:at] + data + raw[at:]
    else:
        raw = data
    path.write_bytes(raw)


@pytest.mark.parametrize(("case", "strategy"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_arbitrary_model_corruption(pristine, tmp_path, case, strategy):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.sampled_from(FILES), strategy), min_size=1, max_size=3))
    def run(edits):
        target = tmp_path / "m"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(pristine, target)
        for name, (how, where, data) in edits:
            _corrupt(target / name, how, where, data)
        try:
            model = stance.load_model(target)
        except stance.StanceError as exc:
            assert str(target) in str(exc)
            return
        for text, p in zip(["up sanctions", "down", "!!"], model.classify(["up sanctions", "down", "!!"])):
            _check(p, text)

    run()
