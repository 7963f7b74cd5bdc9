"""Chunking, and multi-process scoring of large batches."""

from __future__ import annotations

import os
import pickle
import tempfile
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


def iter_chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """Split ``texts`` into lists of at most ``size`` strings, checking every item."""
    it = iter(texts)
    offset = 0
    while chunk := list(islice(it, size)):
        for i, text in enumerate(chunk):
            if not isinstance(text, str):
                raise TypeError(f"statement {offset + i} must be a string, found {type(text).__name__}: {text!r:.60}")
        offset += len(chunk)
        yield chunk


def effective_jobs(n_jobs: int | None) -> int:
    """The number of worker processes that ``n_jobs`` asks for on this machine (-1: all cores)."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool):
        raise TypeError(f"n_jobs must be an int or None, found {type(n_jobs).__name__}")
    if n_jobs == 0:
        raise ValueError("n_jobs must be a positive number of workers, or negative to count back from all cores; found 0")
    cpus = os.cpu_count() or 1
    return max(1, cpus + 1 + n_jobs if n_jobs < 0 else n_jobs)


# In a worker: the model of the current batch, read once from the file the parent wrote.
_WORKER_MODEL: dict[str, StanceModel] = {}


def _score(model_file: str, texts: list[str]):
    model = _WORKER_MODEL.get(model_file)
    if model is None:
        _WORKER_MODEL.clear()
        with open(model_file, "rb") as fh:
            model = _WORKER_MODEL[model_file] = pickle.load(fh)  # our own file, written by the parent
    return model.predict_proba(texts)


def parallel_predictions(
    model: StanceModel, chunks: Iterator[list[str]], n_jobs: int | None
) -> Iterator[list[Prediction]]:
    """Yield lists of predictions in input order, scoring tasks of ``TASK_SIZE`` statements on worker processes.

    Inputs of fewer than ``PARALLEL_MIN_BATCH`` statements are scored in this
    process; so is everything when ``n_jobs`` comes to one worker.
    """
    jobs = effective_jobs(n_jobs)
    head: list[list[str]] = []
    size = 0
    for chunk in chunks:
        head.append(chunk)
        size += len(chunk)
        if size >= PARALLEL_MIN_BATCH:
            break
    if jobs == 1 or size < PARALLEL_MIN_BATCH:
        for chunk in chain(head, chunks):
            yield model._predictions(chunk)
        return

    from joblib import Parallel, delayed

    sent: deque[list[str]] = deque()
    # The model travels once per worker through a private temporary file, not with every task.
    with tempfile.TemporaryDirectory(prefix="stance-") as tmp:
        model_file = os.path.join(tmp, "model.pickle")
        with open(model_file, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)

        def tasks():
            texts = (t for chunk in chain(head, chunks) for t in chunk)
            while part := list(islice(texts, TASK_SIZE)):
                sent.append(part)
                yield delayed(_score)(model_file, part)

        with Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs", batch_size=1) as parallel:
            for proba in parallel(tasks()):
                yield model._from_proba(sent.popleft(), proba)
