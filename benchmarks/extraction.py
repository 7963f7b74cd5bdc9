"""Statement extraction on the five seed articles, against the statements listed by hand in the tests.

    python benchmarks/extraction.py             # the seed articles in tests/data/seeds

For each article: the attributed full-sentence quotes listed in ``tests/test_extract.py`` and how
many ``stance.extract_statements`` finds with the right speaker; what it returns, and how much of
that is page furniture or a fragment of under five words; the direct quotes it returns that are
listed (full or partial) with the right speaker; the reported statements listed and found.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    spec = importlib.util.spec_from_file_location("test_extract", ROOT / "tests" / "test_extract.py")
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    scores = tables.seed_scores()
    columns = [
        ("quotes", "quotes listed"),
        ("found", "found, right speaker"),
        ("returned", "returned"),
        ("furniture_or_fragment", "furniture/fragment"),
        ("direct", "direct returned"),
        ("direct_listed_with_speaker", "of them listed, right speaker"),
        ("reported", "reported listed"),
        ("reported_found", "found, right speaker"),
    ]
    print(f"{'article':<26}" + "".join(f"{title:>{len(title) + 2}}" for _, title in columns))
    totals = dict.fromkeys((key for key, _ in columns), 0)
    for name, s in scores.items():
        print(f"{name:<26}" + "".join(f"{s[key]:>{len(title) + 2}}" for key, title in columns))
        for key in totals:
            totals[key] += s[key]
    print(f"{'all five':<26}" + "".join(f"{totals[key]:>{len(title) + 2}}" for key, title in columns))
    print(
        f"\nquote recall with the right speaker {totals['found'] / totals['quotes']:.0%}; "
        f"furniture or fragments {totals['furniture_or_fragment'] / totals['returned']:.0%} of what is returned; "
        f"reported-speech recall {totals['reported_found'] / totals['reported']:.0%}"
    )


if __name__ == "__main__":
    main()
