"""Classify statements on a Dask cluster: ``pip install "stance[dask]"``.

``import stance`` never imports this module (nor Dask); import it yourself::

    import dask.dataframe as dd
    from stance.dask import classify_frame

    ddf = dd.read_parquet("quotes/*.parquet")
    classify_frame(ddf, column="quote").to_parquet("labelled/")

The model is put into the task graph once, as a single task that every
partition depends on: the scheduler sends it to one worker and each other
worker fetches it from there once, however many partitions there are. Each
worker scores its partitions with numpy alone, exactly as ``model.classify``
does in one process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._dataset import check_columns, check_texts, output_columns, resolve_model, score_columns

if TYPE_CHECKING:
    from ._model import StanceModel

__all__ = ["ParquetRun", "classify_frame", "classify_parquet", "model_key"]

#: The prefix of the graph key of the model task (see :func:`model_key`).
MODEL_KEY_PREFIX = "stance-model-"


def model_key(model: StanceModel) -> str:
    """The graph key of ``model``'s task: the same model always gets the same key."""
    digest = hashlib.sha256()
    digest.update("\x00".join(model.labels).encode())
    digest.update(json.dumps(model.settings, sort_keys=True, default=str).encode())
    digest.update("\x00".join(model.vocabulary).encode())
    for array in (model.idf, model.coef, model.intercept):
        digest.update(array.tobytes())
    return MODEL_KEY_PREFIX + digest.hexdigest()[:32]


def _classify_partition(part: Any, model: StanceModel, column: str, partition_info: dict | None = None) -> Any:
    """One partition with the output columns added (runs on a worker; Dask passes ``partition_info``)."""
    import pandas as pd

    texts = part[column].tolist()
    number = partition_info["number"] if partition_info else "?"
    check_texts(texts, 0, f"<dask partition {number}, column {column!r}>")
    scores = score_columns(model, texts)
    names = output_columns(model.labels)
    out = part.copy(deep=False)
    out[names[0]] = pd.Series(scores[names[0]], index=part.index, dtype="string")
    for name in names[1:]:
        out[name] = pd.Series(scores[name], index=part.index, dtype="float64")
    return out


def classify_frame(ddf: Any, column: str = "text", *, model: StanceModel | None = None) -> Any:
    """Add the stance of each statement of ``column`` to a Dask DataFrame, lazily.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The statements, with any other columns.
    column : str, default "text"
        The column holding the statements (strings).
    model : StanceModel, optional
        The model to use (default: the shipped model). It enters the task
        graph once, under :func:`model_key`, and reaches each worker once.

    Returns
    -------
    dask.dataframe.DataFrame
        ``ddf`` with ``label`` and one float64 ``score_<label>`` column per
        label added, every other column and the partitioning kept. Nothing
        runs until it is computed or written.

    Raises
    ------
    TypeError
        If ``ddf`` is not a Dask DataFrame, or ``model`` or ``column`` has the wrong type.
    ValueError
        If ``column`` is missing or an output column already exists.
    stance.StanceError
        (a ``DataError``, when computed) for a statement that is not a string.
    """
    import dask
    import dask.dataframe as dd

    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"ddf must be a dask.dataframe.DataFrame, found {type(ddf).__name__}")
    model = resolve_model(model)
    check_columns(list(ddf.columns), column, model.labels)
    meta = _classify_partition(ddf._meta, model, column)
    shipped = dask.delayed(model, name=model_key(model), pure=True)
    return ddf.map_partitions(_classify_partition, shipped, column, meta=meta, enforce_metadata=False)


@dataclass
class ParquetRun:
    """What :func:`classify_parquet` did.

    Attributes
    ----------
    input : str
        The input path or glob, as given.
    output : str
        The output directory.
    files : list of str
        The Parquet files written, sorted.
    rows : int
        Statements classified (rows written).
    workers : int
        Dask workers that took part.
    seconds : float
        Wall time, cluster start-up included.
    """

    input: str
    output: str
    files: list[str] = field(default_factory=list)
    rows: int = 0
    workers: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.rows:,} statements from {self.input} classified on {self.workers} Dask worker(s) "
            f"in {self.seconds:.1f} s ({rate:,.0f}/s); {len(self.files)} Parquet file(s) in {self.output}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the fields."""
        return {
            "input": self.input,
            "output": self.output,
            "files": list(self.files),
            "rows": self.rows,
            "workers": self.workers,
            "seconds": self.seconds,
        }


def _client(scheduler: str | None, n_workers: int | None):
    """A client of ``scheduler`` if given, else of a new local cluster (returned to close it too)."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler), None
    workers = n_workers if n_workers is not None else (os.cpu_count() or 1)
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    return Client(cluster), cluster


def classify_parquet(
    input: str,
    output: str | os.PathLike[str],
    column: str = "text",
    *,
    model: StanceModel | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
) -> ParquetRun:
    """Classify the statements of Parquet files on a Dask cluster and write Parquet.

    Parameters
    ----------
    input : str
        A Parquet file, a directory of them, or a glob (``"data/*.parquet"``);
        anything ``dask.dataframe.read_parquet`` reads.
    output : str or path-like
        A local directory to create. Its files appear only when every
        statement is classified (written to a sibling temporary directory,
        then renamed into place).
    column : str, default "text"
        The statement column; every other column is kept.
    model : StanceModel, optional
        The model to use (default: the shipped model).
    scheduler : str, optional
        The address of a running Dask scheduler (``tcp://host:8786``). Without
        it, a local cluster of ``n_workers`` worker processes (default: one
        per core), one thread each, listening on 127.0.0.1 only, is started
        and closed again.
    n_workers : int, optional
        Workers of the local cluster; ignored with ``scheduler``.

    Returns
    -------
    ParquetRun

    Raises
    ------
    TypeError, ValueError
        As :func:`classify_frame`; also ``ValueError`` if ``n_workers`` is below 1.
    FileExistsError
        If ``output`` exists and is not an empty directory.
    """
    import dask.dataframe as dd

    if n_workers is not None and (not isinstance(n_workers, int) or isinstance(n_workers, bool) or n_workers < 1):
        raise ValueError(f"n_workers must be a positive int or None, found {n_workers!r}")
    target = Path(output)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target}: exists and is not an empty directory; refusing to overwrite it")
    model = resolve_model(model)
    t0 = time.perf_counter()
    client, cluster = _client(scheduler, n_workers)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        workers = len(client.nthreads())
        labelled = classify_frame(dd.read_parquet(input), column, model=model)
        labelled.to_parquet(tmp, write_index=False)
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    import pyarrow.parquet as pq

    files = sorted(str(p) for p in target.glob("*.parquet"))
    rows = sum(pq.read_metadata(f).num_rows for f in files)
    return ParquetRun(str(input), str(target), files, rows, workers, time.perf_counter() - t0)
