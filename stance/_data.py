"""Reading labelled statements and bare statements from files and Python objects.

Every error names the source (file or ``<records>``), the line or row, and
what was wrong. Nothing is skipped silently.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from ._errors import DataError

SUFFIXES = (".jsonl", ".csv", ".parquet")
#: Rows per batch read from a Parquet file: memory stays flat whatever the size of its row groups.
PARQUET_BATCH = 4_096
TEXT_SUFFIXES = (".txt",) + SUFFIXES


def _suffix(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise DataError(
            f"unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(allowed)}", source=str(path)
        )
    if path.is_dir():
        raise DataError("is a directory; expected a file", source=str(path))
    if not path.is_file():
        raise DataError("no such file", source=str(path))
    return suffix


class ReadProgress:
    """How much of a file a reader has consumed: ``done`` of ``total`` bytes."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0


def _lines(path: Path, progress: ReadProgress | None) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a UTF-8 text file, newline kept; bad bytes name their line."""
    with open(path, "rb") as fh:
        yield from _decoded(fh, str(path), progress)


def _decoded(fh: BinaryIO, source: str, progress: ReadProgress | None) -> Iterator[tuple[int, str]]:
    for n, raw in enumerate(fh, 1):
        if progress is not None:
            progress.done += len(raw)
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte-order mark (spreadsheet exports): not part of the text
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", source=source, line=n) from None


def iter_rows(
    path: str | os.PathLike[str], progress: ReadProgress | None = None, columns: Sequence[str] | None = None
) -> Iterator[tuple[int, Any]]:
    """Yield ``(line or row number, row)`` from a .jsonl, .csv or .parquet file, streaming.

    JSONL and CSV numbers are 1-based file lines (a CSV row's first line); Parquet numbers are 1-based rows.
    ``progress``, if given, follows the bytes read (not for Parquet). With
    ``columns``, a Parquet file gives only those (the first required, the
    others if it has them), streamed in constant memory
    (:func:`_parquet_stream`); without, all its columns through ``datasets``.
    """
    p = Path(path)
    suffix = _suffix(p, SUFFIXES)
    if suffix == ".jsonl":
        for n, line in _lines(p, progress):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"malformed JSON: {exc.msg} (column {exc.colno})", source=str(p), line=n) from None
    elif suffix == ".csv":
        reader = csv.DictReader(line for _, line in _lines(p, progress))
        try:
            _ = reader.fieldnames  # reads the header
            end = reader.line_num
            for row in reader:
                start, end = end + 1, reader.line_num  # a quoted field may span lines: name the first
                if None in row:
                    raise DataError("more fields than the header has", source=str(p), line=start)
                yield start, row
        except csv.Error as exc:
            raise DataError(f"malformed CSV: {exc}", source=str(p), line=reader.line_num) from None
    elif columns is not None:
        yield from _parquet_stream(p, columns)
    else:
        from datasets import load_dataset

        _parquet_footer(p)
        stream = load_dataset("parquet", data_files=str(p), split="train", streaming=True)
        for n, row in enumerate(stream, 1):
            yield n, row


@contextlib.contextmanager
def _parquet_errors(p: Path) -> Iterator[None]:
    """Turn pyarrow's errors while reading Parquet file ``p`` into a ``DataError`` naming it."""
    import pyarrow as pa  # installed with datasets

    try:
        yield
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"not a readable Parquet file: {exc}", source=str(p)) from None


def _parquet_footer(p: Path) -> None:
    """Read the footer of Parquet file ``p``: ``DataError`` naming it if that fails."""
    import pyarrow.parquet as pq

    with _parquet_errors(p):
        pq.read_metadata(p)


def _parquet_stream(p: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of ``columns`` from a Parquet file, ``PARQUET_BATCH`` at a time.

    The first of ``columns`` must be in the file; the others are read if it has them.

    Read with pyarrow, the engine under ``datasets``, page by page: the
    ``datasets`` Parquet reader decodes a whole row group at once, and one
    row group can hold a whole file, so memory would grow with the file.
    """
    import pyarrow.parquet as pq  # installed with datasets

    with _parquet_errors(p):
        reader = pq.ParquetFile(p, buffer_size=1 << 20, pre_buffer=False)
        names = reader.schema_arrow.names
        if columns[0] not in names:
            raise DataError(f"no column {columns[0]!r}; columns are {names}", source=str(p))
        wanted = [c for c in columns if c in names]
        n = 0
        for batch in reader.iter_batches(batch_size=PARQUET_BATCH, columns=wanted):
            for row in batch.to_pylist():
                n += 1
                yield n, row


def _field(row: Any, name: str, source: str, line: int) -> str:
    if not isinstance(row, Mapping):
        raise DataError(f"expected an object with {name!r}, found {type(row).__name__}", source=source, line=line)
    if name not in row or row[name] is None:
        raise DataError(f"missing field {name!r}", source=source, line=line)
    value = row[name]
    if not isinstance(value, str):
        raise DataError(
            f"field {name!r} must be a string, found {type(value).__name__} {value!r:.40}", source=source, line=line
        )
    if not value.strip():
        raise DataError(f"field {name!r} is empty", source=source, line=line)
    return value


def read_labelled(data: Any, labels: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels from a path, a list of ``{"text", "label"}`` dicts or a ``datasets.Dataset``.

    ``labels``, if given, are the only labels allowed: another names its row.

    Raises
    ------
    DataError
        For a missing, empty or non-string ``text`` or ``label`` (naming the
        file and line, or the record index), or for no rows at all.
    TypeError
        For an argument that is none of the accepted kinds.
    """
    texts: list[str] = []
    allowed = None if labels is None else frozenset(labels)
    labels = []
    if isinstance(data, (str, os.PathLike)):
        source = str(data)
        rows: Any = iter_rows(data)
    elif _is_dataset(data):
        source = "<dataset>"
        rows = _dataset_rows(data)
    elif isinstance(data, (list, tuple)):
        source = "<records>"
        rows = enumerate(data)
    else:
        raise TypeError(
            "data must be a path (.jsonl, .csv, .parquet), a list of {'text', 'label'} dicts "
            f"or a datasets.Dataset; found {type(data).__name__}"
        )
    for where, row in rows:
        texts.append(_field(row, "text", source, where))
        labels.append(_field(row, "label", source, where))
        if allowed is not None and labels[-1] not in allowed:
            raise DataError(
                f"unknown label {labels[-1]!r}; expected one of {', '.join(sorted(allowed))}", source=source, line=where
            )
    if not texts:
        raise DataError("no statements found", source=source)
    return texts, labels


def read_labelled_with(data: Any, column: str) -> tuple[list[str], list[str], list[str] | None]:
    """As :func:`read_labelled`, plus an optional ``column`` (for example ``"group"``).

    Returns
    -------
    texts, labels : list of str
    values : list of str or None
        The column's values, as strings (JSON numbers are accepted), or None
        when no row has the column.

    Raises
    ------
    DataError
        As :func:`read_labelled`; also when some rows have the column and
        others do not (naming the first row without it), or a value is not a
        string or an integer.
    """
    texts, labels = read_labelled(data)  # checks text and label, naming the file and line
    if _is_dataset(data):
        values = [str(v) for v in data[column]] if column in data.column_names else None
        return texts, labels, values
    source, rows = ("<records>", enumerate(data)) if isinstance(data, (list, tuple)) else (str(data), iter_rows(data))
    found = [(where, row.get(column)) for where, row in rows]
    if all(value is None for _, value in found):
        return texts, labels, None
    values = []
    for where, value in found:
        if value is None:
            raise DataError(f"missing field {column!r} (other rows have it)", source=source, line=where)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            message = f"field {column!r} must be a string or an integer, found {type(value).__name__}"
            raise DataError(message, source=source, line=where)
        values.append(str(value))
    return texts, labels, values


def read_training(data: Any, labels: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels to train on: :func:`read_labelled`, plus the checks that training needs.

    Without ``labels``, data that uses at least two of the stance labels must
    use only them (another label is most likely a typo, which would otherwise
    become a class of its own). At least two labels must occur.
    """
    from ._labels import LABELS

    texts, found = read_labelled(data, labels)
    source = str(data) if isinstance(data, (str, os.PathLike)) else "<records>"
    if labels is None and len(set(found) & set(LABELS)) >= 2 and not set(found) <= set(LABELS):
        texts, found = read_labelled(data, LABELS)  # names the first row with another label
    if len(set(found)) < 2:
        raise DataError(f"only one label ({found[0]!r}) in the data; training needs at least two labels", source=source)
    return texts, found


def _is_dataset(data: Any) -> bool:
    return type(data).__name__ == "Dataset" and hasattr(data, "features") and hasattr(data, "column_names")


def _dataset_rows(dataset: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for name in ("text", "label"):
        if name not in dataset.column_names:
            raise DataError(f"missing column {name!r}; columns are {dataset.column_names}", source="<dataset>")
    feature = dataset.features["label"]
    names = getattr(feature, "names", None)  # a ClassLabel column holds ints
    for i, row in enumerate(dataset.select_columns(["text", "label"])):
        if names is not None and isinstance(row["label"], int):
            row = {"text": row["text"], "label": names[row["label"]]}
        yield i, row


def iter_texts(
    path: str | os.PathLike[str], column: str = "text", progress: ReadProgress | None = None
) -> Iterator[str]:
    """Stream the statements of a file.

    A .txt file, or ``"-"`` for standard input, gives one statement per line,
    every line kept (an empty line is an empty statement, so output lines match
    input lines); .jsonl, .csv and .parquet files give their ``column``.
    """
    if str(path) == "-":
        lines = _decoded(sys.stdin.buffer, "<stdin>", progress)
    else:
        p = Path(path)
        lines = _lines(p, progress) if _suffix(p, TEXT_SUFFIXES) == ".txt" else None
    if lines is not None:
        for _, line in lines:
            yield line.rstrip("\r\n")
        return
    for n, row in iter_rows(p, progress, columns=[column]):
        if not isinstance(row, Mapping) or not isinstance(row.get(column), str):
            found = "missing" if not isinstance(row, Mapping) or row.get(column) is None else type(row[column]).__name__
            raise DataError(f"field {column!r} must be a string, found {found}", source=str(p), line=n)
        yield row[column]


def iter_keyed_texts(
    path: str | os.PathLike[str],
    column: str = "text",
    progress: ReadProgress | None = None,
    *,
    blank_ok: bool = True,
) -> Iterator[tuple[int, Any, str]]:
    """Stream ``(line, id, statement)`` from a file, as :func:`iter_texts` does the statements.

    ``line`` is the statement's 1-based line in the file (a CSV row's first
    line; the row number for Parquet); ``id`` is the
    row's ``id`` field, or ``None`` if it has none (always for .txt).

    Raises
    ------
    DataError
        Naming the file and line: a CSV header without ``column``, a row
        without a string ``column``, a blank statement unless ``blank_ok``,
        or no statement at all.
    """
    source = "<stdin>" if str(path) == "-" else str(path)
    n_rows = 0
    if source == "<stdin>" or Path(path).suffix.lower() == ".txt":
        rows: Iterator[tuple[int, Any, str]] = (
            (n, None, line.rstrip("\r\n"))
            for n, line in (
                _decoded(sys.stdin.buffer, source, progress) if source == "<stdin>" else _lines(Path(path), progress)
            )
        )
    else:
        rows = _keyed_rows(Path(path), column, progress)
    for n, key, text in rows:
        if not blank_ok and (not text or text.isspace()):
            raise DataError(
                "empty or whitespace-only statement; expected text (--on-error skip or neutral handles blank rows)",
                source=source,
                line=n,
            )
        n_rows += 1
        yield n, key, text
    if not n_rows:
        raise DataError("no statements found", source=source)


def _keyed_rows(p: Path, column: str, progress: ReadProgress | None) -> Iterator[tuple[int, Any, str]]:
    first = True
    for n, row in iter_rows(p, progress, columns=[column, "id"]):
        if first and p.suffix.lower() == ".csv" and isinstance(row, Mapping) and column not in row:
            raise DataError(f"no column {column!r} in the header; columns are {list(row)}", source=str(p), line=1)
        if not isinstance(row, Mapping) or not isinstance(row.get(column), str):
            found = "missing" if not isinstance(row, Mapping) or row.get(column) is None else type(row[column]).__name__
            raise DataError(f"field {column!r} must be a string, found {found}", source=str(p), line=n)
        first = False
        yield n, row.get("id"), row[column]
