"""The shipped corpus: validated reading, the fixed train/test split, ``load_corpus``.

The corpus is every ``*.jsonl`` file of the corpus directory (``corpora/`` in
the repository, installed as ``stance/corpora``). Each line is one statement
with the fields of ``FIELDS``. The split is a property of the statement: within
each (label, regime) stratum, statements are ordered by the SHA-256 of their
``id`` and the first ``round(20%)`` go to the test split. Adding statements
never moves an old one across the split unless its stratum's quota changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from ._data import DataError
from ._labels import LABELS

FIELDS = ("id", "text", "label", "speaker", "country", "regime", "source", "hard")
OPTIONAL_FIELDS = ("hard_kind",)
TEST_SHARE = 0.2
_SOURCE = re.compile(r"written|seed:[\w.-]+\.txt")


def corpus_dir() -> Path:
    """The directory of the shipped corpus: ``stance/corpora`` when installed, else the repository's ``corpora/``."""
    installed = Path(__file__).parent / "corpora"
    return installed if installed.is_dir() else Path(__file__).parents[1] / "corpora"


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _check_row(row: Any, source: str, line: int) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise DataError(f"expected a JSON object, found {type(row).__name__}", source=source, line=line)
    for name in FIELDS:
        if name not in row or row[name] is None:
            raise DataError(f"missing field {name!r}", source=source, line=line)
        value = row[name]
        if name == "hard":
            if not isinstance(value, bool):
                raise DataError(f"field 'hard' must be true or false, found {value!r}", source=source, line=line)
        elif not isinstance(value, str):
            raise DataError(f"field {name!r} must be a string, found {type(value).__name__}", source=source, line=line)
        elif not value.strip():
            raise DataError(f"field {name!r} is empty", source=source, line=line)
    unknown = set(row) - set(FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        raise DataError(f"unknown fields {sorted(unknown)}", source=source, line=line)
    if row["label"] not in LABELS:
        raise DataError(
            f"unknown label {row['label']!r}; expected one of {', '.join(LABELS)}", source=source, line=line
        )
    if not _SOURCE.fullmatch(row["source"]):
        raise DataError(
            f"field 'source' must be 'written' or 'seed:<file>.txt', found {row['source']!r}", source=source, line=line
        )
    return row


def read_corpus(directory: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Every statement of the corpus, validated, each with its ``split`` ("train" or "test").

    Raises
    ------
    DataError
        (a ``StanceError``) naming the file and line of malformed JSON, a
        missing or empty field, an unknown label, a duplicate id or a
        duplicate text.
    """
    root = Path(directory) if directory is not None else corpus_dir()
    files = sorted(root.glob("*.jsonl"))
    if not files:
        raise DataError("no .jsonl files in the corpus directory", source=str(root))
    rows: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in files:
        with open(path, encoding="utf-8") as fh:
            for line, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise DataError(
                        f"malformed JSON: {exc.msg} (column {exc.colno})", source=str(path), line=line
                    ) from None
                row = _check_row(row, str(path), line)
                where = f"{path.name}, line {line}"
                if row["id"] in ids:
                    raise DataError(
                        f"duplicate id {row['id']!r} (first at {ids[row['id']]})", source=str(path), line=line
                    )
                key = _normal(row["text"])
                if key in texts:
                    raise DataError(f"duplicate text (first at {texts[key]})", source=str(path), line=line)
                ids[row["id"]] = texts[key] = where
                rows.append(row)
    _assign_split(rows)
    return rows


def _assign_split(rows: list[dict[str, Any]]) -> None:
    strata: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        strata[(row["label"], row["regime"])].append(row)
    for members in strata.values():
        members.sort(key=lambda r: hashlib.sha256(r["id"].encode("utf-8")).hexdigest())
        n_test = round(len(members) * TEST_SHARE)
        for i, row in enumerate(members):
            row["split"] = "test" if i < n_test else "train"


def load_corpus(directory: str | os.PathLike[str] | None = None):
    """The corpus as a ``datasets.DatasetDict`` with "train" and "test" splits.

    Columns: ``id``, ``text``, ``label`` (a ``ClassLabel`` over ``LABELS``),
    ``speaker``, ``country``, ``regime``, ``source``, ``hard``, ``hard_kind``.
    Rows keep the corpus files' order.
    """
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

    rows = read_corpus(directory)
    features = Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "label": ClassLabel(names=list(LABELS)),
            "speaker": Value("string"),
            "country": Value("string"),
            "regime": Value("string"),
            "source": Value("string"),
            "hard": Value("bool"),
            "hard_kind": Value("string"),
        }
    )
    splits = {}
    for split in ("train", "test"):
        part = [r for r in rows if r["split"] == split]
        columns = {name: [r.get(name, "") if name == "hard_kind" else r[name] for r in part] for name in features}
        columns["label"] = [LABELS.index(label) for label in columns["label"]]
        splits[split] = Dataset.from_dict(columns, features=features)
    return DatasetDict(splits)
