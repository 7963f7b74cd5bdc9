"""Retraining on data nobody here wrote: SemEval-2016 Task 6A with ``stance.train(search=True)``.

    python training/benchmark_semeval.py [--data DIR] [--jobs N] [--repeats R] [--char-analyzer A] [--json PATH]

Reads ``train.jsonl`` and ``test.jsonl`` (``text``, ``label`` in favor/against/none,
``target``) from DIR (default: ``../shared/benchmarks/semeval2016_task6a`` beside this
repository) at run time; the data's terms forbid copying it here.

As the task's baselines did, one model per target: ``stance.train(target_train,
search=True, scoring=["favor", "against"])`` chooses every setting by 5-fold
cross-validation on that target's training tweets alone, maximising the task's own
metric; the test split is only scored, once. ``--repeats R`` repeats each search's
split R times (``cv_repeats``), ``--char-analyzer char`` builds the character
n-grams across word boundaries, as the organisers' baseline did. Side by side, in the same run, the
plain scikit-learn pipeline of the benchmark's README (word 1-2-gram TF-IDF +
``LogisticRegression(class_weight="balanced")``, C chosen by 5-fold CV from
{0.1, 0.3, 1, 3, 10, 30}, also per target). Prints the official metric, F_avg =
(F1_favor + F1_against) / 2 over all five targets' test tweets pooled, and the
published reference points from the benchmark's README.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "semeval2016_task6a"
#: The task's own metric: the mean F1 of favor and against.
SCORING = ["favor", "against"]
#: Published Task A results (the benchmark's README): the organisers' per-target SVM
#: on word 1-3 + char 2-5 grams, and the best participating team.
PUBLISHED = {"SVM-ngrams (organisers' baseline)": 68.98, "MITRE (best team)": 67.82}


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def f_avg(truth: list[str], predicted: list[str]) -> float:
    """The official score in percent: mean F1 of favor and against, over all tweets given."""
    from sklearn.metrics import f1_score

    return 100 * float(f1_score(truth, predicted, labels=["favor", "against"], average="macro", zero_division=0))


def plain_pipeline(texts: list[str], labels: list[str], n_jobs: int | None):
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
    return GridSearchCV(pipe, grid, scoring="f1_macro", cv=cv, n_jobs=n_jobs).fit(texts, labels)


def run(data: Path, n_jobs: int | None, options: dict | None = None) -> dict:
    """Train and score both systems; ``options`` go to every ``stance.train`` call."""
    options = options or {}
    import stance

    train, test = read(data / "train.jsonl"), read(data / "test.jsonl")
    targets = sorted({r["target"] for r in train})
    truth: list[str] = []
    ours: list[str] = []
    theirs: list[str] = []
    per_target = {}
    seconds = {"stance": 0.0, "sklearn_plain": 0.0}
    for target in targets:
        rows = [{"text": r["text"], "label": r["label"]} for r in train if r["target"] == target]
        test_rows = [r for r in test if r["target"] == target]
        texts, gold = [r["text"] for r in test_rows], [r["label"] for r in test_rows]
        t0 = time.perf_counter()
        model = stance.train(rows, search=True, scoring=SCORING, n_jobs=n_jobs, **options)
        seconds["stance"] += time.perf_counter() - t0
        mine = [p.label for p in model.classify(texts)]
        t0 = time.perf_counter()
        search = plain_pipeline([r["text"] for r in rows], [r["label"] for r in rows], n_jobs)
        seconds["sklearn_plain"] += time.perf_counter() - t0
        plain = [str(label) for label in search.predict(texts)]
        truth += gold
        ours += mine
        theirs += plain
        record = model.metadata["training"]["search"]
        per_target[target] = {
            "n_train": len(rows),
            "n_test": len(test_rows),
            "stance": {"F_avg": f_avg(gold, mine), "settings": record["best_params"], "cv": record["best_cv_score"]},
            "sklearn_plain": {
                "F_avg": f_avg(gold, plain),
                "settings": {"C": search.best_params_[next(iter(search.best_params_))]},
            },
        }
    return {
        "data": str(data),
        "options": options,
        "metric": "F_avg = (F1_favor + F1_against) / 2, all test tweets pooled",
        "stance": {"F_avg": f_avg(truth, ours), "train_seconds": seconds["stance"]},
        "sklearn_plain": {"F_avg": f_avg(truth, theirs), "train_seconds": seconds["sklearn_plain"]},
        "published": PUBLISHED,
        "per_target": per_target,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT, help=f"folder with train.jsonl and test.jsonl ({DEFAULT})"
    )
    parser.add_argument("--jobs", type=int, default=-1, help="parallel jobs for the searches (default: all cores)")
    parser.add_argument(
        "--repeats", type=int, default=1, help="times each search draws its 5-fold split (cv_repeats; default 1)"
    )
    parser.add_argument(
        "--char-analyzer",
        choices=["char_wb", "char"],
        default="char_wb",
        help="character n-grams inside word boundaries (the recipe's default) or across them",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    options = {"cv_repeats": args.repeats, "char_analyzer": args.char_analyzer}
    result = run(args.data, args.jobs, options)
    print(f"SemEval-2016 Task 6A test split, {result['metric']}\n")
    print(f"{'system':<42} {'F_avg':>6}")
    print(f"{'stance.train(search=True), one per target':<42} {result['stance']['F_avg']:6.2f}")
    print(f"{'plain sklearn word 1-2 LR, one per target':<42} {result['sklearn_plain']['F_avg']:6.2f}")
    for name, score in PUBLISHED.items():
        print(f"{name + ' (published)':<42} {score:6.2f}")
    print(f"\n{'target':<34} {'stance':>7} {'plain':>7}  stance's settings (chosen by CV on train)")
    for target, r in result["per_target"].items():
        print(f"{target:<34} {r['stance']['F_avg']:7.2f} {r['sklearn_plain']['F_avg']:7.2f}  {r['stance']['settings']}")
    print("(per-target F_avg is on that target's tweets only; the official figure pools all five)")
    times = result["stance"]["train_seconds"], result["sklearn_plain"]["train_seconds"]
    print("training time: stance {:.0f} s, plain {:.0f} s".format(*times))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
