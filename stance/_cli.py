"""The ``stance`` command: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from ._data import ReadProgress, iter_keyed_texts
from ._errors import StanceError

EPILOG = {
    "classify": """examples:
  stance classify "There will be consequences for sanctions evasion."
  stance classify --input quotes.txt --output labelled.jsonl --jobs -1
  cat quotes.txt | stance classify --input - > labelled.jsonl
  stance classify --input articles.csv --column quote --output labelled.csv
  stance classify --explain "We firmly oppose unilateral sanctions." """,
    "train": """examples:
  stance train --data my_quotes.jsonl --out models/mine
  stance train --data my_quotes.csv --out models/mine --search --eval held_out.csv""",
    "article": """examples:
  stance article ../shared/seeds/000_7449d0669434d535.txt
  stance article news/*.txt --json > reports.jsonl
  curl -s https://example.org/story.txt | stance article -""",
    "evaluate": """examples:
  stance evaluate                                   # shipped model on the shipped test split
  stance evaluate --model models/mine --data held_out.jsonl --json
  stance evaluate --errors 20 --plot charts/        # 20 most confident mistakes; PNG charts
  stance evaluate --cv 5 --data my_quotes.jsonl     # 5-fold CV of the training recipe; a group
                                                    # column keeps each group on one side""",
}


def _model(path: str | None):
    from ._default import default_model
    from ._format import load_model

    return load_model(path) if path else default_model()


def _line(prediction) -> str:
    scores = " ".join(f"{label}={p:.3f}" for label, p in prediction.scores.items())
    return f"{prediction.label}\t{scores}\t{prediction.text}"


class _Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, enabled: bool, read: ReadProgress | None = None):
        self.enabled = enabled
        self.read = read
        self.n = 0

    def _draw(self, end: str = "") -> None:
        line = f"{self.n:,} statements"
        if self.read is not None and self.read.total:
            share = min(1.0, self.read.done / self.read.total)
            filled = round(share * self.WIDTH)
            line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  {line}"
        print(f"\r{line}", end=end, file=sys.stderr, flush=True)

    def wrap(self, predictions: Iterable) -> Iterator:
        for p in predictions:
            self.n += 1
            if self.enabled and self.n % 5_000 == 0:
                self._draw()
            yield p
        if self.enabled:
            self._draw(end="\n")


def _keyed(rows: Iterable[tuple[int, object, str]], keys: deque) -> Iterator[str]:
    """The statements of ``rows``, queueing each row's ``(line, id, text)`` for :func:`_write_predictions`."""
    for row in rows:
        keys.append(row)
        yield row[2]


def _write_predictions(predictions: Iterable, keys: deque, out, fmt: str, labels: tuple[str, ...]) -> list[int]:
    """Write one row per input row, keyed by its line and id; return the lines of skipped statements."""
    skipped = []
    if fmt == ".csv":
        writer = csv.writer(out)
        writer.writerow(["line", "id", "text", "label", *(f"score_{label}" for label in labels)])
    for p in predictions:
        line, id_, text = keys.popleft()
        if p is None:
            skipped.append(line)
        if fmt == ".csv":
            scores = [""] * len(labels) if p is None else [repr(p.scores[label]) for label in labels]
            writer.writerow([line, "" if id_ is None else id_, text, "" if p is None else p.label, *scores])
            continue
        row = {"line": line} if id_ is None else {"line": line, "id": id_}
        row.update({"text": text, "label": None, "scores": None, "skipped": True} if p is None else p.to_dict())
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return skipped


def _report_skipped(lines: list[int]) -> None:
    if lines:
        shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
        print(f"stance classify: skipped {len(lines)} blank statements (lines {shown})", file=sys.stderr)


def _classify_dask(args: argparse.Namespace) -> int:
    """``--engine dask``: Parquet in, a directory of Parquet out, on a Dask cluster (see stance.dask)."""
    if args.texts or not args.input or not args.output:
        raise _Usage("--engine dask needs --input (Parquet files, a directory or a glob) and --output DIR")
    try:
        from ._batch import effective_jobs
        from .dask import classify_parquet

        run = classify_parquet(
            args.input,
            args.output,
            args.column,
            model=_model(args.model) if args.model else None,
            scheduler=args.scheduler,
            n_workers=effective_jobs(args.jobs) if args.jobs is not None else None,
        )
    except ImportError as exc:
        print(f"stance classify: error: --engine dask needs Dask: pip install 'stance[dask]' ({exc})", file=sys.stderr)
        return 2
    print(run, file=sys.stderr)
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    if args.engine == "dask":
        return _classify_dask(args)
    if args.scheduler:
        raise _Usage("--scheduler needs --engine dask")
    if bool(args.texts) == bool(args.input):
        raise _Usage("give either statements or --input FILE, not both and not neither")
    model = _model(args.model)
    if args.explain:
        if not args.texts:
            raise _Usage("--explain works with statements given as arguments, not with --input")
        for text in args.texts:
            e = model.explain(text, top=args.top)
            print(json.dumps(e.to_dict(), ensure_ascii=False) if args.json else str(e))
        return 0
    if args.texts:
        for text, p in zip(args.texts, model.classify(args.texts, on_error=args.on_error)):
            if p is None:
                print("null" if args.json else f"(skipped: blank)\t\t{text}")
            else:
                print(json.dumps(p.to_dict(), ensure_ascii=False) if args.json else _line(p))
        return 0
    read = ReadProgress(os.path.getsize(args.input)) if os.path.isfile(args.input) else None
    keys: deque = deque()
    rows = iter_keyed_texts(args.input, args.column, read, blank_ok=args.on_error != "raise")
    predictions = model.iter_classify(_keyed(rows, keys), n_jobs=args.jobs, on_error=args.on_error)
    predictions = _Progress(sys.stderr.isatty(), read).wrap(predictions)
    if not args.output:
        _report_skipped(_write_predictions(predictions, keys, sys.stdout, ".jsonl", model.labels))
        return 0
    target = Path(args.output)
    fmt = target.suffix.lower()
    if fmt not in (".jsonl", ".csv"):
        raise _Usage(f"--output must end in .jsonl or .csv, found {target.name!r}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            skipped = _write_predictions(predictions, keys, out, fmt, model.labels)
        os.replace(tmp, target)
        _report_skipped(skipped)
    except BaseException:
        os.unlink(tmp)
        raise
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from ._train import train

    model = train(args.data, search=args.search, eval_data=args.eval, n_jobs=args.jobs)
    model.save(args.out)
    training = model.metadata["training"]
    print(f"trained on {training['n_statements']} statements, labels {', '.join(model.labels)}; saved to {args.out}")
    if "search" in training:
        s = training["search"]
        print(f"cross-validated {s['scoring']} {s['best_cv_score']:.3f} with {s['best_params']}")
    if "evaluation" in model.metadata:
        print(f"macro F1 on {args.eval}: {model.metadata['evaluation']['macro_f1']:.3f}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ._corpus import read_corpus
    from ._evaluate import ERRORS, evaluate

    if args.cv is not None:
        return _cross_validate(args)
    if args.search or args.jobs is not None or args.seed is not None:
        raise _Usage("--search, --jobs and --seed apply to --cv only")
    if args.plot:
        from ._plot import require_matplotlib

        try:
            require_matplotlib()
        except ImportError as exc:
            raise StanceError(str(exc)) from None
    model = _model(args.model)
    data = args.data if args.data else [r for r in read_corpus() if r["split"] == "test"]
    report = evaluate(model, data, errors=ERRORS if args.errors is None else args.errors)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else str(report))
    if args.plot:
        from ._plot import plot_report

        for path in plot_report(report, args.plot):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _cross_validate(args: argparse.Namespace) -> int:
    from ._corpus import read_corpus
    from ._crossval import cross_validate

    if args.model or args.plot or args.errors is not None:
        raise _Usage("--cv trains its own models: it takes no --model, --plot or --errors")
    data = args.data if args.data else [r for r in read_corpus() if r["split"] == "train"]
    seed = 0 if args.seed is None else args.seed
    report = cross_validate(data, args.cv, search=args.search, seed=seed, n_jobs=args.jobs)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else str(report))
    return 0


def cmd_article(args: argparse.Namespace) -> int:
    from ._article import classify_article

    model = _model(args.model)
    for i, name in enumerate(args.files):
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        report = classify_article(text, model, min_words=args.min_words, source="<stdin>" if name == "-" else name)
        print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else ("\n" * (i > 0)) + str(report))
    return 0


class _Usage(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stance", description="Label statements as pressuring, resisting or neutral toward sanctions."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=EPILOG[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    c = command("classify", "Classify statements given as arguments or read from a file.")
    c.add_argument("texts", nargs="*", metavar="statement", help="statements to classify; one output line each")
    c.add_argument(
        "--input", metavar="FILE", help=".txt (one statement per line), .jsonl, .csv or .parquet; - for stdin lines"
    )
    c.add_argument("--output", metavar="FILE", help=".jsonl or .csv (default: JSON lines on stdout)")
    c.add_argument(
        "--column", default="text", help="the statement column of a .jsonl/.csv/.parquet input (default: text)"
    )
    c.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes for large inputs (-1: all cores)"
    )
    c.add_argument("--model", metavar="DIR", help="a saved model directory (default: the shipped model)")
    c.add_argument("--json", action="store_true", help="print statements given as arguments as JSON lines")
    c.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (default): this machine, --jobs processes; dask: --input Parquet files or glob, --output a "
        "directory of Parquet, on a Dask cluster (pip install 'stance[dask]')",
    )
    c.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running Dask scheduler (tcp://host:8786); default: a local cluster, --jobs workers",
    )
    c.add_argument(
        "--on-error",
        choices=("raise", "skip", "neutral"),
        default="raise",
        help="blank statements: fail naming the line (default), skip them (a row with label null), "
        "or label them neutral unscored",
    )
    c.add_argument("--explain", action="store_true", help="show the n-grams that push toward or away from each label")
    c.add_argument("--top", type=int, default=5, metavar="N", help="n-grams listed per label and direction (--explain)")
    c.set_defaults(run=cmd_classify)

    t = command("train", "Train a model on labelled statements and save it.")
    t.add_argument("--data", required=True, metavar="FILE", help=".jsonl, .csv or .parquet with text and label")
    t.add_argument("--out", required=True, metavar="DIR", help="directory to write the model to")
    t.add_argument("--search", action="store_true", help="choose settings by cross-validation on --data")
    t.add_argument("--eval", metavar="FILE", help="held-out labelled statements to score and record in the model")
    t.add_argument("--jobs", type=int, default=None, metavar="N", help="parallel jobs for --search")
    t.set_defaults(run=cmd_train)

    a = command("article", "Extract the attributed statements of news articles and classify them.")
    a.add_argument("files", nargs="+", metavar="FILE", help="articles as plain text (UTF-8); - reads stdin")
    a.add_argument("--json", action="store_true", help="one JSON object per article")
    a.add_argument("--min-words", type=int, default=5, metavar="N", help="shortest statement kept (default: 5)")
    a.add_argument("--model", metavar="DIR", help="a saved model directory (default: the shipped model)")
    a.set_defaults(run=cmd_article)

    e = command("evaluate", "Score a model on labelled statements.")
    e.add_argument("--model", metavar="DIR", help="a saved model directory (default: the shipped model)")
    e.add_argument("--data", metavar="FILE", help="labelled statements (default: the shipped corpus's test split)")
    e.add_argument("--json", action="store_true", help="print the report as one JSON object")
    e.add_argument("--errors", type=int, metavar="N", help="show the N most confident mistakes (default: 10)")
    e.add_argument("--plot", metavar="DIR", help='write confusion.png and reliability.png (pip install "stance[plot]")')
    e.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="K-fold cross-validation of the training recipe on --data (default: the "
        "corpus train split), grouped by a group column when present",
    )
    e.add_argument("--search", action="store_true", help="with --cv: choose settings by CV inside each fold")
    e.add_argument("--seed", type=int, metavar="S", help="with --cv: seed of the fold shuffle (default: 0)")
    e.add_argument("--jobs", type=int, metavar="N", help="with --cv --search: parallel jobs")
    e.set_defaults(run=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except _Usage as exc:
        parser.error(str(exc))
    except BrokenPipeError:
        # The reader stopped early (``stance ... | head``): not an error. Point stdout at
        # /dev/null so that flushing it at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (StanceError, ValueError, TypeError, OSError) as exc:
        print(f"stance {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
