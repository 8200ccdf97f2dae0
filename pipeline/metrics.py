"""Metrics: topic (multi-label) and stance (multiclass) scores, agreement and calibration.

Every function takes plain arrays so that the model, the rules-only baseline, the majority
baseline and a user's gold file are all scored by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

from pipeline.config import LabelSet


HEADLINE = ("topic_micro_f1", "topic_macro_f1", "stance_macro_f1_on_topic")  # the figures every report leads with


def _r(value: float) -> float:
    return round(float(value), 4)


def topic_scores(truth: np.ndarray, predicted: np.ndarray, names: Sequence[str]) -> dict[str, object]:
    """Per-topic precision/recall/F1/support, micro and macro F1, and the exact-match rate."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    p, r, f, support = precision_recall_fscore_support(truth, predicted, average=None, zero_division=0)
    micro = precision_recall_fscore_support(truth, predicted, average="micro", zero_division=0)
    return {
        "per_topic": {
            name: {"precision": _r(p[i]), "recall": _r(r[i]), "f1": _r(f[i]), "support": int(support[i])}
            for i, name in enumerate(names)
        },
        "micro_precision": _r(micro[0]),
        "micro_recall": _r(micro[1]),
        "micro_f1": _r(micro[2]),
        "macro_f1": _r(np.mean(f)) if len(f) else 0.0,
        "exact_match": _r((truth == predicted).all(axis=1).mean()) if len(truth) else 0.0,
        "sentences": int(len(truth)),
    }


def f_beta(truth: np.ndarray, predicted: np.ndarray, beta: float = 1.0) -> float:
    """F-beta of one binary decision (the positive class only); beta < 1 weighs precision more."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    tp = float((truth & predicted).sum())
    denominator = (1 + beta**2) * tp + beta**2 * float((truth & ~predicted).sum()) + float((~truth & predicted).sum())
    return (1 + beta**2) * tp / denominator if denominator else 0.0


def stance_scores(truth: np.ndarray, predicted: np.ndarray, names: Sequence[str]) -> dict[str, object]:
    """Per-class precision/recall/F1/support, macro F1 and accuracy over the given sentences."""
    labels = list(range(len(names)))
    if not len(truth):
        return {"per_class": {}, "macro_f1": None, "accuracy": None, "sentences": 0}
    p, r, f, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    present = support > 0
    return {
        "per_class": {
            name: {"precision": _r(p[i]), "recall": _r(r[i]), "f1": _r(f[i]), "support": int(support[i])}
            for i, name in enumerate(names)
        },
        "macro_f1": _r(f[present].mean()) if present.any() else 0.0,
        "accuracy": _r((truth == predicted).mean()) if len(truth) else 0.0,
        "sentences": int(len(truth)),
    }


def confusion(truth: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    return confusion_matrix(truth, predicted, labels=list(range(n_classes)))


def kappa(first: Sequence[object], second: Sequence[object]) -> float:
    """Cohen's kappa; 1.0 when both annotators used one identical label throughout."""
    if len(set(first) | set(second)) < 2:
        return 1.0
    return _r(cohen_kappa_score(list(first), list(second)))


def expected_calibration_error(truth: np.ndarray, proba: np.ndarray, bins: int = 10) -> float:
    """ECE over binary decisions: the weighted gap between confidence and accuracy per bin."""
    truth, proba = np.asarray(truth, dtype=float).ravel(), np.asarray(proba, dtype=float).ravel()
    if not len(truth):
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(proba, edges[1:-1]), 0, bins - 1)
    gap = sum(
        abs(proba[which == b].mean() - truth[which == b].mean()) * (which == b).sum()
        for b in range(bins)
        if (which == b).any()
    )
    return _r(gap / len(truth))


@dataclass
class Predictions:
    """Hard labels (and probabilities where the predictor has them) for a list of sentences."""

    topics: np.ndarray
    stances: np.ndarray
    topic_proba: np.ndarray | None = None
    stance_proba: np.ndarray | None = None


@dataclass
class Gold:
    """Gold labels for a list of sentences."""

    texts: list[str]
    topics: np.ndarray
    stances: np.ndarray

    @classmethod
    def from_records(cls, records: Sequence[dict[str, Any]], labels: LabelSet) -> "Gold":
        topics = np.array([[t in r["topics"] for t in labels.topics] for r in records], dtype=bool)
        return cls(
            [r["text"] for r in records],
            topics.reshape(len(records), len(labels.topics)),
            np.array([labels.stances.index(r["stance"]) for r in records], dtype=int),
        )


def stance_confusion(gold: Gold, predicted: Predictions, labels: LabelSet) -> list[dict[str, str]]:
    """One row per on-topic test sentence, the shape DVC's confusion template reads."""
    on_topic = gold.topics.any(axis=1)
    return [
        {"actual": labels.stances[a], "predicted": labels.stances[p]}
        for a, p in zip(gold.stances[on_topic], predicted.stances[on_topic])
    ]


def topic_confusion(gold: Gold, predicted: Predictions, topic: int) -> list[dict[str, str]]:
    """One row per test sentence: is the topic there, in truth and in prediction."""
    name = lambda flag: "yes" if flag else "no"  # noqa: E731
    return [{"actual": name(a), "predicted": name(p)} for a, p in zip(gold.topics[:, topic], predicted.topics[:, topic])]


def confusion_matrix_of(rows: list[dict[str, str]], names: Sequence[str]) -> np.ndarray:
    index = {name: i for i, name in enumerate(names)}
    return confusion(
        np.array([index[r["actual"]] for r in rows], dtype=int),
        np.array([index[r["predicted"]] for r in rows], dtype=int),
        len(names),
    )
