"""The model directory: round trip, atomic replacement, and refusals that name the file."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import stance
from stance._errors import ModelFormatError
from stance._format import FORMAT_VERSION


@pytest.fixture
def saved(tmp_path, small_model):
    path = tmp_path / "m"
    small_model.save(path)
    return path


def test_round_trip_gives_identical_scores(saved, small_model, corpus_rows):
    loaded = stance.load_model(saved)
    texts = [r["text"] for r in corpus_rows[:200]]
    assert loaded.labels == small_model.labels
    np.testing.assert_array_equal(loaded.predict_proba(texts), small_model.predict_proba(texts))
    assert loaded.metadata == small_model.metadata


def test_saved_files_are_json_and_plain_arrays(saved):
    assert sorted(p.name for p in saved.iterdir()) == sorted(
        ["model.json", "vocabulary.json", "idf.npy", "coef.npy", "intercept.npy"]
    )
    header = json.loads((saved / "model.json").read_text())
    assert header["format_version"] == FORMAT_VERSION == 2
    assert header["labels"] == list(stance.LABELS)
    for name in ("idf", "coef", "intercept"):
        assert np.load(saved / f"{name}.npy", allow_pickle=False).dtype == np.float64


def test_save_replaces_an_older_model_and_leaves_no_temporary_files(tmp_path, small_model):
    path = tmp_path / "m"
    small_model.save(path)
    small_model.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m"]
    assert stance.load_model(path).labels == small_model.labels


def test_save_refuses_to_overwrite_a_directory_that_is_not_a_model(tmp_path, small_model):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not a stance model"):
        small_model.save(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_failed_save_keeps_the_old_model(tmp_path, small_model, monkeypatch):
    path = tmp_path / "m"
    small_model.save(path)
    before = {p.name: p.read_bytes() for p in path.iterdir()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        small_model.save(path)
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def _edit_header(path, **changes):
    header = json.loads((path / "model.json").read_text())
    header.update(changes)
    (path / "model.json").write_text(json.dumps(header))


def test_unknown_format_version_is_refused(saved):
    _edit_header(saved, format_version=3)
    with pytest.raises(stance.StanceError, match=r"model\.json.*format version 3"):
        stance.load_model(saved)


def test_wrong_array_shape_is_refused(saved):
    coef = np.load(saved / "coef.npy")
    np.save(saved / "coef.npy", coef[:, :-1])
    with pytest.raises(ModelFormatError, match=r"coef\.npy: expected shape"):
        stance.load_model(saved)


def test_pickled_object_array_is_refused(saved):
    np.save(saved / "idf.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(stance.StanceError, match=r"idf\.npy"):
        stance.load_model(saved)


def test_missing_file_is_named(saved):
    (saved / "vocabulary.json").unlink()
    with pytest.raises(stance.StanceError, match=r"vocabulary\.json: missing"):
        stance.load_model(saved)


def test_malformed_json_is_named(saved):
    (saved / "model.json").write_text("{not json")
    with pytest.raises(stance.StanceError, match=r"model\.json: not valid JSON"):
        stance.load_model(saved)


def test_bad_settings_are_refused(saved):
    header = json.loads((saved / "model.json").read_text())
    header["features"][0]["ngram_range"] = [2, 1]
    (saved / "model.json").write_text(json.dumps(header))
    with pytest.raises(ModelFormatError, match="ngram_range"):
        stance.load_model(saved)


def test_format_version_1_is_still_read(saved, small_model):
    header = json.loads((saved / "model.json").read_text())
    (block,) = header.pop("features")
    del block["analyzer"], block["n_features"]
    header.update(format_version=1, vectorizer=block)
    (saved / "model.json").write_text(json.dumps(header))
    texts = ["Sanctions must bite.", "We reject unilateral sanctions."]
    np.testing.assert_array_equal(stance.load_model(saved).predict_proba(texts), small_model.predict_proba(texts))


def test_block_sizes_must_cover_the_vocabulary(saved):
    header = json.loads((saved / "model.json").read_text())
    header["features"][0]["n_features"] -= 1
    (saved / "model.json").write_text(json.dumps(header))
    with pytest.raises(ModelFormatError, match=r"vocabulary\.json and model\.json: \d+ terms, but the blocks'"):
        stance.load_model(saved)


def test_not_a_directory(tmp_path):
    with pytest.raises(stance.StanceError, match="not a directory"):
        stance.load_model(tmp_path / "nothing")


def test_nan_in_arrays_is_refused(saved):
    idf = np.load(saved / "idf.npy")
    idf[0] = np.nan
    np.save(saved / "idf.npy", idf)
    with pytest.raises(stance.StanceError, match="NaN"):
        stance.load_model(saved)


def test_error_is_also_a_value_error(saved):
    shutil.rmtree(saved)
    saved.mkdir()
    with pytest.raises(ValueError):
        stance.load_model(saved)


def test_model_constructor_checks_shapes(small_model):
    with pytest.raises(ValueError, match=r"coef must have shape"):
        stance.StanceModel(
            labels=small_model.labels,
            settings=small_model.settings,
            vocabulary=small_model.vocabulary,
            idf=small_model.idf,
            coef=small_model.coef[:2],
            intercept=small_model.intercept,
        )
