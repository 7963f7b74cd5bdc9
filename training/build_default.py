"""Build the shipped default model from the corpus: the recipe.

    python -m training.build_default [--out DIR] [--cache DIR | --no-cache] [--jobs N]

Trains on the corpus's train split with ``stance.train(search=True, calibrate=True)``:
every setting is chosen by cross-validation on the train split alone (the recipe's
grids in ``stance._estimator.RECIPE_GRID``), then the test split is scored once and its
figures recorded in the model's metadata. Writes the model to ``stance/default_model``
(or ``--out``), and beside this script the whole search table
(``search_table.csv``) and the model card (``MODEL_CARD.md``), both generated from
the model's metadata (with ``--out``, they go into that directory instead).

A rerun with the same corpus loads the trained model from the ``joblib.Memory`` cache
(``training/.cache``, not committed) instead of refitting; ``--no-cache`` refits from
scratch. Running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import stance
from stance._corpus import read_corpus
from training.model_card import held_out_report, render, search_table_csv

HERE = Path(__file__).resolve().parent

DEFAULT_OUT = HERE.parent / "stance" / "default_model"
DEFAULT_CACHE = HERE / ".cache"


def train_default(train: list[dict], test: list[dict], n_jobs: int | None, code: str = "") -> stance.StanceModel:
    """The recipe: search on ``train``, calibrate, score ``test``.

    ``code`` is only part of the cache key: a fingerprint of the package's source.
    """
    return stance.train(train, search=True, calibrate=True, eval_data=test, n_jobs=n_jobs)


def code_fingerprint() -> str:
    """SHA-256 of the package's Python source: a change to the recipe's code misses the cache."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((HERE.parent / "stance").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build(out: Path, *, cache: Path | None = DEFAULT_CACHE, n_jobs: int | None = -1) -> stance.StanceModel:
    rows = read_corpus()
    train = [{"text": r["text"], "label": r["label"]} for r in rows if r["split"] == "train"]
    test = [{"text": r["text"], "label": r["label"]} for r in rows if r["split"] == "test"]
    fit = train_default
    if cache is not None:
        from joblib import Memory

        # Keyed on the statements, labels and the package's code (n_jobs does not change the result).
        fit = Memory(cache, verbose=0).cache(train_default, ignore=["n_jobs"])
    model = fit(train, test, n_jobs, code_fingerprint())
    model.save(out)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"model directory (default: {DEFAULT_OUT})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"joblib cache (default: {DEFAULT_CACHE})")
    parser.add_argument("--no-cache", action="store_true", help="refit from scratch, without the cache")
    parser.add_argument("--jobs", type=int, default=-1, help="parallel jobs for the search (default: all cores)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    model = build(args.out, cache=None if args.no_cache else args.cache, n_jobs=args.jobs)
    seconds = time.perf_counter() - t0
    docs = HERE if args.out.resolve() == DEFAULT_OUT.resolve() else args.out
    report = held_out_report(model)
    (docs / "MODEL_CARD.md").write_text(render(model, report), encoding="utf-8")
    (docs / "search_table.csv").write_text(search_table_csv(model), encoding="utf-8")
    search = model.metadata["training"]["search"]
    print(f"saved {args.out} in {seconds:.0f} s: {search['candidates']} candidates, best {search['best_params']}")
    print(f"cross-validated {search['scoring']} {search['best_cv_score']:.3f}; card and table in {docs}")
    print(report)


if __name__ == "__main__":
    main()
