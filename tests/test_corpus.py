"""The corpus rules of the data card, checked on the real corpus files."""

from __future__ import annotations

import json
import shutil
import statistics
from collections import Counter
from pathlib import Path

import pytest

import stance
from stance._corpus import FIELDS, corpus_dir, read_corpus
from stance._corpus_stats import (
    country_majority_accuracy,
    label_only_words,
    near_duplicates,
    tables,
    word_count,
)

CARD = Path(__file__).resolve().parents[1] / "corpora" / "README.md"
SEED_FILES = {
    "000_7449d0669434d535.txt",
    "001_c7be4fddaa70b514.txt",
    "002_2b344a864aa0b275.txt",
    "003_315c1c6763b45976.txt",
    "004_a5e86d79eac43df6.txt",
}


def test_size_and_labels(corpus_rows):
    counts = Counter(r["label"] for r in corpus_rows)
    assert len(corpus_rows) >= 1500
    assert set(counts) == set(stance.LABELS)
    assert min(counts.values()) >= 400


def test_breadth(corpus_rows):
    assert len({r["regime"] for r in corpus_rows}) >= 10
    assert len({r["speaker"] for r in corpus_rows}) >= 60
    assert all(6 <= word_count(r["text"]) <= 60 for r in corpus_rows)
    assert sum(r["hard"] for r in corpus_rows) / len(corpus_rows) >= 0.20
    reported = [
        r for r in corpus_rows if any(w in r["text"] for w in (" said", " told ", "according to", "According to"))
    ]
    assert len(reported) / len(corpus_rows) >= 0.2  # reported speech, not only bare quotes


def test_every_source_is_a_seed_or_written(corpus_rows):
    sources = Counter(r["source"] for r in corpus_rows)
    seeds = {s.removeprefix("seed:") for s in sources if s.startswith("seed:")}
    assert seeds == SEED_FILES  # every seed article is quoted
    assert set(sources) - {f"seed:{s}" for s in SEED_FILES} == {"written"}


def test_median_lengths_are_balanced(corpus_rows):
    medians = [
        statistics.median(word_count(r["text"]) for r in corpus_rows if r["label"] == label) for label in stance.LABELS
    ]
    assert max(medians) <= 1.2 * min(medians)


def test_no_near_duplicates(corpus_rows):
    pairs = near_duplicates([r["text"] for r in corpus_rows], threshold=0.5)
    assert [(corpus_rows[i]["id"], corpus_rows[j]["id"], round(s, 2)) for i, j, s in pairs] == []


def test_near_duplicate_check_finds_a_near_copy():
    texts = [
        "We will never accept these unilateral sanctions on our banks and our farmers.",
        "We will never accept these unilateral sanctions on our banks and our workers.",
        "Officials met on Monday to review the schedule of the talks.",
    ]
    assert [(i, j) for i, j, _ in near_duplicates(texts, 0.5)] == [(0, 1)]


def test_side_does_not_give_the_label(corpus_rows):
    by_country = {}
    for r in corpus_rows:
        by_country.setdefault(r["country"], Counter())[r["label"]] += 1
    big = {c: n for c, n in by_country.items() if sum(n.values()) >= 20}
    for country, counts in big.items():
        assert counts["neutral"] >= 0.1 * sum(counts.values()), country  # every side says neutral things
    for label in ("pressuring", "resisting"):
        assert sum(1 for n in big.values() if n[label] >= 5) >= 5, label  # and several sides take each stance
    assert country_majority_accuracy(corpus_rows) < 0.6


def test_no_stock_words_of_one_label(corpus_rows):
    """No word in 10 or more statements belongs to one label only, except those the data card lists."""
    allowed = set(CARD.read_text().split("<!-- one-label words -->")[1].split("<!-- end -->")[0].split())
    found = {w for words in label_only_words(corpus_rows, 10).values() for w, _ in words}
    assert found <= allowed, sorted(found - allowed)


def test_split_is_80_20_stratified_and_deterministic(corpus_rows):
    again = read_corpus()
    assert [(r["id"], r["split"]) for r in again] == [(r["id"], r["split"]) for r in corpus_rows]
    test_share = sum(r["split"] == "test" for r in corpus_rows) / len(corpus_rows)
    assert 0.18 <= test_share <= 0.22
    strata = Counter((r["label"], r["regime"]) for r in corpus_rows)
    tests = Counter((r["label"], r["regime"]) for r in corpus_rows if r["split"] == "test")
    for stratum, n in strata.items():
        assert tests[stratum] == round(0.2 * n), stratum


def test_split_does_not_depend_on_file_order(tmp_path):
    for path in corpus_dir().glob("*.jsonl"):
        lines = path.read_text().splitlines(keepends=True)
        (tmp_path / path.name).write_text("".join(reversed(lines)))
    shuffled = {r["id"]: r["split"] for r in read_corpus(tmp_path)}
    assert shuffled == {r["id"]: r["split"] for r in read_corpus()}


def test_load_corpus_gives_a_datasetdict(corpus_rows):
    corpus = stance.load_corpus()
    assert set(corpus) == {"train", "test"}
    assert corpus["train"].features["label"].names == list(stance.LABELS)
    for split in ("train", "test"):
        expected = [r for r in corpus_rows if r["split"] == split]
        assert corpus[split]["id"] == [r["id"] for r in expected]
        assert corpus[split]["label"] == [stance.LABELS.index(r["label"]) for r in expected]


def test_data_card_tables_match_the_data(corpus_rows):
    card = CARD.read_text()
    assert tables(corpus_rows) in card


@pytest.fixture
def broken(tmp_path):
    """A copy of the corpus and a function that replaces line ``n`` of written.jsonl."""
    for path in corpus_dir().glob("*.jsonl"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "written.jsonl"

    def replace(n: int, new: str) -> Path:
        lines = target.read_text().splitlines()
        lines[n - 1] = new
        target.write_text("\n".join(lines) + "\n")
        return tmp_path

    return replace, json.loads((tmp_path / "written.jsonl").read_text().splitlines()[0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda row: '{"id": "x", "text": ', "malformed JSON"),
        (
            lambda row: json.dumps({k: v for k, v in row.items() if k != "regime"} | {"id": "new-1"}),
            "missing field 'regime'",
        ),
        (lambda row: json.dumps(row | {"id": "new-2", "speaker": "  "}), "field 'speaker' is empty"),
        (lambda row: json.dumps(row | {"id": "new-3", "label": "supportive"}), "unknown label 'supportive'"),
        (lambda row: json.dumps(row | {"text": "An entirely new statement about sanctions."}), "duplicate id"),
        (lambda row: json.dumps(row | {"id": "new-4", "text": row["text"].upper()}), "duplicate text"),
        (lambda row: json.dumps(row | {"id": "new-5", "hard": "yes"}), "field 'hard' must be true or false"),
        (lambda row: json.dumps(row | {"id": "new-6", "source": "web"}), "field 'source' must be"),
    ],
)
def test_validation_names_file_and_line(broken, change, message):
    replace, first = broken
    directory = replace(3, change(first))
    with pytest.raises(stance.StanceError, match=rf"written\.jsonl, line 3: .*{message}"):
        read_corpus(directory)


def test_rows_have_the_documented_fields(corpus_rows):
    for r in corpus_rows:
        assert set(FIELDS) <= set(r)
