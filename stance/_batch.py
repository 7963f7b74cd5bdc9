"""Chunking, and multi-process scoring of large batches."""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
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


def _tasks(texts: Iterable[str], jobs: int) -> tuple[Iterator[list[str]], int | None]:
    """Split ``texts`` into tasks: even shares of a list, ``TASK_SIZE`` pieces of a stream.

    Returns the tasks and the number of statements, or ``None`` when a stream
    is longer than ``PARALLEL_MIN_BATCH`` (its length is not known in advance).
    """
    if isinstance(texts, (list, tuple)):
        n = len(texts)
        n_tasks = jobs * max(1, round(n / (jobs * TASK_SIZE)))
        step = max(1, -(-n // n_tasks))
        return _checked(list(texts[i : i + step]) for i in range(0, n, step)), n
    chunks = iter_chunks(texts, TASK_SIZE)
    head = list(islice(chunks, -(-PARALLEL_MIN_BATCH // TASK_SIZE)))
    size = sum(map(len, head))
    return chain(head, chunks), (size if size < PARALLEL_MIN_BATCH else None)


def parallel_predictions(model: StanceModel, texts: Iterable[str], n_jobs: int | None) -> Iterator[list[Prediction]]:
    """Yield lists of predictions in input order, scoring tasks on ``n_jobs`` worker processes.

    Inputs of fewer than ``PARALLEL_MIN_BATCH`` statements are scored in this
    process; so is everything when ``n_jobs`` comes to one worker.
    """
    jobs = effective_jobs(n_jobs)
    tasks, size = _tasks(texts, jobs)
    if jobs == 1 or (size is not None and size < PARALLEL_MIN_BATCH):
        yield from map(model._predictions, tasks)
        return

    from joblib import Parallel, delayed

    model_file = _model_file(model)
    sent: deque[list[str]] = deque()

    def calls():
        for part in tasks:
            sent.append(part)
            yield delayed(_score)(model_file, part)

    with Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs", batch_size=1) as parallel:
        for proba in parallel(calls()):
            yield model._from_proba(sent.popleft(), proba)
