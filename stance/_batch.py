"""Chunking, and multi-process scoring of large batches (forked, see :mod:`stance._fork`, or pooled)."""

from __future__ import annotations

import os
import pickle
import tempfile
import warnings
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from ._labels import Prediction

if TYPE_CHECKING:
    from ._model import StanceModel

#: Below this many statements, ``n_jobs`` is ignored: starting workers costs more than it saves.
PARALLEL_MIN_BATCH = 20_000
#: Seconds an idle worker process waits for work before it exits.
WORKER_TIMEOUT = 300
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


# The worker processes of this process: (how many, executor), started on first use.
_POOL: list = []


def _executor(workers: int, *, replace: bool = False):
    """A loky process pool of ``workers`` processes, kept for the next batch.

    Its own pool, not joblib's shared one, which joblib's ``Parallel`` expects
    to configure itself. Idle workers exit after ``WORKER_TIMEOUT`` seconds.
    ``replace`` starts a new pool (the last one lost a worker).
    """
    from joblib.externals.loky import ProcessPoolExecutor

    if _POOL:
        size, executor = _POOL[0]
        if size == workers and not replace:
            return executor
        executor.shutdown(wait=False)
        _POOL.clear()
    executor = ProcessPoolExecutor(max_workers=workers, timeout=WORKER_TIMEOUT)
    _POOL.append((workers, executor))
    return executor


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
        return _slices(texts, shrinking_bounds(len(texts), TASK_SIZE, MIN_TASK, 4 * processes)), len(texts)
    return _sized(iter_chunks(texts, TASK_SIZE))


def shrinking_bounds(n: int, largest: int, smallest: int, parts: int) -> list[int]:
    """Where the pieces of ``n`` statements start, then ``n``.

    Each piece is ``1 / parts`` of what is left, between ``smallest`` and
    ``largest`` statements: pieces shrink as the end nears, so that the
    processes sharing them finish together.
    """
    bounds = [0]
    while bounds[-1] < n:
        left = n - bounds[-1]
        bounds.append(bounds[-1] + min(left, largest, max(smallest, -(-left // parts))))
    return bounds


def _sized(chunks: Iterator[list[str]]) -> tuple[Iterator[list[str]], int | None]:
    """``chunks``, and how many statements they hold if fewer than ``PARALLEL_MIN_BATCH`` (else ``None``)."""
    head, size = [], 0
    for chunk in chunks:
        head.append(chunk)
        size += len(chunk)
        if size >= PARALLEL_MIN_BATCH:
            return chain(head, chunks), None
    return iter(head), size


def _windows(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """``texts`` in lists of ``size`` (a list or tuple is sliced, not iterated), type-checked."""
    if isinstance(texts, (list, tuple)):
        return _slices(texts, [*range(0, len(texts), size), len(texts)])
    return iter_chunks(texts, size)


def _slices(texts: list[str] | tuple[str, ...], bounds: list[int]) -> Iterator[list[str]]:
    """The lists ``texts[a:b]`` between consecutive ``bounds``, type-checked (a list's slice is not copied again)."""
    as_list = (lambda part: part) if isinstance(texts, list) else list
    return _checked(as_list(texts[a:b]) for a, b in zip(bounds, bounds[1:]))


Pairs = Iterator[tuple[list[str], list[Prediction]]]


def parallel_predictions(model: StanceModel, texts: Iterable[str], n_jobs: int | None) -> Pairs:
    """Yield ``(statements, predictions)`` pairs in input order, scoring on ``n_jobs`` processes.

    The calling process is one of them. On Linux, when it runs no other
    thread, the others are forked copies of it (:mod:`stance._fork`);
    otherwise a pool of worker processes (:func:`_pooled`). Inputs of fewer
    than ``PARALLEL_MIN_BATCH`` statements are scored in this process alone.
    """
    from . import _fork

    processes = effective_jobs(n_jobs)
    fork = processes > 1 and _fork.usable()
    tasks, size = _sized(_windows(texts, _fork.WINDOW)) if fork else _tasks(texts, processes)
    if processes == 1 or (size is not None and size < PARALLEL_MIN_BATCH):
        return ((part, model._predictions(part)) for part in tasks)
    return _fork.forked_predictions(model, tasks, processes) if fork else _pooled(model, tasks, processes)


def _pooled(model: StanceModel, tasks: Iterator[list[str]], processes: int) -> Pairs:
    """Score ``tasks`` here and on ``processes - 1`` pooled workers.

    This process keeps ``IN_FLIGHT`` tasks queued for each worker, scores the
    next task itself whenever they are all busy, and turns every result into
    :class:`Prediction` objects: the work balances itself, whatever the
    statements' lengths.
    """
    workers = _Workers(model, processes - 1)
    capacity = IN_FLIGHT * workers.count
    # In input order: (texts, future, its pool) for a task sent to a worker,
    # (texts, predictions, None) for one scored here.
    pending: deque[tuple[list[str], Future | list[Prediction], Any]] = deque()

    def ready(result: Future | list[Prediction]) -> bool:
        return not isinstance(result, Future) or result.done()

    def collect() -> tuple[list[str], list[Prediction]]:
        part, result, pool = pending.popleft()
        if isinstance(result, list):
            return part, result
        try:
            proba = result.result()
        except BrokenExecutor:  # its worker died (killed, out of memory): score the task here instead
            workers.replace(pool)
            return part, model._predictions(part)
        return part, model._from_proba(part, proba)

    for part in tasks:
        if sum(not ready(result) for _, result, _ in pending) < capacity:
            pending.append((part, *workers.send(part)))
        else:
            pending.append((part, model._predictions(part), None))
        # hand over what is ready at the front; wait for it once a few tasks are held
        while pending and (ready(pending[0][1]) or len(pending) > capacity + 2):
            yield collect()
    while pending:
        yield collect()


class _Workers:
    """The worker processes of one batch: ``count`` of them, sharing the model through a file."""

    def __init__(self, model: StanceModel, count: int):
        self.count = count
        self.executor = _executor(count)
        self.model_file = _model_file(model)

    def send(self, texts: list[str]) -> tuple[Future, Any]:
        """Submit ``texts``; returns the future and the pool it went to."""
        try:
            return self.executor.submit(_score, self.model_file, texts), self.executor
        except BrokenExecutor:  # a worker died since the last task
            self.replace(self.executor)
            return self.executor.submit(_score, self.model_file, texts), self.executor

    def replace(self, broken: Any) -> None:
        """Start a new pool in place of ``broken``, once, with a warning."""
        if broken is self.executor:
            message = "a stance worker process died (killed, or out of memory); a new one takes its place"
            warnings.warn(message, RuntimeWarning, stacklevel=5)
            self.executor = _executor(self.count, replace=True)
