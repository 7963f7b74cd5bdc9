"""Figures about the corpus: the tables of the data card, and the checks behind its rules."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from ._labels import LABELS

_WORD = re.compile(r"(?u)\b\w\w+\b")


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


def trigrams(text: str) -> set[tuple[str, ...]]:
    """Lower-cased word trigrams of ``text``."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def near_duplicates(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, jaccard)`` whose word-trigram Jaccard similarity is at least ``threshold``.

    Only pairs that share a trigram are compared (an inverted index), so this
    stays fast on thousands of statements.
    """
    grams = [trigrams(t) for t in texts]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        for gram in g:
            index[gram].append(i)
    candidates = {pair for rows in index.values() for pair in combinations(rows, 2)}
    found = []
    for i, j in sorted(candidates):
        jaccard = len(grams[i] & grams[j]) / len(grams[i] | grams[j])
        if jaccard >= threshold:
            found.append((i, j, jaccard))
    return found


def label_only_words(rows: list[dict[str, Any]], min_count: int) -> dict[str, list[tuple[str, int]]]:
    """Words in at least ``min_count`` statements, all of one label: ``{label: [(word, count)]}``."""
    by_label = {label: Counter() for label in LABELS}
    for row in rows:
        by_label[row["label"]].update(set(_WORD.findall(row["text"].lower())))
    out: dict[str, list[tuple[str, int]]] = {}
    for label, counts in by_label.items():
        only = [
            (w, c)
            for w, c in counts.items()
            if c >= min_count and all(by_label[other][w] == 0 for other in LABELS if other != label)
        ]
        out[label] = sorted(only, key=lambda wc: (-wc[1], wc[0]))
    return out


def country_majority_accuracy(rows: list[dict[str, Any]]) -> float:
    """Accuracy on the test split of guessing each statement's label from its speaker's country alone."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        if row["split"] == "train":
            seen[row["country"]][row["label"]] += 1
    test = [r for r in rows if r["split"] == "test"]
    overall = Counter(r["label"] for r in rows if r["split"] == "train").most_common(1)[0][0]
    hits = sum((seen[r["country"]].most_common(1)[0][0] if seen[r["country"]] else overall) == r["label"] for r in test)
    return hits / len(test)


def tables(rows: list[dict[str, Any]]) -> str:
    """The data card's count tables, in Markdown."""
    out = ["| label | train | test | total | hard | median words |", "|---|---:|---:|---:|---:|---:|"]
    for label in LABELS:
        mine = [r for r in rows if r["label"] == label]
        split = Counter(r["split"] for r in mine)
        median = statistics.median(word_count(r["text"]) for r in mine)
        hard = sum(r["hard"] for r in mine)
        out.append(f"| {label} | {split['train']} | {split['test']} | {len(mine)} | {hard} | {median:g} |")
    split = Counter(r["split"] for r in rows)
    out.append(
        f"| **all** | {split['train']} | {split['test']} | {len(rows)} | {sum(r['hard'] for r in rows)} | "
        f"{statistics.median(word_count(r['text']) for r in rows):g} |"
    )
    for field, title in (("regime", "regime"), ("country", "country (speaker's side)"), ("source", "source")):
        counts: dict[str, Counter] = defaultdict(Counter)
        for r in rows:
            counts[r[field]][r["label"]] += 1
        out += ["", f"| {title} | pressuring | resisting | neutral | total |", "|---|---:|---:|---:|---:|"]
        for key, c in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
            out.append(f"| {key} | {c['pressuring']} | {c['resisting']} | {c['neutral']} | {sum(c.values())} |")
    kinds = Counter(r.get("hard_kind") or "(none)" for r in rows if r["hard"])
    out += ["", "| hard case kind | statements |", "|---|---:|"]
    out += [f"| {k} | {n} |" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(out)
