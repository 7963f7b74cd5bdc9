"""Many threads classifying with one model; two processes saving to one path."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

import stance

# (case, how each thread calls the model): every thread's result must equal the serial one.
CALLS = [
    ("one statement per call", lambda m, texts: [m.classify(t) for t in texts[:60]]),
    ("small lists", lambda m, texts: [p for i in range(0, 40, 4) for p in m.classify(texts[i : i + 4])]),
    ("a batch", lambda m, texts: m.classify(texts)),
    ("a stream", lambda m, texts: list(m.iter_classify(iter(texts), chunk_size=64))),
    ("a batch with blanks", lambda m, texts: m.classify([*texts, "", " "], on_error="neutral")),
]


@pytest.mark.parametrize(("case", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_threads_agree_with_serial(model, corpus_rows, case, call):
    batches = [[r["text"] for r in corpus_rows[i : i + 300]] for i in range(0, 2400, 300)]
    serial = [call(model, texts) for texts in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda texts: call(model, texts), batches * 2))
    assert threaded == serial * 2


def _save_repeatedly(model, path, times, barrier):
    barrier.wait()
    for _ in range(times):
        model.save(path)


def _snapshot(path):
    return {p.name: p.read_bytes() for p in path.iterdir()}


@pytest.mark.parametrize("rounds", [8])
def test_two_processes_saving_to_one_path_leave_one_whole_model(tmp_path, small_model, rounds):
    other = stance.train([{"text": f"{w} words {i}", "label": w} for i in range(4) for w in ("yes", "no", "maybe")])
    snapshots = []
    for i, model in enumerate((small_model, other)):
        model.save(tmp_path / f"ref{i}")
        snapshots.append(_snapshot(tmp_path / f"ref{i}"))
    target = tmp_path / "shared" / "m"
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_save_repeatedly, args=(m, target, rounds, barrier)) for m in (small_model, other)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert _snapshot(target) in snapshots  # one model, byte for byte, never a mix
    assert [p.name for p in target.parent.iterdir()] == ["m"]  # no temporary directory left
    assert stance.load_model(target).labels in (small_model.labels, other.labels)


def _save_alternately(models, path, times, barrier):
    barrier.wait()
    for i in range(times):
        models[i % 2].save(path)


def test_loading_while_another_process_saves_gives_one_whole_model(tmp_path, small_model):
    other = stance.train([{"text": f"{w} words {i}", "label": w} for i in range(4) for w in ("yes", "no", "maybe")])
    target = tmp_path / "m"
    small_model.save(target)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    saver = ctx.Process(target=_save_alternately, args=((other, small_model), target, 60, barrier))
    saver.start()
    barrier.wait()
    loaded = []
    while saver.is_alive():
        loaded.append(stance.load_model(target))  # a mix of two saves would fail its checks or mismatch below
    saver.join()
    assert saver.exitcode == 0 and len(loaded) > 0
    for model in loaded:
        reference = small_model if model.labels == small_model.labels else other
        assert model.vocabulary == reference.vocabulary and model.settings == reference.settings
        assert (model.coef == reference.coef).all() and (model.idf == reference.idf).all()
