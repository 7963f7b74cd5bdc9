"""Reading labelled data: every error names the source, the line and what was wrong."""

from __future__ import annotations

import pytest

import stance
from stance._data import iter_texts, read_labelled


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "fine text", "label": "a"}\n{"text": "broken", \n', r"d\.jsonl, line 2: malformed JSON"),
        ('{"text": "fine text", "label": "a"}\n{"label": "a"}\n', r"line 2: missing field 'text'"),
        ('{"text": "fine text", "label": ""}\n', r"line 1: field 'label' is empty"),
        ('{"text": 5, "label": "a"}\n', r"line 1: field 'text' must be a string, found int"),
        ('["text", "label"]\n', r"line 1: expected an object"),
        ("\n\n", r"no statements found"),
    ],
)
def test_jsonl_errors(tmp_path, content, message):
    path = tmp_path / "d.jsonl"
    path.write_text(content)
    with pytest.raises(stance.StanceError, match=message):
        read_labelled(path)


def test_csv_errors_name_the_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('text,label\n"first, with comma",a\n"second\nspans lines",b\nthird,\n')
    with pytest.raises(stance.StanceError, match=r"d\.csv, line 5: field 'label' is empty"):
        read_labelled(path)


def test_csv_missing_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,stance\nhello there,a\n")
    with pytest.raises(stance.StanceError, match=r"line 2: missing field 'label'"):
        read_labelled(path)


def test_records_errors_name_the_index():
    with pytest.raises(stance.StanceError, match=r"<records>, line 1: missing field 'label'"):
        read_labelled([{"text": "ok", "label": "a"}, {"text": "no label"}])


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "d.xlsx"
    path.write_text("x")
    with pytest.raises(stance.StanceError, match="unsupported file type '.xlsx'"):
        read_labelled(path)


def test_txt_input_keeps_every_line(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("first\n\nthird\r\n")
    assert list(iter_texts(path)) == ["first", "", "third"]


def test_jsonl_input_needs_the_column(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"quote": "a"}\n')
    with pytest.raises(stance.StanceError, match=r"in\.jsonl, line 1: field 'text' must be a string, found missing"):
        list(iter_texts(path))
    assert list(iter_texts(path, column="quote")) == ["a"]


def test_classify_rejects_non_strings(model):
    with pytest.raises(TypeError, match="statement 2 must be a string, found int"):
        model.classify(["a", "b", 3])
    with pytest.raises(TypeError, match="found NoneType"):
        model.classify(None)


def test_parquet_input_streams_a_big_row_group_in_batches(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stance import _data

    n = 25
    texts = [f"statement {i}" for i in range(n)]
    path = tmp_path / "in.parquet"
    # one row group; the ids are not 1..n, and a third column must not be read
    pq.write_table(pa.table({"notes": [b"\x00"] * n, "id": [f"q{i}" for i in range(n)], "text": texts}), path)
    read = []
    original = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):
        for batch in original(self, *args, **kwargs):
            read.append(batch.schema.names)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(_data, "PARQUET_BATCH", 4)
    assert list(_data.iter_keyed_texts(path)) == [(i + 1, f"q{i}", t) for i, t in enumerate(texts)]
    assert read == [["text", "id"]] * 7  # 25 rows in batches of 4, never the notes column
    assert list(_data.iter_texts(path)) == texts
