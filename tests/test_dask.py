"""stance.dask on a local Dask cluster of two worker processes (127.0.0.1 only, no dashboard)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask import distributed

import stance
import stance._model
from stance._cli import main
from stance.dask import MODEL_KEY_PREFIX, classify_frame, classify_parquet

N_FILES = 5


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        with distributed.Client(local) as client:
            yield local, client


@pytest.fixture(scope="module")
def frame(corpus_rows):
    """Every corpus statement once, with an id and two other columns to keep."""
    return pd.DataFrame(
        {
            "id": np.arange(len(corpus_rows)),
            "text": [r["text"] for r in corpus_rows],
            "source": [r["split"] for r in corpus_rows],
            "weight": np.arange(len(corpus_rows)) / 7.0,
        }
    )


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, frame):
    """``N_FILES`` Parquet files of interleaved rows, plus one file with no rows."""
    d = tmp_path_factory.mktemp("quotes")
    for i in range(N_FILES):
        frame.iloc[i::N_FILES].to_parquet(d / f"part-{i}.parquet", index=False)
    frame.iloc[:0].to_parquet(d / f"part-{N_FILES}.parquet", index=False)
    return d


def _assert_matches_single_process(result: pd.DataFrame, frame: pd.DataFrame, model) -> None:
    """Row for row: the same rows and other columns, labels equal, scores within 1e-12 of model.classify."""
    result = result.sort_values("id").reset_index(drop=True)
    assert len(result) == len(frame)
    pd.testing.assert_frame_equal(
        result[list(frame.columns)], frame, check_dtype=False, check_index_type=False, check_column_type=False
    )
    reference = model.classify(frame["text"].tolist())
    assert result["label"].tolist() == [p.label for p in reference]
    ours = result[[f"score_{label}" for label in model.labels]].to_numpy()
    np.testing.assert_allclose(ours, [list(p.scores.values()) for p in reference], rtol=0, atol=1e-12)


def _rebuilt(reset: bool = False) -> int:
    """Models this worker rebuilt from a pickle since the last reset."""
    count = stance._model.UNPICKLED
    if reset:
        stance._model.UNPICKLED = 0
    return count


def _first_score(part: pd.DataFrame, model) -> pd.DataFrame:
    return part.assign(p=[p.scores[model.labels[0]] for p in model.classify(part["text"].tolist())])


def test_classify_frame_on_two_workers_matches_single_process(cluster, parquet_dir, frame, model):
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    labelled = classify_frame(ddf)
    assert labelled.npartitions == ddf.npartitions
    assert list(labelled.columns) == [*frame.columns, "label", *(f"score_{label}" for label in model.labels)]
    result = labelled.compute()
    _assert_matches_single_process(result, frame, model)


def test_model_reaches_each_worker_once_not_once_per_partition(cluster, parquet_dir, model):
    _, client = cluster
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    assert ddf.npartitions > 2  # more partitions than workers
    labelled = classify_frame(ddf, model=model)
    model_keys = [k for k in dict(labelled.__dask_graph__()) if MODEL_KEY_PREFIX in str(k)]
    assert len(model_keys) == 1
    client.run(_rebuilt, True)
    labelled.compute()
    per_worker = client.run(_rebuilt, True)
    assert len(per_worker) == 2 and all(n <= 1 for n in per_worker.values()), per_worker
    # The counter does see per-partition shipping: a model passed as a plain argument is rebuilt for every task.
    naive = ddf.map_partitions(_first_score, model, meta=ddf._meta.assign(p=np.float64()))
    naive.compute()
    assert sum(client.run(_rebuilt, True).values()) >= ddf.npartitions


def test_cli_engine_dask_on_a_running_scheduler(cluster, parquet_dir, frame, model, tmp_path, capsys):
    local, _ = cluster
    out = tmp_path / "labelled"
    argv = ["classify", "--input", str(parquet_dir / "*.parquet"), "--engine", "dask", "--output", str(out)]
    assert main([*argv, "--scheduler", local.scheduler_address]) == 0
    assert f"{len(frame):,} statements" in capsys.readouterr().err
    _assert_matches_single_process(pd.read_parquet(out), frame, model)
    # An output directory that holds files is refused, and left as it was.
    before = sorted(p.name for p in out.iterdir())
    assert main([*argv, "--scheduler", local.scheduler_address]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before


def test_classify_parquet_starts_its_own_local_cluster(parquet_dir, frame, small_model, tmp_path):
    run = classify_parquet(str(parquet_dir), tmp_path / "out", model=small_model, n_workers=1)
    assert run.workers == 1 and run.rows == len(frame)
    assert run.to_dict()["files"] == run.files and str(tmp_path / "out") in str(run)
    _assert_matches_single_process(pd.read_parquet(tmp_path / "out"), frame, small_model)


def test_cli_engine_dask_usage_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["classify", "--engine", "dask", "--input", "x.parquet"])  # no --output
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["classify", "some statement", "--scheduler", "tcp://127.0.0.1:1"])  # --scheduler without dask
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_classify_frame_refuses_bad_input(frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(TypeError, match="dask.dataframe.DataFrame"):
        classify_frame(frame)
    with pytest.raises(ValueError, match="no column 'quote'"):
        classify_frame(ddf, "quote")
    with pytest.raises(ValueError, match=r"would overwrite"):
        classify_frame(ddf.assign(label="x"))
    with pytest.raises(TypeError, match="StanceModel"):
        classify_frame(ddf, model="models/mine")
    holes = pd.DataFrame({"text": ["Talks resume.", "We oppose sanctions.", None, "Talks resume."]})
    bad = dd.from_pandas(holes, npartitions=2, sort=False)
    with pytest.raises(stance.StanceError, match="partition 1, column 'text'>: row 0: .* found missing"):
        classify_frame(bad).compute(scheduler="sync")


def test_model_pickles_as_its_parts(model, corpus_rows):
    fresh = type(model)(
        labels=model.labels,
        settings=model.settings,
        vocabulary=model.vocabulary,
        idf=model.idf,
        coef=model.coef,
        intercept=model.intercept,
        metadata=model.metadata,
    )
    before = len(pickle.dumps(fresh))
    texts = [r["text"] for r in corpus_rows]
    fresh.classify(texts)  # fills the analyzer's caches
    data = pickle.dumps(fresh)
    assert len(data) == before  # caches and derived tables are not shipped
    copy = pickle.loads(data)
    assert copy.labels == model.labels and copy.metadata == model.metadata
    np.testing.assert_array_equal(copy.predict_proba(texts), model.predict_proba(texts))


def test_import_stance_does_not_import_dask():
    code = "import sys, stance; stance.classify('We oppose sanctions.'); print('dask' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
