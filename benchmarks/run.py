"""Speed of stance beside the plain scikit-learn pipeline, measured in one run.

    python benchmarks/run.py [--json PATH] [--batch N] [--repeats R]

Fits the recipe's settings chosen for the shipped model on the corpus train split
(``--search`` also times the whole cross-validated search of ``python -m training.build_default``),
then measures, pair by pair in this same process run:

1. one statement per call: ``stance.classify(text)`` vs
   ``model.to_sklearn().predict_proba([text])`` (and ``model.classify([text])``);
2. a batch of N unique statements (default 100,000): stance in one process,
   stance with ``n_jobs=-1``, and scikit-learn's ``predict_proba``;
3. cold start of ``stance classify "..."`` in a new process vs a new process
   that imports scikit-learn and loads the same pipeline with joblib
   (wall time and peak RSS, median of several runs);
4. training time of one fit with the chosen settings vs the plain pipeline's fit
   (and of the whole search with ``--search``);
5. model size on disk and in memory, stance vs the joblib-pickled pipeline.

Every ratio is computed from measurements taken side by side in this run.
It prints a table and, with --json, writes the same figures as JSON.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

import stance
from stance._corpus import read_corpus

SAMPLE = "There will be consequences for anyone who helps Moscow evade sanctions."


def unique_statements(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` distinct statements, each the first half of one corpus statement and the second half of another."""
    rng = random.Random(seed)
    words = [t.split() for t in texts]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        a, b = rng.choice(words), rng.choice(words)
        text = " ".join(a[: len(a) // 2] + b[len(b) // 2 :])
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def single_call(model, pipeline, texts: list[str], block: int = 200, warm: int = 20) -> dict:
    """Per-call latency, as a loop of calls sees it.

    The statements are taken in blocks. On each block every contender makes
    ``warm`` untimed calls (so none pays for the caches the previous one
    emptied), then classifies the block one statement per call, each call
    timed; the contenders take turns going first. The ratio is taken block by
    block, so a machine whose speed drifts still compares like with like.
    """
    calls = {
        "stance": lambda text: stance.classify(text),
        "stance_model_string": lambda text: model.classify(text),
        "stance_list_of_one": lambda text: model.classify([text]),
        "sklearn": lambda text: pipeline.predict_proba([text]),
    }
    names = list(calls)
    clock = time.perf_counter_ns
    times: dict[str, list[int]] = {name: [] for name in names}
    ratios: dict[str, list[float]] = {"speedup": [], "list_of_one_over_string": []}
    for b, start in enumerate(range(0, len(texts), block)):
        chunk = texts[start : start + block]
        med = {}
        for name in names[b % len(names) :] + names[: b % len(names)]:
            call, spent = calls[name], []
            for text in texts[start - warm : start] if start >= warm else texts[-warm:]:
                call(text)
            for text in chunk:
                t0 = clock()
                call(text)
                spent.append(clock() - t0)
            med[name] = statistics.median(spent)
            times[name] += spent
        ratios["speedup"].append(med["sklearn"] / med["stance"])
        ratios["list_of_one_over_string"].append(med["stance_list_of_one"] / med["stance_model_string"])
    return {
        "n_statements": len(texts),
        "stance_us": statistics.median(times["stance"]) / 1000,
        "stance_model_string_us": statistics.median(times["stance_model_string"]) / 1000,
        "stance_list_of_one_us": statistics.median(times["stance_list_of_one"]) / 1000,
        "sklearn_us": statistics.median(times["sklearn"]) / 1000,
        "speedup": statistics.median(ratios["speedup"]),
        "list_of_one_over_string": statistics.median(ratios["list_of_one_over_string"]),
    }


def batch(model, pipeline, texts: list[str], repeats: int) -> dict:
    """Throughput on one batch; each repetition times all three modes back to back."""
    runs = {"stance": [], "stance_all_cores": [], "sklearn": []}
    max_diff = {"stance": 0.0, "stance_all_cores": 0.0}
    results: dict = {}
    model.classify(texts[:50_000], n_jobs=-1)  # start the worker processes once, as a long session would
    for _ in range(repeats):
        for mode in runs:
            t0 = time.perf_counter()
            if mode == "sklearn":
                reference = pipeline.predict_proba(texts)
            else:
                results[mode] = model.classify(texts, n_jobs=-1 if mode == "stance_all_cores" else None)
            runs[mode].append(time.perf_counter() - t0)
        # parity of every mode against scikit-learn, checked outside the timed region
        for mode in max_diff:
            got = np.array([list(p.scores.values()) for p in results.pop(mode)])
            max_diff[mode] = max(max_diff[mode], float(np.abs(got - reference).max()))
    ratio = lambda a, b: statistics.median(x / y for x, y in zip(runs[a], runs[b]))  # noqa: E731
    return {
        "n_statements": len(texts),
        "seconds": {mode: statistics.median(v) for mode, v in runs.items()},
        "statements_per_second": {mode: len(texts) / statistics.median(v) for mode, v in runs.items()},
        "speedup_vs_sklearn": ratio("sklearn", "stance"),
        "all_cores_vs_one": ratio("stance", "stance_all_cores"),
        "max_abs_diff_vs_sklearn": max_diff,
    }


# A small launcher runs each contender: a child forked from this big process would
# report this process's memory as its peak RSS.
LAUNCHER = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps([time.perf_counter() - t0, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024]))
"""


def _run_measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one new process running ``cmd``."""
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], capture_output=True, text=True, check=True)
    wall, code, rss = json.loads(out.stdout)
    if code != 0:
        raise RuntimeError(f"{cmd} exited with {code}")
    return wall, rss


def cold_start(pipeline_file: Path, runs: int) -> dict:
    stance_cmd = [str(Path(sys.executable).with_name("stance")), "classify", SAMPLE]
    if not Path(stance_cmd[0]).exists():
        stance_cmd = [sys.executable, "-m", "stance._cli", "classify", SAMPLE]
    sklearn_cmd = [
        sys.executable,
        "-c",
        f"import joblib; p = joblib.load({str(pipeline_file)!r}); print(p.predict_proba([{SAMPLE!r}]))",
    ]
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(_run_measured(stance_cmd))
        theirs.append(_run_measured(sklearn_cmd))
    return {
        "runs": runs,
        "stance_seconds": statistics.median(w for w, _ in ours),
        "stance_peak_rss_mb": statistics.median(r for _, r in ours),
        "sklearn_seconds": statistics.median(w for w, _ in theirs),
        "sklearn_peak_rss_mb": statistics.median(r for _, r in theirs),
        "speedup": statistics.median(t[0] / o[0] for o, t in zip(ours, theirs)),
    }


def streaming(texts: list[str], sizes: list[int]) -> dict:
    """Peak RSS of ``stance classify --input FILE --output OUT`` on files of growing size.

    Each size is written as a .txt file and as a Parquet file of one row group
    (with an ``id`` and a second text column that the command need not read).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    stance_cmd = str(Path(sys.executable).with_name("stance"))
    out: dict = {"txt": {}, "parquet": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            statements = unique_statements(texts, n, seed=n)
            src = {"txt": Path(tmp) / f"in{n}.txt", "parquet": Path(tmp) / f"in{n}.parquet"}
            src["txt"].write_text("\n".join(statements) + "\n")
            table = pa.table({"id": range(n), "text": statements, "notes": [s[::-1] for s in statements]})
            pq.write_table(table, src["parquet"], row_group_size=n)
            del statements, table
            for kind, path in src.items():
                cmd = [stance_cmd, "classify", "--input", str(path), "--output", str(Path(tmp) / "out.jsonl")]
                wall, rss = _run_measured(cmd)
                out[kind][str(n)] = {"input_mb": path.stat().st_size / 1e6, "seconds": wall, "peak_rss_mb": rss}
                path.unlink()
    return out


def training(train_rows, test_rows, pipeline_cls_fit, search: bool) -> tuple[stance.StanceModel, dict]:
    out = {}
    if search:
        t0 = time.perf_counter()
        model = stance.train(train_rows, search=True, calibrate=True, eval_data=test_rows, n_jobs=-1)
        out["recipe_with_search_seconds"] = time.perf_counter() - t0
        params = model.metadata["training"]["params"]
    else:  # the settings the recipe chose for the shipped model
        params = stance.default_model().metadata["training"]["params"]
        model = stance.train(train_rows, **{k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})
    texts = [r["text"] for r in train_rows]
    labels = [r["label"] for r in train_rows]
    ours, theirs = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        stance.train(train_rows, **{k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pipeline_cls_fit(params, texts, labels)
        theirs.append(time.perf_counter() - t0)
    return model, {
        **out,
        "one_fit_stance_seconds": statistics.median(ours),
        "one_fit_sklearn_seconds": statistics.median(theirs),
        "stance_over_sklearn": statistics.median(o / t for o, t in zip(ours, theirs)),
    }


def _plain_fit(params, texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    shared = {k: params[k] for k in ("min_df", "max_df", "sublinear_tf", "lowercase", "strip_accents")}
    vec = TfidfVectorizer(ngram_range=tuple(params["ngram_range"]), stop_words=params["stop_words"], **shared)
    if params.get("char_ngram_range"):
        chars = TfidfVectorizer(
            analyzer=params["char_analyzer"], ngram_range=tuple(params["char_ngram_range"]), **shared
        )
        vec = make_union(vec, chars)
    clf = LogisticRegression(C=params["C"], class_weight=params["class_weight"], max_iter=params["max_iter"])
    return make_pipeline(vec, clf).fit(texts, labels)


def sizes(model_dir: Path, pipeline_file: Path) -> dict:
    import joblib

    tracemalloc.start()
    loaded = stance.load_model(model_dir)
    loaded.classify(SAMPLE)
    ours = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del loaded
    tracemalloc.start()
    pipe = joblib.load(pipeline_file)
    pipe.predict_proba([SAMPLE])
    theirs = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {
        "stance_disk_mb": sum(p.stat().st_size for p in model_dir.iterdir()) / 1e6,
        "sklearn_joblib_disk_mb": pipeline_file.stat().st_size / 1e6,
        "stance_memory_mb": ours / 1e6,
        "sklearn_memory_mb": theirs / 1e6,
    }


def versions() -> dict:
    import joblib
    import sklearn

    return {
        "python": platform.python_version(),
        "stance": stance.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def table(r: dict) -> str:
    s, b, c, t, z = r["single_call"], r["batch"], r["cold_start"], r["training"], r["size"]
    rows = [
        ("what", "stance", "scikit-learn", "ratio"),
        (
            "one statement per call (median)",
            f"{s['stance_us']:.1f} µs",
            f"{s['sklearn_us']:.1f} µs",
            f"{s['speedup']:.1f}x faster",
        ),
        ("  StanceModel.classify(text)", f"{s['stance_model_string_us']:.1f} µs", "", ""),
        (
            "  StanceModel.classify([text])",
            f"{s['stance_list_of_one_us']:.1f} µs",
            "",
            f"{s['list_of_one_over_string']:.2f}x the time of (text)",
        ),
        (
            f"batch of {b['n_statements']:,}, one process",
            f"{b['statements_per_second']['stance']:,.0f}/s",
            f"{b['statements_per_second']['sklearn']:,.0f}/s",
            f"{b['speedup_vs_sklearn']:.2f}x faster",
        ),
        (
            f"  same, n_jobs=-1 ({r['machine']['cpu_count']} cores)",
            f"{b['statements_per_second']['stance_all_cores']:,.0f}/s",
            "",
            f"{b['all_cores_vs_one']:.2f}x one process",
        ),
        ("  max |p - p_sklearn|", f"{max(b['max_abs_diff_vs_sklearn'].values()):.1e}", "", ""),
        (
            "cold start, wall (median)",
            f"{c['stance_seconds']:.3f} s",
            f"{c['sklearn_seconds']:.3f} s",
            f"{c['speedup']:.1f}x faster",
        ),
        (
            "cold start, peak RSS (median)",
            f"{c['stance_peak_rss_mb']:.0f} MB",
            f"{c['sklearn_peak_rss_mb']:.0f} MB",
            "",
        ),
        *(
            [("training: recipe with CV search", f"{t['recipe_with_search_seconds']:.1f} s", "", "")]
            if "recipe_with_search_seconds" in t
            else []
        ),
        (
            "training: one fit, chosen settings",
            f"{t['one_fit_stance_seconds']:.2f} s",
            f"{t['one_fit_sklearn_seconds']:.2f} s",
            f"{t['stance_over_sklearn']:.2f}x the time",
        ),
        ("model on disk", f"{z['stance_disk_mb']:.2f} MB", f"{z['sklearn_joblib_disk_mb']:.2f} MB", ""),
        ("model in memory", f"{z['stance_memory_mb']:.2f} MB", f"{z['sklearn_memory_mb']:.2f} MB", ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--batch", type=int, default=100_000, help="statements in the batch test (default 100,000)")
    parser.add_argument("--single", type=int, default=2_000, help="statements in the single-call test")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions of the batch test (default 7)")
    parser.add_argument("--cold-runs", type=int, default=7, help="new processes per contender")
    parser.add_argument(
        "--search", action="store_true", help="also time the recipe's whole cross-validated search (minutes)"
    )
    parser.add_argument(
        "--streaming",
        action="store_true",
        help="also measure peak RSS of stance classify --input on 100,000 and 1,000,000 statements",
    )
    args = parser.parse_args()

    import joblib

    rows = read_corpus()
    train_rows = [r for r in rows if r["split"] == "train"]
    test_rows = [r for r in rows if r["split"] == "test"]
    result: dict = {
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine()},
        "versions": versions(),
    }
    print("fitting the default recipe ...", file=sys.stderr)
    model, result["training"] = training(train_rows, test_rows, _plain_fit, args.search)
    pipeline = model.to_sklearn()
    gc.collect()
    gc.freeze()  # what exists now (corpus, models) is not rescanned by the collector during the timings
    texts = [r["text"] for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        model.save(model_dir)
        pipeline_file = Path(tmp) / "pipeline.joblib"
        joblib.dump(pipeline, pipeline_file)
        print("single calls ...", file=sys.stderr)
        result["single_call"] = single_call(model, pipeline, unique_statements(texts, args.single, seed=1))
        print("batch ...", file=sys.stderr)
        result["batch"] = batch(model, pipeline, unique_statements(texts, args.batch, seed=2), args.repeats)
        print("cold start ...", file=sys.stderr)
        result["cold_start"] = cold_start(pipeline_file, args.cold_runs)
        result["size"] = sizes(model_dir, pipeline_file)
    if args.streaming:
        print("streaming ...", file=sys.stderr)
        result["streaming"] = streaming(texts, [100_000, 1_000_000])
    print(table(result))
    for kind, runs in result.get("streaming", {}).items():
        for n, figures in runs.items():
            print(
                f"stance classify --input, {int(n):,} statements, {kind} ({figures['input_mb']:.0f} MB): "
                f"{figures['seconds']:.1f} s, peak RSS {figures['peak_rss_mb']:.0f} MB"
            )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
