"""PNG charts of a :class:`~stance.Report`, with matplotlib (the optional ``plot`` extra).

matplotlib is imported only inside :func:`plot_report`, through its
object-oriented API (no ``pyplot``): it draws with the Agg renderer and leaves
the caller's matplotlib backend alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

INSTALL_HINT = 'plotting needs matplotlib: pip install "stance[plot]"'


def require_matplotlib() -> None:
    """Raise ``ImportError`` with the install command when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(INSTALL_HINT) from None


def plot_report(report: Any, directory: str | os.PathLike[str]) -> list[Path]:
    """Write ``confusion.png`` (heat map) and ``reliability.png`` (reliability diagram) into ``directory``.

    Parameters
    ----------
    report : Report
        From :func:`stance.evaluate` (the reliability diagram needs its calibration).
    directory : path
        Created if missing.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ImportError
        If matplotlib is not installed; the message says how to install it.
    """
    require_matplotlib()
    from matplotlib.figure import Figure

    if report.calibration is None:
        raise ValueError("the report has no calibration figures: make it with stance.evaluate")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "confusion.png", out / "reliability.png"]

    labels = list(report.labels)
    confusion = report.confusion
    fig = Figure(figsize=(1.6 + 1.3 * len(labels), 1.2 + 1.3 * len(labels)), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(confusion, cmap="Blues")
    top = max(max(row) for row in confusion) or 1
    for i, row in enumerate(confusion):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center", color="white" if count > top / 2 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"confusion, n = {report.n}, macro F1 {report.macro_f1:.3f}")
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.savefig(written[0], dpi=100)

    cal = report.calibration
    filled = [b for b in cal.bins if b.count]
    fig = Figure(figsize=(5, 5), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.bar(
        [b.low for b in cal.bins if b.count],
        [b.accuracy for b in filled],
        width=[b.high - b.low for b in filled],
        align="edge",
        edgecolor="black",
        alpha=0.7,
        label="accuracy in bin",
    )
    points = ([b.confidence for b in filled], [b.accuracy for b in filled])
    ax.plot(*points, marker="o", color="black", label="(mean confidence, accuracy)")
    for b in filled:
        ax.text(b.low + (b.high - b.low) / 2, 0.02, str(b.count), ha="center", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (probability of the predicted label)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"reliability: ECE {cal.ece:.3f}, Brier {cal.brier:.3f}")
    ax.legend(loc="upper left")
    fig.savefig(written[1], dpi=100)
    return written
