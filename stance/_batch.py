"""Chunking, and multi-process scoring of large batches."""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from itertools import chain, islice
from typing import TYPE_CHECKING

from ._labels import Prediction

if TYPE_CHECKING:
    from ._model import StanceModel

#: Below this many statements, ``n_jobs`` is ignored: starting workers costs more than it saves.
PARALLEL_MIN_BATCH = 20_000
#: Statements per task sent to a worker process.
TASK_SIZE = 8_192
_STR = frozenset({str})


def iter_chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """Split ``texts`` into lists of at most ``size`` strings."""
    it = iter(texts)
    return _checked(iter(lambda: list(islice(it, size)), []))


def _checked(chunks: Iterable[list[str]]) -> Iterator[list[str]]:
    """Pass ``chunks`` through, raising ``TypeError`` at the first item that is not a string."""
    offset = 0
    for chunk in chunks:
        if not set(map(type, chunk)) <= _STR:  # one C-level pass; the loop below only on failure
            for i, text in enumerate(chunk):
                if not isinstance(text, str):
                    raise TypeError(
                        f"statement {offset + i} must be a string, found {type(text).__name__}: {text!r:.60}"
                    )
        offset += len(chunk)
        yield chunk


def effective_jobs(n_jobs: int | None) -> int:
    """The number of worker processes that ``n_jobs`` asks for on this machine (-1: all cores)."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool):
        raise TypeError(f"n_jobs must be an int or None, found {type(n_jobs).__name__}")
    if n_jobs == 0:
        raise ValueError(
            "n_jobs must be a positive number of workers, or negative to count back from all cores; found 0"
        )
    cpus = os.cpu_count() or 1
    return max(1, cpus + 1 + n_jobs if n_jobs < 0 else n_jobs)


# In a worker: the model it was last sent, read once from the file the parent wrote.
_WORKER_MODEL: dict[str, StanceModel] = {}


def _score(model_file: str, texts: list[str]):
    model = _WORKER_MODEL.get(model_file)
    if model is None:
        _WORKER_MODEL.clear()
        with open(model_file, "rb") as fh:
            model = _WORKER_MODEL[model_file] = pickle.load(fh)  # our own file, written by the parent
    return model.predict_proba(texts)


def _model_file(model: StanceModel) -> str:
    """A private temporary file holding ``model`` for the workers, written once per model.

    The file goes when the model is garbage-collected or the interpreter exits.
    """
    path = getattr(model, "_worker_file", None)
    if path is None or not os.path.exists(path):
        fd, path = tempfile.mkstemp(prefix="stance-model-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        model._worker_file = path
        weakref.finalize(model, _remove, path)
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


#: The smallest task sent to a worker: the last tasks of a list shrink to this,
#: so that the calling process does not wait long for the final one.
MIN_TASK = 1_024
#: Tasks queued per worker process: one running, one waiting, so it never idles
#: while the calling process is busy with a task of its own.
IN_FLIGHT = 2


def _tasks(texts: Iterable[str], processes: int) -> tuple[Iterator[list[str]], int | None]:
    """Split ``texts`` into tasks.

    A list is cut into tasks that shrink as its end nears (a quarter of each
    process's remaining share, between ``MIN_TASK`` and ``TASK_SIZE``), so that
    all processes finish together; a stream into ``TASK_SIZE`` pieces. Returns
    the tasks and the number of statements, or ``None`` when a stream is
    longer than ``PARALLEL_MIN_BATCH`` (its length is not known in advance).
    """
    if isinstance(texts, (list, tuple)):
        n = len(texts)

        def pieces() -> Iterator[list[str]]:
            start = 0
            while start < n:
                size = min(TASK_SIZE, max(MIN_TASK, -(-(n - start) // (4 * processes))))
                yield list(texts[start : start + size])
                start += size

        return _checked(pieces()), n
    chunks = iter_chunks(texts, TASK_SIZE)
    head = list(islice(chunks, -(-PARALLEL_MIN_BATCH // TASK_SIZE)))
    size = sum(map(len, head))
    return chain(head, chunks), (size if size < PARALLEL_MIN_BATCH else None)


def parallel_predictions(model: StanceModel, texts: Iterable[str], n_jobs: int | None) -> Iterator[list[Prediction]]:
    """Yield lists of predictions in input order, scoring on ``n_jobs`` processes.

    The calling process is one of them: it keeps ``IN_FLIGHT`` tasks queued
    for each of the ``n_jobs - 1`` worker processes, scores the next task
    itself whenever they are all busy, and turns every result into
    :class:`Prediction` objects. So the work balances itself, whatever the
    statements' lengths, and no process waits on another until the last
    tasks. Inputs of fewer than ``PARALLEL_MIN_BATCH`` statements are scored
    in this process alone.
    """
    processes = effective_jobs(n_jobs)
    tasks, size = _tasks(texts, processes)
    if processes == 1 or (size is not None and size < PARALLEL_MIN_BATCH):
        yield from map(model._predictions, tasks)
        return

    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor(max_workers=processes - 1)
    model_file = _model_file(model)
    capacity = IN_FLIGHT * (processes - 1)
    # In input order: (texts, future) for a task sent to a worker, (texts, predictions) for one scored here.
    pending: deque[tuple[list[str], Future | list[Prediction]]] = deque()

    def ready(result: Future | list[Prediction]) -> bool:
        return not isinstance(result, Future) or result.done()

    def collect() -> list[Prediction]:
        part, result = pending.popleft()
        return result if isinstance(result, list) else model._from_proba(part, result.result())

    for part in tasks:
        if sum(not ready(result) for _, result in pending) < capacity:
            pending.append((part, executor.submit(_score, model_file, part)))
        else:
            pending.append((part, model._predictions(part)))
        # hand over what is ready at the front; wait for it once a few tasks are held
        while pending and (ready(pending[0][1]) or len(pending) > capacity + 2):
            yield collect()
    while pending:
        yield collect()
