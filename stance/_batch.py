"""Chunking and multi-process scoring of large batches."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from ._labels import Prediction

if TYPE_CHECKING:
    from ._model import StanceModel


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
    """The number of worker processes that ``n_jobs`` asks for on this machine."""
    if n_jobs is None or n_jobs == 0:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool):
        raise TypeError(f"n_jobs must be an int or None, found {type(n_jobs).__name__}")
    cpus = os.cpu_count() or 1
    return max(1, cpus + 1 + n_jobs if n_jobs < 0 else n_jobs)


def _proba(model: StanceModel, texts: list[str]):
    return model.predict_proba(texts)


def parallel_predictions(model: StanceModel, chunks: Iterator[list[str]], n_jobs: int) -> Iterator[Prediction]:
    """Yield predictions in input order, scoring windows of chunks on ``n_jobs`` workers.

    Windows smaller than ``PARALLEL_MIN_BATCH`` statements are scored in this
    process: starting workers would cost more than it saves.
    """
    from ._model import PARALLEL_MIN_BATCH

    jobs = effective_jobs(n_jobs)
    window = max(PARALLEL_MIN_BATCH, 1)
    pending: list[list[str]] = []
    size = 0
    parallel = None
    try:
        for chunk in _chain_with_end(chunks):
            if chunk is not None:
                pending.append(chunk)
                size += len(chunk)
                if size < window * jobs:
                    continue
            if not pending:
                break
            texts = [t for c in pending for t in c]
            pending, size = [], 0
            if jobs == 1 or len(texts) < PARALLEL_MIN_BATCH:
                yield from model._predictions(texts)
                continue
            if parallel is None:
                from joblib import Parallel

                parallel = Parallel(n_jobs=jobs, backend="loky").__enter__()
            yield from _scored(model, texts, jobs, parallel)
    finally:
        if parallel is not None:
            parallel.__exit__(None, None, None)


def _chain_with_end(chunks: Iterator[list[str]]) -> Iterator[list[str] | None]:
    yield from chunks
    yield None


def _scored(model: StanceModel, texts: list[str], jobs: int, parallel) -> Iterator[Prediction]:
    from joblib import delayed

    step = -(-len(texts) // jobs)
    parts = [texts[i : i + step] for i in range(0, len(texts), step)]
    for part, proba in zip(parts, parallel(delayed(_proba)(model, p) for p in parts)):
        yield from model._from_proba(part, proba)
