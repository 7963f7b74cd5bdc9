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


@pytest.fixture(params=["fork", "pool"])
def path(request, monkeypatch):
    """Each multi-process path: forked children, or the pool of workers (used when other threads run)."""
    from stance import _fork

    monkeypatch.setattr(_fork, "usable", lambda: request.param == "fork")
    return request.param


def test_worker_processes_agree_with_sklearn(model, sklearn_pipeline, corpus_rows, path):
    texts = _unique_statements(corpus_rows, _batch.PARALLEL_MIN_BATCH + 1_000)
    parallel = model.classify(texts, n_jobs=2)
    single = model.classify(texts)
    assert [p.text for p in parallel] == texts
    assert parallel == single
    ours = np.array([list(p.scores.values()) for p in parallel])
    np.testing.assert_allclose(ours, sklearn_pipeline.predict_proba(texts), rtol=0, atol=1e-9)


def test_streamed_input_with_workers_keeps_order(model, corpus_rows, path):
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


def test_worker_pool_survives_a_killed_worker_and_leaves_joblib_alone(model, corpus_rows, monkeypatch):
    import os
    import signal

    from joblib import Parallel, delayed

    from stance import _fork

    monkeypatch.setattr(_fork, "usable", lambda: False)  # the pool, as when other threads run

    texts = _unique_statements(corpus_rows, _batch.PARALLEL_MIN_BATCH + 100)
    expected = model.classify(texts)
    assert model.classify(texts, n_jobs=2) == expected
    # joblib's own pool still works beside stance's (stance must not take it over)
    assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4)) == [0, 1, 2, 3]
    _, executor = _batch._POOL[0]
    for pid in list(executor._processes):
        os.kill(pid, signal.SIGKILL)
    with pytest.warns(RuntimeWarning, match="worker process died"):
        assert model.classify(texts, n_jobs=2) == expected  # its tasks scored here, then a new pool
    assert model.classify(texts, n_jobs=2) == expected


class _DiesInChildren(stance.StanceModel):
    """A model whose forked children exit before scoring: the parent must score everything."""

    parent = 0

    def predict_proba(self, texts):
        import os

        if os.getpid() != self.parent:
            os._exit(3)
        return super().predict_proba(texts)


def _forked(model, texts, processes=2):
    from stance import _fork

    return [p for _, ps in _fork.forked_predictions(model, iter([texts]), processes) for p in ps]


@pytest.mark.parametrize("processes", [2, 3])
def test_forked_children_agree_with_one_process(model, corpus_rows, processes):
    from stance import _fork

    texts = _unique_statements(corpus_rows, processes * _fork.PIECES_EACH * _fork.CHUNK + 7)
    assert _forked(model, texts, processes) == model.classify(texts)


def test_a_child_that_dies_leaves_its_pieces_to_the_parent(model, corpus_rows):
    import os

    from stance import _fork

    texts = _unique_statements(corpus_rows, 2 * _fork.PIECES_EACH * _fork.CHUNK)
    _, (parts,) = model.__reduce__()  # the model's exported parts, as a worker receives them
    dying = _DiesInChildren(**parts)
    dying.parent = os.getpid()
    assert _forked(dying, texts) == model.classify(texts)


def _children():
    """The process ids of this process's children, zombies included (Linux /proc)."""
    from pathlib import Path

    return {pid for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()}


def test_stopping_early_leaves_no_child_behind(model, corpus_rows):
    from stance import _fork

    texts = _unique_statements(corpus_rows, 20 * _fork.CHUNK)
    before = _children()
    stream = _fork.forked_predictions(model, iter([texts]), 2)
    part, predictions = next(stream)
    assert predictions == model.classify(part)
    assert len(_children()) == len(before) + 1  # the forked child, still at work
    stream.close()
    assert _children() == before  # gone, not even a zombie left


def test_fork_only_when_no_other_thread_runs(model, corpus_rows, monkeypatch):
    import threading

    from stance import _fork

    if not _fork.usable() and threading.active_count() == 1:
        pytest.fail("forking should be usable on Linux in a single-threaded process")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not _fork.usable()
        # with a thread running, n_jobs goes to the pool of workers, with the same results
        texts = _unique_statements(corpus_rows, _batch.PARALLEL_MIN_BATCH + 10)
        forks = []
        monkeypatch.setattr(_fork, "forked_predictions", lambda *a: forks.append(a))
        assert model.classify(texts, n_jobs=2) == model.classify(texts)
        assert forks == []
    finally:
        stop.set()
        thread.join()


def test_a_small_window_is_not_shared_by_more_processes_than_it_has_work_for(model, corpus_rows, monkeypatch):
    import os

    from stance import _fork

    forks = []
    real_fork = os.fork

    def counting_fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    texts = _unique_statements(corpus_rows, 2 * _fork.PIECES_EACH * _fork.CHUNK)
    assert _forked(model, texts, processes=16) == model.classify(texts)
    assert len(forks) == 1  # two processes' worth of work: this one and one child
