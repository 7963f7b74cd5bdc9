"""Batches: streaming, worker processes, and agreement with scikit-learn in every mode."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import stance
from stance import _batch


def _unique_statements(rows, n):
    texts = [r["text"] for r in rows]
    out = []
    for i, (a, b) in enumerate(itertools.product(texts, repeat=2)):
        if len(out) == n:
            break
        wa, wb = a.split(), b.split()
        out.append(" ".join(wa[: len(wa) // 2] + wb[len(wb) // 2 :]) + f" {i}")
    return out


def test_worker_processes_agree_with_sklearn(model, sklearn_pipeline, corpus_rows):
    texts = _unique_statements(corpus_rows, _batch.PARALLEL_MIN_BATCH + 1_000)
    parallel = model.classify(texts, n_jobs=2)
    single = model.classify(texts)
    assert [p.text for p in parallel] == texts
    assert parallel == single
    ours = np.array([list(p.scores.values()) for p in parallel])
    np.testing.assert_allclose(ours, sklearn_pipeline.predict_proba(texts), rtol=0, atol=1e-9)


def test_streamed_input_with_workers_keeps_order(model, corpus_rows):
    texts = _unique_statements(corpus_rows, _batch.PARALLEL_MIN_BATCH + 500)
    streamed = list(model.iter_classify(iter(texts), n_jobs=2))
    assert [p.text for p in streamed] == texts
    assert streamed == model.classify(texts)


def test_small_batches_do_not_start_workers(model, monkeypatch, corpus_rows):
    def refuse(*args, **kwargs):
        raise AssertionError("a worker file was written for a small batch")

    monkeypatch.setattr(_batch, "_model_file", refuse)
    texts = [r["text"] for r in corpus_rows[:500]]
    assert model.classify(texts, n_jobs=-1) == model.classify(texts)


def test_iter_classify_streams(model, corpus_rows):
    consumed = 0

    def source():
        nonlocal consumed
        for row in itertools.cycle(corpus_rows):
            consumed += 1
            yield row["text"]

    stream = model.iter_classify(source(), chunk_size=100)
    first = next(stream)
    assert first.text == corpus_rows[0]["text"]
    assert consumed <= 101  # one chunk read, not the endless input


def test_classify_accepts_any_iterable(model, corpus_rows):
    texts = [r["text"] for r in corpus_rows[:30]]
    expected = model.classify(texts)
    assert model.classify(tuple(texts)) == expected
    assert model.classify(t for t in texts) == expected
    assert model.classify([]) == []
    few = stance.classify(texts[:2])  # a few statements go one by one: same figures to 1e-12
    assert [p.label for p in few] == [p.label for p in expected[:2]]
    for p, q in zip(few, expected):
        assert p.scores == pytest.approx(q.scores, abs=1e-12)


def test_n_jobs_is_checked(model):
    with pytest.raises(ValueError, match="n_jobs"):
        model.classify(["a b", "c d"], n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs"):
        model.classify(["a b"] * 10, n_jobs="all")
