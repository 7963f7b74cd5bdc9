"""Cost of the input checks: ``model.classify`` on 100,000 corpus statements, before and after.

Usage: ``python benchmarks/input_checks.py [BEFORE_SRC]``. With ``BEFORE_SRC`` (a directory
holding an older ``stance`` package, e.g. from ``git archive 8d72f52 stance | tar -x -C DIR``),
both versions are timed in alternating subprocesses, best of 5 runs each, 3 rounds. Last, the
type and blank checks alone are timed on the same 100,000 statements (cut in classify's chunks),
as a share of the time ``classify`` takes: a figure that the machine's noise does not swamp.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Both child programs start here: the package under test, and 100,000 statements
# made unique by splicing two corpus statements.
PRELUDE = r"""
import itertools, sys, timeit
sys.path.insert(0, {src!r})
import stance
from stance._corpus import read_corpus
texts = [r["text"] for r in read_corpus({corpus!r})]
batch = []
for a, b in itertools.product(texts, repeat=2):
    if len(batch) == 100_000:
        break
    wa, wb = a.split(), b.split()
    batch.append(" ".join(wa[: len(wa) // 2] + wb[len(wb) // 2 :]))
"""

CODE = (
    PRELUDE
    + r"""
model = stance.default_model()
model.classify(batch[:5000])
best = min(timeit.repeat(lambda: model.classify(batch), number=1, repeat=5))
print(len(batch) / best)
"""
)


def rate(src: str) -> float:
    corpus = str(Path(__file__).resolve().parents[1] / "corpora")
    out = subprocess.run([sys.executable, "-c", CODE.format(src=src, corpus=corpus)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout)


CHECKS = (
    PRELUDE
    + r"""
from stance._inputs import blank_positions
chunks = [batch[i : i + 4096] for i in range(0, len(batch), 4096)]
str_ = frozenset({{str}})
check = lambda: [set(map(type, c)) <= str_ and blank_positions(c) for c in chunks]
checks = min(timeit.repeat(check, number=1, repeat=20))
model = stance.default_model()
whole = min(timeit.repeat(lambda: model.classify(batch), number=1, repeat=5))
print(f"type and blank checks {{checks * 1e3:.1f}} ms of {{whole * 1e3:.0f}} ms per 100,000 ({{checks / whole:.1%}})")
"""
)


def main() -> None:
    here = str(Path(__file__).resolve().parents[1])
    versions = {"after": here}
    if len(sys.argv) > 1:
        versions = {"before": sys.argv[1], "after": here}
    results: dict[str, list[float]] = {k: [] for k in versions}
    for _ in range(3):
        for name, src in versions.items():
            results[name].append(rate(src))
    for name, rates in results.items():
        print(
            f"{name:<7} {max(rates):>10,.0f} statements/s (best of 3 rounds: {', '.join(f'{r:,.0f}' for r in rates)})"
        )
    corpus = str(Path(__file__).resolve().parents[1] / "corpora")
    out = subprocess.run([sys.executable, "-c", CHECKS.format(src=here, corpus=corpus)], capture_output=True, text=True)
    print(out.stdout.strip() or out.stderr)


if __name__ == "__main__":
    main()
