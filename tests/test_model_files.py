"""Corrupt and hostile model directories: each is refused with a StanceError naming what is wrong."""

from __future__ import annotations

import json
import os
import pickle
import shutil

import numpy as np
import pytest

import stance
from stance._errors import ModelFormatError

TINY = [
    {"text": "we oppose these illegal sanctions", "label": "resisting"},
    {"text": "lift the unilateral measures now", "label": "resisting"},
    {"text": "sanctions must be tightened further", "label": "pressuring"},
    {"text": "there will be consequences for evasion", "label": "pressuring"},
    {"text": "the talks resume on monday", "label": "neutral"},
    {"text": "the ministry declined to comment", "label": "neutral"},
]


@pytest.fixture(scope="module")
def tiny_model():
    return stance.train(TINY)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, tiny_model):
    path = tmp_path_factory.mktemp("pristine") / "m"
    tiny_model.save(path)
    return path


@pytest.fixture
def saved(tmp_path, pristine):
    path = tmp_path / "m"
    shutil.copytree(pristine, path)  # faster than saving (no fsync) for each of the many cases
    return path


class Explode:
    """Unpickling this creates the file named by ``MARKER`` (set by the test)."""

    marker = ""

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _header(path, **changes):
    header = json.loads((path / "model.json").read_text())
    for key, value in changes.items():
        if value is _DROP:
            header.pop(key)
        else:
            header[key] = value
    (path / "model.json").write_text(json.dumps(header))


_DROP = object()


def _save_array(path, name, arr, **kwargs):
    with open(path / f"{name}.npy", "wb") as fh:
        np.save(fh, arr, **kwargs)


def _truncate(path, name, keep):
    data = (path / name).read_bytes()
    (path / name).write_bytes(data[: keep if keep >= 0 else len(data) + keep])


def _vocab(path, change):
    vocab = json.loads((path / "vocabulary.json").read_text())
    (path / "vocabulary.json").write_text(json.dumps(change(vocab)))


def _coef(path, change):
    _save_array(path, "coef", change(np.load(path / "coef.npy")))


# (case, corruption, regex the StanceError must match)
CORRUPTIONS = [
    ("missing model.json", lambda p: (p / "model.json").unlink(), r"model\.json: missing"),
    ("missing vocabulary", lambda p: (p / "vocabulary.json").unlink(), r"vocabulary\.json: missing"),
    ("missing coef", lambda p: (p / "coef.npy").unlink(), r"coef\.npy: missing"),
    ("missing idf", lambda p: (p / "idf.npy").unlink(), r"idf\.npy: missing"),
    ("truncated coef (data)", lambda p: _truncate(p, "coef.npy", -8), r"coef\.npy: truncated"),
    ("truncated coef (header)", lambda p: _truncate(p, "coef.npy", 20), r"coef\.npy: not a plain \.npy"),
    ("empty intercept file", lambda p: _truncate(p, "intercept.npy", 0), r"intercept\.npy: not a plain \.npy"),
    ("trailing bytes", lambda p: (p / "idf.npy").write_bytes((p / "idf.npy").read_bytes() + b"x"), r"trailing"),
    ("coef wrong shape", lambda p: _coef(p, lambda c: c[:, :-1]), r"coef\.npy: expected shape"),
    ("coef transposed", lambda p: _coef(p, lambda c: c.T.copy()), r"coef\.npy: expected shape"),
    ("coef float32", lambda p: _coef(p, lambda c: c.astype(np.float32)), r"coef\.npy: expected float64"),
    ("coef big-endian", lambda p: _coef(p, lambda c: c.astype(">f8")), r"coef\.npy: expected float64"),
    ("coef int64", lambda p: _coef(p, lambda c: c.astype(np.int64)), r"coef\.npy: expected float64"),
    ("NaN weight", lambda p: _coef(p, lambda c: np.where(c == c.max(), np.nan, c)), r"coef\.npy: contains NaN"),
    ("infinite weight", lambda p: _coef(p, lambda c: np.where(c == c.min(), -np.inf, c)), r"coef\.npy: contains NaN"),
    ("huge declared shape", lambda p: _fake_header(p, "(10**12,)"), r"idf\.npy: (truncated|not a plain)"),
    ("object array", lambda p: _save_array(p, "idf", np.array([1.0], dtype=object), allow_pickle=True), r"pickle"),
    ("pickle file as .npy", lambda p: (p / "coef.npy").write_bytes(pickle.dumps([1.0])), r"coef\.npy: not a plain"),
    ("wrong format version", lambda p: _header(p, format_version=0), r"format version 0 is not supported"),
    ("future format version", lambda p: _header(p, format_version=99), r"format version 99 is not supported"),
    ("format version missing", lambda p: _header(p, format_version=_DROP), r"format version None"),
    ("not a stance model", lambda p: _header(p, format="other"), r"not a stance model"),
    ("labels missing", lambda p: _header(p, labels=_DROP), r"'labels' must be a list"),
    ("labels duplicated", lambda p: _header(p, labels=["a", "a", "b"]), r"duplicates"),
    ("labels not strings", lambda p: _header(p, labels=[1, 2, 3]), r"'labels' must be a list"),
    ("more labels than rows", lambda p: _header(p, labels=["a", "b", "c", "d"]), r"expected shape"),
    ("settings missing", lambda p: _header(p, features=[{"ngram_range": [1, 2]}]), r"missing vectorizer settings"),
    ("features not a list", lambda p: _header(p, features={"analyzer": "word"}), r"'features' must be a non-empty"),
    ("no feature blocks", lambda p: _header(p, features=[]), r"'features' must be a non-empty"),
    ("unknown analyzer", lambda p: _block(p, analyzer="sentencepiece"), r"setting 'analyzer' must be one of"),
    ("block size not a count", lambda p: _block(p, n_features="many"), r"needs 'n_features', a count"),
    ("block sizes past the vocabulary", lambda p: _block(p, n_features=10**9), r"blocks' n_features add up to"),
    ("metadata not an object", lambda p: _header(p, metadata=[1]), r"'metadata' must be an object"),
    ("NaN in JSON", lambda p: (p / "model.json").write_text('{"format": NaN}'), r"model\.json: not valid JSON"),
    ("deeply nested JSON", lambda p: (p / "model.json").write_text("[" * 100_000), r"model\.json: not valid JSON"),
    ("JSON not UTF-8", lambda p: (p / "vocabulary.json").write_bytes(b'["\xff"]'), r"vocabulary\.json: not valid"),
    ("vocabulary points past weights", lambda p: _vocab(p, lambda v: [*v, "extra term"]), r"n_features add up"),
    ("vocabulary too short", lambda p: _vocab(p, lambda v: v[:-1]), r"blocks' n_features add up to"),
    ("vocabulary not strings", lambda p: _vocab(p, lambda v: [len(t) for t in v]), r"array of strings"),
    ("vocabulary duplicates", lambda p: _vocab(p, lambda v: [v[0], *v[:-1]]), r"not unique"),
    ("vocabulary an object", lambda p: _vocab(p, lambda v: {t: i for i, t in enumerate(v)}), r"array of strings"),
    ("model.json a directory", lambda p: ((p / "model.json").unlink(), (p / "model.json").mkdir()), r"directory"),
    ("symlink out of the directory", lambda p: _replace(p, "vocabulary.json", os.symlink, "/etc/hostname"), r"link"),
    ("symlink to a device", lambda p: _replace(p, "model.json", os.symlink, "/dev/zero"), r"symbolic link"),
    ("FIFO instead of a file", lambda p: _replace(p, "vocabulary.json", lambda _, q: os.mkfifo(q)), r"regular file"),
]


def _block(path, **changes):
    header = json.loads((path / "model.json").read_text())
    header["features"][0].update(changes)
    (path / "model.json").write_text(json.dumps(header))


def _replace(path, name, make, source=None):
    (path / name).unlink()
    make(source, path / name)


def _fake_header(path, shape):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}".ljust(117) + "\n"
    (path / "idf.npy").write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())


@pytest.mark.parametrize(("case", "corrupt", "message"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_corrupt_model_directory_is_refused(saved, case, corrupt, message):
    corrupt(saved)
    with pytest.raises(stance.StanceError, match=message) as info:
        stance.load_model(saved)
    assert isinstance(info.value, ModelFormatError)
    assert str(saved) in str(info.value)


@pytest.mark.parametrize("name", ["idf", "coef", "intercept"])
def test_pickle_that_creates_a_file_is_never_loaded(saved, tmp_path, name):
    marker = tmp_path / f"pwned-{name}"
    Explode.marker = str(marker)
    _save_array(saved, name, np.array([Explode()], dtype=object), allow_pickle=True)
    with pytest.raises(stance.StanceError, match="pickle"):
        stance.load_model(saved)
    assert not marker.exists()
    np.load(saved / f"{name}.npy", allow_pickle=True)[0].close()  # unpickled, the same file does run code:
    assert marker.exists()  # so the test above is real


def test_not_a_directory(tmp_path):
    (tmp_path / "m").write_text("x")
    for path in (tmp_path / "m", tmp_path / "absent"):
        with pytest.raises(stance.StanceError, match="not a directory"):
            stance.load_model(path)


def test_crash_during_save_leaves_the_previous_model(saved, tiny_model, small_model, monkeypatch):
    before = {p.name: p.read_bytes() for p in saved.iterdir()}
    real_save = np.save
    calls = []

    def crash_on_second_array(fh, arr, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # a crash halfway: one array written, the others not
        real_save(fh, arr, **kwargs)

    monkeypatch.setattr(np, "save", crash_on_second_array)
    with pytest.raises(KeyboardInterrupt):
        small_model.save(saved)
    assert {p.name: p.read_bytes() for p in saved.iterdir()} == before
    assert [p.name for p in saved.parent.iterdir()] == ["m"]
    assert stance.load_model(saved).labels == tiny_model.labels
