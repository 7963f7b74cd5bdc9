"""How the recipe does on real statements: train on the written statements, test on the seed quotes.

    python benchmarks/seeds.py

The corpus's test split shares its writers with the train split, so its figures flatter the
model. The 40 statements quoted from the seed articles are the only real news statements in the
corpus. This script trains the default recipe (``stance.train(search=True)``) on the written
statements alone, and the plain scikit-learn pipeline with the same settings beside it, and
scores both on the seed quotes.
"""

from __future__ import annotations

import stance
from stance._corpus import read_corpus
from stance._evaluate import report_from_labels


def main() -> None:
    rows = read_corpus()
    written = [r for r in rows if r["source"] == "written"]
    seeds = [r for r in rows if r["source"] != "written"]
    model = stance.train(written, search=True, n_jobs=-1)
    ours = stance.evaluate(model, seeds)
    pipeline = stance.StanceModel.to_sklearn(model)  # the same fitted model, as scikit-learn runs it
    theirs = report_from_labels(
        model.labels, [r["label"] for r in seeds], list(pipeline.predict([r["text"] for r in seeds]))
    )
    print(
        f"trained on {len(written)} written statements, settings {model.metadata['training']['search']['best_params']}"
    )
    print(
        f"seed quotes: {len(seeds)}; macro F1 stance {ours.macro_f1:.3f}, scikit-learn pipeline {theirs.macro_f1:.3f}\n"
    )
    print(ours)
    print("\nmisread seed quotes:")
    for r, p in zip(seeds, model.classify([r["text"] for r in seeds])):
        if p.label != r["label"]:
            print(f"  {r['label']:>10} read as {p.label:<10} {r['text']}")


if __name__ == "__main__":
    main()
