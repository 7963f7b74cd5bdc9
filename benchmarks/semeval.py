"""Retraining on data nobody here wrote: SemEval-2016 Task 6A, stance vs the plain pipeline.

    python benchmarks/semeval.py [--data DIR] [--json PATH]

Reads ``train.jsonl`` and ``test.jsonl`` (``text``, ``label`` in favor/against/none) from DIR
(default: ``../shared/benchmarks/semeval2016_task6a`` beside this repository) at run time; the
data's terms forbid copying it here. Trains one pooled model on the text alone two ways, side by
side: ``stance.train(search=True)`` and the plain scikit-learn pipeline that the benchmark's
README reports (``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`` +
``LogisticRegression(class_weight="balanced")``, C chosen by 5-fold CV on train from
{0.1, 0.3, 1, 3, 10, 30}). Prints the official metric, F_avg = (F1_favor + F1_against) / 2 over
all test tweets pooled, and macro F1 over the three labels.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import stance
from stance._data import read_labelled

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "semeval2016_task6a"


def f_avg(report: stance.Report) -> float:
    """The official SemEval-2016 Task 6 score from a report, in percent."""
    return 100 * (report.per_label["favor"]["f1"] + report.per_label["against"]["f1"]) / 2


def plain_pipeline(texts: list[str], labels: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(class_weight="balanced", max_iter=2000),
    )
    grid = {"logisticregression__C": [0.1, 0.3, 1, 3, 10, 30]}
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    return GridSearchCV(pipe, grid, scoring="f1_macro", cv=cv, n_jobs=-1).fit(texts, labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT, help=f"folder with train.jsonl and test.jsonl ({DEFAULT})"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    train_path, test_path = args.data / "train.jsonl", args.data / "test.jsonl"

    t0 = time.perf_counter()
    model = stance.train(train_path, search=True, n_jobs=-1)
    ours_seconds = time.perf_counter() - t0
    ours = stance.evaluate(model, test_path)

    texts, labels = read_labelled(train_path)
    test_texts, test_labels = read_labelled(test_path)
    t0 = time.perf_counter()
    search = plain_pipeline(texts, labels)
    theirs_seconds = time.perf_counter() - t0
    from stance._evaluate import report_from_labels

    theirs = report_from_labels(model.labels, test_labels, [str(p) for p in search.predict(test_texts)])

    result = {
        "data": str(args.data),
        "stance": {
            "F_avg": f_avg(ours),
            "macro_f1": ours.macro_f1,
            "settings": model.metadata["training"]["search"]["best_params"],
            "train_seconds": ours_seconds,
        },
        "sklearn_plain": {
            "F_avg": f_avg(theirs),
            "macro_f1": theirs.macro_f1,
            "settings": {"C": search.best_params_["logisticregression__C"]},
            "train_seconds": theirs_seconds,
        },
    }
    for name, r in result.items():
        if name != "data":
            figures = f"F_avg {r['F_avg']:.2f}  macro F1 {r['macro_f1']:.3f}"
            print(f"{name:<14} {figures}  {r['settings']}  ({r['train_seconds']:.1f} s)")
    print("\nstance's model on the test split:\n" + str(ours))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
