"""Scoring a batch in forked copies of this process (Linux, single-threaded callers).

A forked child already holds the model and the statements: nothing is pickled
or sent. Each window of ``WINDOW`` statements is cut into ``CHUNK``-statement
pieces; this process and its children take pieces from a shared counter until
none is left, the children writing probabilities into shared memory, this
process also turning every finished piece, in order, into
:class:`~stance.Prediction` objects. The work balances itself, and a child
that dies only leaves its pieces to this process.

Forking is safe only when no other thread could hold a lock at that moment,
so :func:`usable` asks for a single-threaded caller on Linux; elsewhere
``stance._batch`` uses a pool of worker processes.
"""

from __future__ import annotations

import gc
import mmap
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from ._labels import Prediction

if TYPE_CHECKING:
    from ._model import StanceModel

#: Statements per fork: the children of one window see its statements, no more.
WINDOW = 262_144
#: Statements per piece of work taken from the shared counter; the last pieces
#: of a window shrink down to ``MIN_CHUNK``, so that no process waits long for
#: another at its end.
CHUNK = 4_096
MIN_CHUNK = 512
#: A window is shared by at most one process per this many pieces.
PIECES_EACH = 4


def usable() -> bool:
    """Whether forking is safe here: Linux, and no thread besides this one."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def forked_predictions(
    model: StanceModel, windows: Iterator[list[str]], processes: int
) -> Iterator[tuple[list[str], list[Prediction]]]:
    """Yield ``(statements, predictions)`` pairs in input order, each window scored by ``processes`` processes."""
    for texts in windows:
        yield from _window(model, texts, processes)


def _window(model: StanceModel, texts: list[str], processes: int) -> Iterator[tuple[list[str], list[Prediction]]]:
    import multiprocessing

    n, n_labels = len(texts), len(model.labels)
    # at least PIECES_EACH full pieces per process: a fork costs milliseconds
    processes = max(1, min(processes, n // (PIECES_EACH * CHUNK)))
    bounds = _bounds(n, processes)
    pieces = len(bounds) - 1
    # One shared mapping: the probabilities, then one "done" byte per piece.
    shared = mmap.mmap(-1, n * n_labels * 8 + pieces)
    proba = np.frombuffer(shared, dtype=np.float64, count=n * n_labels).reshape(n, n_labels)
    done = np.frombuffer(shared, dtype=np.uint8, count=pieces, offset=n * n_labels * 8)
    counter = multiprocessing.get_context("fork").Value("q", 0)  # the next piece; its lock orders memory too

    def take(finished: int | None) -> int:
        with counter.get_lock():
            if finished is not None:
                done[finished] = 1
            piece = counter.value
            counter.value += 1
        return piece

    def score(piece: int) -> None:
        rows = slice(bounds[piece], bounds[piece + 1])
        proba[rows] = model.predict_proba(texts[rows])

    children = []
    try:
        for _ in range(processes - 1):
            pid = os.fork()
            if pid == 0:  # the child: score pieces, then leave without running any of the parent's exit code
                status = 1
                try:
                    gc.disable()  # a collection would touch, and so copy, every page of the parent's heap
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    piece = take(None)
                    while piece < pieces:
                        score(piece)
                        piece = take(piece)
                    status = 0
                finally:
                    os._exit(status)
            children.append(pid)
        built = 0  # pieces already turned into predictions
        piece = take(None)
        while piece < pieces:
            score(piece)
            piece = take(piece)
            ready = built
            with counter.get_lock():
                while ready < pieces and done[ready]:
                    ready += 1
            if ready > built:
                yield _predictions(model, texts, proba, bounds[built], bounds[ready])
                built = ready
        for pid in children:
            os.waitpid(pid, 0)
        children = []
        for missing in range(built, pieces):  # a child that died left its pieces undone: score them here
            if not done[missing]:
                score(missing)
        if built < pieces:
            yield _predictions(model, texts, proba, bounds[built], n)
    finally:
        for pid in children:  # the caller stopped early, or an error: no child outlives the batch
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _predictions(
    model: StanceModel, texts: list[str], proba: np.ndarray, start: int, stop: int
) -> tuple[list[str], list[Prediction]]:
    """The statements ``start`` to ``stop`` and their predictions."""
    part = texts[start:stop]
    return part, model._from_proba(part, proba[start:stop])


def _bounds(n: int, processes: int) -> list[int]:
    """Where the pieces of ``n`` statements start, and ``n``: ``CHUNK`` each, shrinking near the end."""
    bounds = [0]
    while bounds[-1] < n:
        left = n - bounds[-1]
        bounds.append(bounds[-1] + min(left, CHUNK, max(MIN_CHUNK, -(-left // (2 * processes)))))
    return bounds
