"""Scoring a batch in forked copies of this process (Linux, single-threaded callers).

A forked child already holds the model and the statements: nothing is pickled
or sent. Each window of ``WINDOW`` statements is cut into pieces of ``CHUNK``
statements (smaller near its end). This process and its children take pieces
from a pipe until none is left; the children write probabilities into shared
memory and report each finished piece through a second pipe; this process
also turns every finished piece, in order, into :class:`~stance.Prediction`
objects. The work balances itself, no lock is shared (a process killed at any
moment blocks no other), and a child that dies only leaves its piece to this
process.

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

from ._batch import shrinking_bounds
from ._labels import Prediction

if TYPE_CHECKING:
    from ._model import StanceModel

#: Statements per fork: the children of one window see its statements, no more.
#: (Its pieces' numbers, four bytes each, must fit in a pipe's 64 KiB buffer.)
WINDOW = 262_144
#: Statements per piece of work; the last pieces
#: of a window shrink down to ``MIN_CHUNK``, so that no process waits long for
#: another at its end.
CHUNK = 4_096
MIN_CHUNK = 512
#: A window is shared by at most one process per this many pieces.
PIECES_EACH = 4


def usable() -> bool:
    """Whether forking is safe here: Linux, and no Python thread besides this one.

    Native threads that libraries start on their own (a BLAS or Arrow pool) are
    not counted: they may run, but the child never calls into those libraries'
    thread pools, only into the tokeniser and numpy arithmetic.
    """
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def forked_predictions(
    model: StanceModel, windows: Iterator[list[str]], processes: int
) -> Iterator[tuple[list[str], list[Prediction]]]:
    """Yield ``(statements, predictions)`` pairs in input order, each window scored by ``processes`` processes."""
    for texts in windows:
        yield from _window(model, texts, processes)


def _window(model: StanceModel, texts: list[str], processes: int) -> Iterator[tuple[list[str], list[Prediction]]]:
    n, n_labels = len(texts), len(model.labels)
    # at least PIECES_EACH full pieces per process: a fork costs milliseconds
    processes = max(1, min(processes, n // (PIECES_EACH * CHUNK)))
    if processes == 1:
        yield texts, model._predictions(texts)
        return
    bounds = shrinking_bounds(n, CHUNK, MIN_CHUNK, 2 * processes)
    pieces = len(bounds) - 1
    proba = np.frombuffer(mmap.mmap(-1, n * n_labels * 8), dtype=np.float64).reshape(n, n_labels)  # shared
    # Two pipes, so that a process killed at any moment leaves no lock held: "todo" holds
    # every piece's number, read four bytes at a time (a read that small is atomic);
    # "done" gets the number of each piece a child has written into ``proba``.
    todo, feed = os.pipe()
    os.write(feed, b"".join(piece.to_bytes(4, "little") for piece in range(pieces)))
    os.close(feed)
    done, report = os.pipe()

    def take() -> int | None:
        record = os.read(todo, 4)
        return int.from_bytes(record, "little") if record else None

    def score(piece: int) -> None:
        rows = slice(bounds[piece], bounds[piece + 1])
        proba[rows] = model.predict_proba(texts[rows])

    finished = bytearray(pieces)

    def collect(block: bool) -> None:
        os.set_blocking(done, block)
        while True:
            try:
                records = os.read(done, 1 << 16)
            except BlockingIOError:
                return
            if not records:  # every child has exited
                return
            for i in range(0, len(records), 4):
                finished[int.from_bytes(records[i : i + 4], "little")] = 1

    children: list[int] = []
    try:
        for _ in range(processes - 1):
            pid = os.fork()
            if pid == 0:  # the child: score pieces, then leave without running any of the parent's exit code
                status = 1
                try:
                    gc.disable()  # a collection would touch, and so copy, every page of the parent's heap
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    while (piece := take()) is not None:
                        score(piece)
                        os.write(report, piece.to_bytes(4, "little"))
                    status = 0
                finally:
                    os._exit(status)
            children.append(pid)
        os.close(report)
        report = -1
        built = 0  # pieces already turned into predictions
        while (piece := take()) is not None:
            score(piece)
            finished[piece] = 1
            collect(block=False)
            ready = finished.find(0, built)
            ready = pieces if ready < 0 else ready
            if ready > built:
                yield _predictions(model, texts, proba, bounds[built], bounds[ready])
                built = ready
        collect(block=True)  # until every child has exited
        for pid in children:
            os.waitpid(pid, 0)
        children = []
        for missing in range(built, pieces):  # a child that died left its piece undone: score it here
            if not finished[missing]:
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
        for fd in (todo, done, report):
            if fd >= 0:
                os.close(fd)


def _predictions(
    model: StanceModel, texts: list[str], proba: np.ndarray, start: int, stop: int
) -> tuple[list[str], list[Prediction]]:
    """The statements ``start`` to ``stop`` and their predictions."""
    part = texts[start:stop]
    return part, model._from_proba(part, proba[start:stop])
