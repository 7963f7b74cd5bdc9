"""The model directory: JSON for settings and vocabulary, ``.npy`` for arrays.

Layout (format version 2)::

    model.json        format, format_version, labels, features (the settings of each
                      block of features, with its n_features), metadata
    vocabulary.json   the feature terms, a JSON array in feature-index order, the
                      blocks one after another
    idf.npy           float64, (n_features,)
    coef.npy          float64, (n_labels, n_features), or (1, n_features) for two labels
    intercept.npy     float64, (n_labels,), or (1,) for two labels

Every file is checked completely (names, types, shapes, finiteness) before a
model is built from it; arrays load with ``allow_pickle=False``. Saving writes
a sibling temporary directory and swaps it into place under an exclusive lock
on the parent directory; loading holds a shared lock, so a reader never sees
half a model, nor a mix of two saves.

Version 1 (one block of word n-grams, its settings under ``vectorizer``) is
still read.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from tokenize import TokenError
from typing import Any

import numpy as np

from ._errors import ModelFormatError
from ._model import StanceModel, block_sizes
from ._text import check_settings

FORMAT = "stance-model"
FORMAT_VERSION = 2
#: The versions this stance reads.
READABLE_VERSIONS = (1, 2)
ARRAYS = ("idf", "coef", "intercept")


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


def save_model(model: StanceModel, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to the directory ``path``, replacing an older model there."""
    target = Path(path)
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / "model.json").is_file())):
        raise FileExistsError(f"{target}: exists and is not a stance model directory; refusing to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "labels": list(model.labels),
            "features": [
                {k: (list(v) if isinstance(v, tuple) else v) for k, v in block.items()} for block in model.settings
            ],
            "metadata": model.metadata,
        }
        files = {
            "model.json": _json_bytes(header),
            "vocabulary.json": _json_bytes(model.vocabulary),
        }
        for name, data in files.items():
            _write(tmp / name, data)
        for name in ARRAYS:
            with open(tmp / f"{name}.npy", "wb") as fh:
                np.save(fh, getattr(model, name), allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# Putting a finished model in place (the save protocol).
#
# 1. Every file is written and fsync'ed into a fresh sibling directory (unique
#    name from mkdtemp), so writers never share a directory.
# 2. Under an exclusive lock on the parent directory (flock; serialises savers
#    in every process on this machine), the new directory replaces the target:
#    - no target yet: one rename;
#    - on Linux, renameat2(RENAME_EXCHANGE) swaps the two directories in one
#      atomic step, and the temporary name, now holding the old model, is
#      removed;
#    - elsewhere (or on a file system without exchange): the old model is
#      renamed aside, the new one renamed in, the old one removed. A crash
#      between these two renames leaves the old model complete under the
#      ``.NAME.old.*`` sibling.
# The target is only ever a whole directory from one save: two processes
# saving at once end with one of the two models, never a mix, and a crash
# before step 2 leaves the previous model untouched.
def _swap_into_place(tmp: Path, target: Path) -> None:
    with _locked(target.parent):
        if not target.exists():
            os.replace(tmp, target)
        elif _exchange(tmp, target):
            shutil.rmtree(tmp)  # now the previous model
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / "model")
            os.replace(tmp, target)
            shutil.rmtree(old)


@contextlib.contextmanager
def _locked(directory: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold a ``flock`` on ``directory``: exclusive to save, shared to load.

    No lock file is left behind. Without ``flock`` (Windows), or when a reader
    may not open the directory, nothing is locked.
    """
    try:
        import fcntl
    except ImportError:  # Windows: os.replace refuses to replace a directory, so savers cannot interleave
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except PermissionError:
        if not shared:
            raise
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap directories ``a`` and ``b`` (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh, parse_constant=_no_constant)
    except FileNotFoundError:
        raise ModelFormatError(f"{path}: missing; is this a stance model directory?") from None
    except IsADirectoryError:
        raise ModelFormatError(f"{path}: is a directory; expected a JSON file") from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError, NaN/Infinity
        raise ModelFormatError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise ModelFormatError(f"{path}: not valid JSON: nested too deeply") from None


def check_regular_files(root: Path) -> None:
    """Refuse a model directory whose files are symbolic links or not regular files.

    A link could point outside the directory, and a FIFO or device (``/dev/zero``)
    would make the reader hang or fill memory. Missing files are left to the
    readers, which name them.
    """
    for name in ("model.json", "vocabulary.json", *(f"{a}.npy" for a in ARRAYS)):
        try:
            mode = os.lstat(root / name).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(mode):
            raise ModelFormatError(f"{root / name}: is a symbolic link; a model directory holds regular files only")
        if stat.S_ISDIR(mode):
            continue  # named by the reader
        if not stat.S_ISREG(mode):
            raise ModelFormatError(f"{root / name}: not a regular file (a FIFO, socket or device)")


def check_npy_header(path: Path) -> None:
    """Refuse ``path`` unless its ``.npy`` header declares plain little-endian float64 data filling the file.

    Read before ``np.load``, so that a header declaring a huge shape cannot make
    the loader allocate memory the file does not hold, a truncated array or
    trailing bytes are named as such, and no object array (a pickle) is opened.
    """
    from numpy.lib import format as npy

    try:
        with open(path, "rb") as fh:
            version = npy.read_magic(fh)
            if version not in ((1, 0), (2, 0)):
                raise ValueError(f"unsupported .npy version {version}")
            read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
            shape, _, dtype = read_header(fh, max_header_size=10_000)  # parsed by ast.literal_eval
            offset = fh.tell()
    except FileNotFoundError:
        raise ModelFormatError(f"{path}: missing") from None
    except IsADirectoryError:
        raise ModelFormatError(f"{path}: is a directory; expected a .npy file") from None
    except (ValueError, OSError, EOFError, SyntaxError, TokenError, RecursionError) as exc:
        # numpy parses the header dict with ast.literal_eval (and tokenize for old headers): no code runs
        raise ModelFormatError(f"{path}: not a plain .npy array: {exc}") from None
    if dtype.hasobject:
        raise ModelFormatError(f"{path}: holds Python objects (a pickle); refused, a model holds float64 arrays only")
    if dtype != np.dtype("<f8"):
        raise ModelFormatError(f"{path}: expected float64 values, found {dtype}")
    size = 8
    for dim in shape:
        size *= dim
    actual = path.stat().st_size - offset
    if actual != size:
        what = "truncated" if actual < size else "has trailing bytes"
        raise ModelFormatError(
            f"{path}: {what}: the header declares shape {shape} ({size} bytes), found {actual} bytes"
        )


def _read_array(path: Path) -> np.ndarray:
    check_npy_header(path)
    try:
        arr = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ModelFormatError(f"{path}: missing") from None
    except (ValueError, OSError, EOFError) as exc:
        raise ModelFormatError(f"{path}: not a plain .npy array: {exc}") from None
    if arr.dtype != np.float64:
        raise ModelFormatError(f"{path}: expected float64 values, found {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ModelFormatError(f"{path}: contains NaN or infinite values")
    return arr


def load_model(path: str | os.PathLike[str]) -> StanceModel:
    """Load a model directory written by :meth:`StanceModel.save`.

    Raises
    ------
    StanceError
        (a ``ModelFormatError``) naming the file that is missing, malformed,
        of another format version, or whose arrays have the wrong shape.
    """
    root = Path(path)
    if not root.is_dir():
        raise ModelFormatError(f"{root}: not a directory; a stance model is a directory with model.json")
    # A saver swaps whole directories under an exclusive lock on the parent; reading
    # under a shared one, all five files come from the same save.
    with _locked(root.parent, shared=True):
        return _read_model(root)


def _read_model(root: Path) -> StanceModel:
    check_regular_files(root)
    header_path = root / "model.json"
    header = _read_json(header_path)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFormatError(f'{header_path}: not a stance model (expected "format": "{FORMAT}")')
    version = header.get("format_version")
    if version not in READABLE_VERSIONS:
        raise ModelFormatError(
            f"{header_path}: format version {version!r} is not supported; this stance reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}"
        )
    labels = header.get("labels")
    if not isinstance(labels, list) or len(labels) < 2 or not all(isinstance(x, str) and x for x in labels):
        raise ModelFormatError(f"{header_path}: 'labels' must be a list of at least two non-empty strings")
    if len(set(labels)) != len(labels):
        raise ModelFormatError(f"{header_path}: 'labels' has duplicates: {labels}")
    blocks = [header.get("vectorizer") or {}] if version == 1 else header.get("features")
    if not isinstance(blocks, list) or not blocks or not all(isinstance(b, dict) for b in blocks):
        raise ModelFormatError(f"{header_path}: 'features' must be a non-empty list of settings objects")
    try:
        settings = [check_settings(block) for block in blocks]
    except ValueError as exc:
        raise ModelFormatError(f"{header_path}: {exc}") from None
    metadata = header.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ModelFormatError(f"{header_path}: 'metadata' must be an object")

    vocab_path = root / "vocabulary.json"
    vocabulary = _read_json(vocab_path)
    if not isinstance(vocabulary, list) or not all(isinstance(t, str) for t in vocabulary):
        raise ModelFormatError(f"{vocab_path}: expected a JSON array of strings")
    if version == 1:
        blocks[0]["n_features"] = len(vocabulary)
    try:
        sizes = block_sizes(blocks, len(vocabulary))
    except ValueError as exc:
        raise ModelFormatError(f"{vocab_path} and {header_path.name}: {exc}") from None
    start = 0
    for block, n in zip(settings, sizes):
        block["n_features"] = n
        terms = vocabulary[start : start + n]
        if len(set(terms)) != n:
            raise ModelFormatError(f"{vocab_path}: terms are not unique within a block of features")
        start += n

    n_features = len(vocabulary)
    n_rows = 1 if len(labels) == 2 else len(labels)
    expected = {"idf": (n_features,), "coef": (n_rows, n_features), "intercept": (n_rows,)}
    arrays = {}
    for name in ARRAYS:
        path_ = root / f"{name}.npy"
        arr = _read_array(path_)
        if arr.shape != expected[name]:
            raise ModelFormatError(f"{path_}: expected shape {expected[name]}, found {arr.shape}")
        arrays[name] = arr
    return StanceModel(labels=labels, settings=settings, vocabulary=vocabulary, metadata=metadata, **arrays)
