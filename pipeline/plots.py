"""PNG figures for the reports, so offline readers need neither a browser nor DVC's HTML page.

matplotlib runs headless (Agg) and without timestamps in the files, so outputs are stable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from pipeline.records import atomic_open


def _figure():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: str | Path) -> None:  # type: ignore[no-untyped-def]
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})


def confusion_png(matrix: np.ndarray, names: Sequence[str], title: str, path: str | Path) -> None:
    """A labeled heatmap of counts: rows are the truth, columns the prediction."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(names), 1.0 + 1.0 * len(names)))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.set_title(title)
    top = matrix.max() if matrix.size else 0
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, str(value), ha="center", va="center", color="white" if value > top / 2 else "black")
    _save(fig, path)
    plt.close(fig)


def curves_png(
    curves: dict[str, tuple[np.ndarray, np.ndarray]], xlabel: str, ylabel: str, title: str, path: str | Path,
    diagonal: bool = False,
) -> None:
    """Several named x/y curves on one axis (precision-recall, reliability)."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(5, 4))
    for name, (x, y) in curves.items():
        ax.plot(x, y, marker="." if diagonal else None, label=name)
    if diagonal:
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize="small")
    _save(fig, path)
    plt.close(fig)
