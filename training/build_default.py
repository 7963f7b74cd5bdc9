"""Build the shipped default model from the corpus: the recipe.

    python training/build_default.py [--out DIR]

Trains on the corpus's train split with ``stance.train(search=True)`` (the
settings are chosen by cross-validation on the train split alone), scores the
test split, records those figures in the model's metadata and writes the
model to ``stance/default_model`` (or ``--out``). Running it twice gives
byte-identical files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import stance
from stance._corpus import read_corpus

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "stance" / "default_model"


def build(out: Path, corpus_dir: Path | None = None) -> stance.StanceModel:
    rows = read_corpus(corpus_dir)
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    model = stance.train(train, search=True, eval_data=test)
    model.save(out)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"model directory (default: {DEFAULT_OUT})")
    args = parser.parse_args()
    model = build(args.out)
    search = model.metadata["training"]["search"]
    print(f"saved {args.out}: best {search['best_params']}, CV macro F1 {search['best_cv_macro_f1']:.3f}")
    print(stance.Report(**{**model.metadata["evaluation"], "labels": tuple(model.labels)}))


if __name__ == "__main__":
    main()
