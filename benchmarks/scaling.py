"""Throughput and peak memory of stance's scaling paths on 1,000,000 statements in Parquet.

    python benchmarks/scaling.py [--n 1000000] [--files 10] [--workers 2] [--json PATH]
    python benchmarks/scaling.py --reprint PATH   # the table of a saved run, measuring nothing

Builds N distinct statements from the corpus (halves of two corpus statements
joined, as ``benchmarks/run.py`` makes its batch; duplicates dropped), writes
them as Parquet in a temporary directory (one file, and the same rows split
over ``--files`` files), then runs each path in its own new process:

1. ``stance classify --input all.parquet --output out.jsonl``: one process;
2. the same with ``--jobs -1``: every core;
3. ``stance classify --input 'parts/*.parquet' --engine dask --output out/ --jobs W``:
   a Dask LocalCluster of W worker processes (start-up included), Parquet out;
4. for reference, the plain scikit-learn pipeline (``model.to_sklearn()``
   saved with joblib) in a script: pyarrow reads 100,000 rows at a time,
   ``predict_proba``, pyarrow writes Parquet.

For each: wall time, statements per second, and peak memory of the process
tree, sampled from /proc every 0.1 s: the sum of RSS over the process and all
its descendants (counts shared pages once per process), and the sum of PSS
(shares shared pages out). It also times the parts of one statement's journey
in this process (Parquet read, tokenising, scoring, Parquet write) and the
Dask scheduler's cost per task, for the README's projection. It records the
cpu count, versions and the load average before and after: the machine may
be shared, so figures move with the load.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

import stance
from stance._corpus import read_corpus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import unique_statements  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")

SKLEARN_SCRIPT = """
import sys, joblib, pyarrow as pa, pyarrow.parquet as pq
pipeline = joblib.load(sys.argv[1])
labels = [str(c) for c in pipeline.classes_]
writer = None
for batch in pq.ParquetFile(sys.argv[2]).iter_batches(batch_size=100_000, columns=["id", "text"]):
    texts = batch.column("text").to_pylist()
    proba = pipeline.predict_proba(texts)
    columns = {"id": batch.column("id"), "text": batch.column("text"),
               "label": pa.array([labels[k] for k in proba.argmax(axis=1)])}
    columns.update({f"score_{label}": pa.array(proba[:, j]) for j, label in enumerate(labels)})
    table = pa.table(columns)
    writer = writer or pq.ParquetWriter(sys.argv[3], table.schema)
    writer.write_table(table)
writer.close()
"""


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_memory(root: int) -> tuple[int, int, int]:
    """(sum of RSS, sum of PSS, number of processes) of ``root`` and its descendants, in bytes."""
    tree, todo, rss, pss, n = _children(), [root], 0, 0, 0
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as fh:
                rss += int(fh.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
            n += 1
        except OSError:  # gone meanwhile
            continue
    return rss, pss, n


def measure(cmd: list[str], interval: float = 0.1) -> dict:
    """Run ``cmd`` in a new process; wall time and the peak memory of its process tree."""
    peak = {"rss": 0, "pss": 0, "processes": 0}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss, n = _tree_memory(proc.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            peak["processes"] = max(peak["processes"], n)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited with {proc.returncode}: {err[-2000:]}")
    return {
        "seconds": wall,
        "peak_tree_rss_mb": peak["rss"] / 1e6,
        "peak_tree_pss_mb": peak["pss"] / 1e6,
        "max_processes": peak["processes"],
    }


def write_parquet(texts: list[str], root: Path, n_files: int) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": pa.array(np.arange(len(texts))), "text": pa.array(texts)})
    single = root / "all.parquet"
    pq.write_table(table, single, row_group_size=100_000)
    parts = root / "parts"
    parts.mkdir()
    step = -(-len(texts) // n_files)
    for i in range(n_files):
        pq.write_table(table.slice(i * step, step), parts / f"part-{i:03d}.parquet", row_group_size=100_000)
    return single, parts


def components(model, single: Path, n: int) -> dict:
    """Seconds per 1,000,000 statements of each step, timed on the first ``n`` rows in this process."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    texts = pq.read_table(single, columns=["text"]).column("text").to_pylist()[:n]
    read = time.perf_counter() - t0
    model.predict_proba(texts[:2_000])  # builds the analyzers' tables, once per process
    # one analyzer per block of features
    analyzers = [block.analyzer for block in model.blocks]
    t0 = time.perf_counter()
    for i in range(0, n, 1_024):
        for analyzer in analyzers:
            analyzer.batch_counts(texts[i : i + 1_024])
    tokenise = time.perf_counter() - t0
    t0 = time.perf_counter()
    proba = model.predict_proba(texts)
    full = time.perf_counter() - t0
    table = pa.table({"text": texts, "label": [model.labels[k] for k in proba.argmax(axis=1)]})
    table = table.append_column("score", pa.array(proba[:, 0]))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pq.write_table(table, Path(tmp) / "out.parquet")
        write = time.perf_counter() - t0
    scale = 1_000_000 / n
    return {
        "n_statements": n,
        "parquet_read_s_per_million": read * 1_000_000 / _rows(single),  # it read every row
        "tokenise_s_per_million": tokenise * scale,
        "score_after_tokenise_s_per_million": max(0.0, full - tokenise) * scale,
        "parquet_write_s_per_million": write * scale,
    }


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def scheduler_overhead(workers: int, n_tasks: int = 2_000) -> dict:
    """Wall seconds per no-op task on a LocalCluster of ``workers`` processes."""
    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        with Client(cluster) as client:
            client.gather(client.map(int, range(50)))  # warm up
            start = time.perf_counter() - t0
            t0 = time.perf_counter()
            client.gather(client.map(int, range(50, 50 + n_tasks)))
            spent = time.perf_counter() - t0
    return {"n_tasks": n_tasks, "ms_per_task": spent / n_tasks * 1000, "cluster_start_s": start}


def projection(result: dict, archive: int, workers: tuple[int, ...], partition_rows: int = 100_000) -> dict:
    """What the measured figures imply for ``archive`` statements on N workers like these.

    Per-worker throughput: the Dask path's statements per second, less the
    local cluster's start-up, divided by its workers. The scheduler hands out
    ``archive / partition_rows`` tasks one after another at the measured cost
    per task. Bytes in and out scale the measured Parquet sizes.
    """
    n, dask = result["n_statements"], next(v for k, v in result["paths"].items() if "dask" in k)
    busy = dask["seconds"] - result["scheduler"]["cluster_start_s"]
    per_worker = n / busy / result["workers"]
    tasks = -(-archive // partition_rows)
    scheduler_s = tasks * result["scheduler"]["ms_per_task"] / 1000
    return {
        "archive": archive,
        "per_worker_statements_per_second": per_worker,
        "partition_rows": partition_rows,
        "tasks": tasks,
        "scheduler_seconds": scheduler_s,
        "input_gb": result["parquet_mb"] * archive / n / 1000,
        "output_gb": result["dask_output_mb"] * archive / n / 1000,
        "peak_pss_per_worker_mb": dask["peak_tree_pss_mb"] / result["workers"],  # client's share included
        "hours": {str(w): (archive / (w * per_worker) + scheduler_s) / 3600 for w in workers},
        "read_mb_per_second_needed": {str(w): w * per_worker * result["parquet_mb"] / n for w in workers},
    }


def _pickled_mb() -> float:
    """What shipping the shipped model to a worker sends: its pickle, in MB."""
    return len(pickle.dumps(stance.default_model(), protocol=pickle.HIGHEST_PROTOCOL)) / 1e6


def versions() -> dict:
    import dask
    import distributed
    import pandas
    import pyarrow
    from run import versions as core_versions  # benchmarks/run.py, beside this script

    return {
        **core_versions(),
        "pyarrow": pyarrow.__version__,
        "pandas": pandas.__version__,
        "dask": dask.__version__,
        "distributed": distributed.__version__,
    }


def table(result: dict) -> str:
    n = result["n_statements"]
    rows = [("path", "wall", "statements/s", "peak RSS (tree)", "peak PSS (tree)", "processes")]
    for name, r in result["paths"].items():
        rows.append(
            (
                name,
                f"{r['seconds']:.1f} s",
                f"{n / r['seconds']:,.0f}",
                f"{r['peak_tree_rss_mb']:,.0f} MB",
                f"{r['peak_tree_pss_mb']:,.0f} MB",
                str(r["max_processes"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    c, s = result["components"], result["scheduler"]
    steps = {
        "Parquet read": c["parquet_read_s_per_million"],
        "tokenise": c["tokenise_s_per_million"],
        "score": c["score_after_tokenise_s_per_million"],
        "Parquet write": c["parquet_write_s_per_million"],
    }
    total = sum(steps.values())
    lines += [
        "",
        f"one process, seconds per million statements (timed on {c['n_statements']:,}; {total:.1f} in all):",
        "  " + ", ".join(f"{k} {v:.2f} ({v / total:.0%})" for k, v in steps.items()),
        f"Dask scheduler: {s['ms_per_task']:.2f} ms per no-op task "
        f"({s['n_tasks']:,} tasks, {result['workers']} workers); local cluster start-up {s['cluster_start_s']:.1f} s",
        f"input: {result['n_statements']:,} statements, {result['parquet_mb']:.0f} MB of Parquet; "
        f"the model pickles to {_pickled_mb():.2f} MB",
        f"load average before {result['load_before']}, after {result['load_after']}; cpu count {result['cpu_count']}",
    ]
    p = result["projection"]
    lines += [
        "",
        f"projection for {p['archive']:,} statements, at {p['per_worker_statements_per_second']:,.0f}/s per worker "
        f"(Dask path, start-up taken off): {p['tasks']:,} tasks of {p['partition_rows']:,} rows, "
        f"{p['scheduler_seconds']:.0f} s of scheduler time; {p['input_gb']:.1f} GB Parquet in, "
        f"{p['output_gb']:.1f} GB out; at most {p['peak_pss_per_worker_mb']:,.0f} MB per worker",
    ]
    small = projection(result, p["archive"], (), partition_rows=1_000)
    lines.append(
        f"  (with {small['partition_rows']:,}-row partitions instead: {small['tasks']:,} tasks, "
        f"{small['scheduler_seconds'] / 60:.1f} min of scheduler time)"
    )
    for w, hours in p["hours"].items():
        need = p["read_mb_per_second_needed"][w]
        out = need * p["output_gb"] / p["input_gb"]
        lines.append(f"  {int(w):>4} workers: {hours * 60:7.1f} min, reading {need:,.1f} MB/s, writing {out:,.1f} MB/s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="statements (default 1,000,000)")
    parser.add_argument("--files", type=int, default=10, help="Parquet files for the Dask path (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="Dask LocalCluster workers (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--reprint", type=Path, metavar="JSON", help="print the table of a saved run; measure nothing")
    args = parser.parse_args()
    if args.reprint:
        saved = json.loads(args.reprint.read_text())
        saved["projection"] = projection(saved, 100_000_000, (1, 8, 32, 128))
        print(f"{saved['command']} (saved run)")
        print(table(saved))
        return

    import joblib

    stance_cli = str(Path(sys.executable).with_name("stance"))
    result: dict = {
        "command": "python benchmarks/scaling.py " + " ".join(sys.argv[1:]),
        "n_statements": args.n,
        "files": args.files,
        "workers": args.workers,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "versions": versions(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    model = stance.default_model()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"building {args.n:,} statements ...", file=sys.stderr)
        texts = unique_statements([r["text"] for r in read_corpus()], args.n, seed=3)
        single, parts = write_parquet(texts, root, args.files)
        del texts
        result["parquet_mb"] = single.stat().st_size / 1e6
        joblib.dump(model.to_sklearn(), root / "pipeline.joblib")
        paths = {
            "stance, one process (Parquet in, JSONL out)": [
                stance_cli,
                "classify",
                "--input",
                str(single),
                "--output",
                str(root / "one.jsonl"),
            ],
            f"stance --jobs -1 ({os.cpu_count()} processes)": [
                stance_cli,
                "classify",
                "--input",
                str(single),
                "--output",
                str(root / "all.jsonl"),
                "--jobs",
                "-1",
            ],
            f"stance --engine dask ({args.workers} workers, Parquet out)": [
                stance_cli,
                "classify",
                "--input",
                str(parts / "*.parquet"),
                "--engine",
                "dask",
                "--output",
                str(root / "dask"),
                "--jobs",
                str(args.workers),
            ],
            "scikit-learn pipeline, one process (Parquet out)": [
                sys.executable,
                "-c",
                SKLEARN_SCRIPT,
                str(root / "pipeline.joblib"),
                str(single),
                str(root / "sklearn.parquet"),
            ],
        }
        result["paths"] = {}
        for name, cmd in paths.items():
            print(f"{name} ...", file=sys.stderr)
            result["paths"][name] = measure(cmd)
        result["dask_output_mb"] = sum(f.stat().st_size for f in (root / "dask").glob("*.parquet")) / 1e6
        print("components ...", file=sys.stderr)
        result["components"] = components(model, single, min(args.n, 200_000))
    print("scheduler overhead ...", file=sys.stderr)
    result["scheduler"] = scheduler_overhead(args.workers)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["projection"] = projection(result, 100_000_000, (1, 8, 32, 128))
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
