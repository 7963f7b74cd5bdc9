"""Where the time of ``classify(texts, n_jobs=-1)`` goes, against one process.

    python benchmarks/parallel.py [--batch N] [--repeats R] [--json PATH]

For each repetition, times the same batch (``N`` distinct statements, as in
``benchmarks/run.py``) three ways, back to back: one process, ``n_jobs=-1``
with forked children (the path taken on Linux by a single-threaded caller),
and ``n_jobs=-1`` with the pool of worker processes (the path taken when
other threads run). Besides the wall time, it reads ``getrusage`` for this
process and its children: user and system CPU seconds, and minor page faults
(copy-on-write after a fork shows up there). A perfect split on two cores
would take half the wall time for the same CPU seconds; the table shows how
far each path is from that, and why. Prints medians; ``--json`` writes every
repetition.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import unique_statements  # noqa: E402

import stance  # noqa: E402
from stance import _batch, _fork  # noqa: E402
from stance._corpus import read_corpus  # noqa: E402


def _workers() -> tuple[float, float, int]:
    """User and system CPU seconds and minor faults of stance's live pool workers (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    user = system = faults = 0
    for _, executor in _batch._POOL:
        for pid in list(executor._processes):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            faults += int(fields[7])  # minflt, the 10th field of stat
            user += int(fields[11]) / tick
            system += int(fields[12]) / tick
    return user, system, faults


def measure(call) -> dict:
    """Wall seconds, and CPU seconds and minor page faults of this process and of the others, for ``call()``.

    "others" are the forked children (``RUSAGE_CHILDREN``) and the live pool workers.
    """
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN), _workers()
    t0 = time.perf_counter()
    call()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN), _workers()
    return {
        "wall": wall,
        "self_cpu": (after[0].ru_utime + after[0].ru_stime) - (before[0].ru_utime + before[0].ru_stime),
        "self_system": after[0].ru_stime - before[0].ru_stime,
        "self_faults": after[0].ru_minflt - before[0].ru_minflt,
        "others_cpu": (after[1].ru_utime + after[1].ru_stime - before[1].ru_utime - before[1].ru_stime)
        + max(0.0, after[2][0] + after[2][1] - before[2][0] - before[2][1]),  # /proc counts in clock ticks
        "others_system": after[1].ru_stime - before[1].ru_stime + after[2][1] - before[2][1],
        "others_faults": after[1].ru_minflt - before[1].ru_minflt + after[2][2] - before[2][2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=100_000, help="statements per batch (default 100,000)")
    parser.add_argument("--repeats", type=int, default=9, help="repetitions (default 9)")
    parser.add_argument("--json", type=Path, help="also write every repetition to this JSON file")
    args = parser.parse_args()

    texts = unique_statements([r["text"] for r in read_corpus()], args.batch, seed=2)
    model = stance.default_model()
    usable = _fork.usable
    modes = {
        "one process": lambda: model.classify(texts),
        "n_jobs=-1, forked": lambda: model.classify(texts, n_jobs=-1),
        "n_jobs=-1, pool": lambda: model.classify(texts, n_jobs=-1),
    }
    if not usable():
        raise SystemExit("forking is not usable here (not Linux, or other threads run); nothing to compare")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for repetition in range(args.repeats + 1):  # the first repetition warms up (starts the pool) and is dropped
        for mode, call in modes.items():
            # once the pool has run, its threads live in this process and would turn the forked
            # path off: each mode is forced, so the two paths are compared in the same process
            _fork.usable = (lambda: False) if mode.endswith("pool") else (lambda: True)
            try:
                figures = measure(call)
            finally:
                _fork.usable = usable
            if repetition:
                runs[mode].append(figures)
    base = runs["one process"]
    print(f"{args.batch:,} statements, median of {args.repeats} repetitions on {os.cpu_count()} cores")
    print(
        f"{'mode':<20} {'wall s':>7} {'vs one':>7} {'CPU s: here':>12} {'others':>7} {'all':>6} "
        f"{'vs one':>7} {'system':>7} {'faults':>8}"
    )
    for mode, figures in runs.items():
        ratio = statistics.median(b["wall"] / f["wall"] for b, f in zip(base, figures))
        cpu = statistics.median((f["self_cpu"] + f["others_cpu"]) / b["self_cpu"] for b, f in zip(base, figures))
        print(
            f"{mode:<20} {statistics.median(f['wall'] for f in figures):7.3f} {ratio:6.2f}x "
            f"{statistics.median(f['self_cpu'] for f in figures):12.3f} "
            f"{statistics.median(f['others_cpu'] for f in figures):7.3f} "
            f"{statistics.median(f['self_cpu'] + f['others_cpu'] for f in figures):6.3f} {cpu:6.2f}x "
            f"{statistics.median(f['self_system'] + f['others_system'] for f in figures):7.3f} "
            f"{statistics.median(f['self_faults'] + f['others_faults'] for f in figures):8,.0f}"
        )
    print("(here: this process; others: its forked children or its pool workers; all: both;")
    print(" system: of all, in the kernel; vs one: one process's wall time over this mode's,")
    print(" and this mode's CPU seconds over one process's)")
    if args.json:
        args.json.write_text(json.dumps({"batch": args.batch, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
