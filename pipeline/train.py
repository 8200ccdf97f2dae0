"""Train stage: fit the topic and stance classifiers on the training split.

Gold sentences weigh 1; rule-labeled sentences weigh ``train.rule_weight`` (try
``dvc exp run -S train.rule_weight=0.2``). Per-topic decision thresholds are chosen by
article-grouped cross-validation inside the training split, never on test.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from pipeline.config import LabelSet
from pipeline.errors import UserError
from pipeline.metrics import f_beta
from pipeline.model import TopicStanceModel
from pipeline.rules import RuleSet
from pipeline.splits import group_folds


class TrainingArrays(NamedTuple):
    """Texts, targets and sample weights for the topic and the stance classifiers."""

    topic_texts: list[str]
    topic_targets: np.ndarray
    topic_weights: np.ndarray
    stance_texts: list[str]
    stance_targets: np.ndarray
    stance_weights: np.ndarray


def training_arrays(records: list[dict[str, Any]], labels: LabelSet, rule_weight: float) -> TrainingArrays:
    """Each task trains on the sentences labeled for it; gold weighs 1, rule labels ``rule_weight``."""
    topic_rows = [r for r in records if r["topics"] is not None]
    stance_rows = [r for r in records if r["stance"] is not None]

    def weights(rows: list[dict[str, Any]], source: str) -> np.ndarray:
        return np.array([1.0 if r[source] == "gold" else rule_weight for r in rows])

    topic_y = np.array([[t in r["topics"] for t in labels.topics] for r in topic_rows], dtype=int)
    return TrainingArrays(
        [r["text"] for r in topic_rows],
        topic_y.reshape(len(topic_rows), len(labels.topics)),
        weights(topic_rows, "topics_from"),
        [r["text"] for r in stance_rows],
        np.array([labels.stances.index(r["stance"]) for r in stance_rows], dtype=int),
        weights(stance_rows, "stance_from"),
    )


def fit_model(
    records: list[dict[str, Any]], labels: LabelSet, params: dict[str, Any], rules: RuleSet | None = None
) -> TopicStanceModel:
    """Fit a model on labeled records (all of them: callers pass the training rows)."""
    arrays = training_arrays(records, labels, float(params["rule_weight"]))
    for t, topic in enumerate(labels.topics):
        if arrays.topic_targets.size == 0 or len(set(arrays.topic_targets[:, t])) < 2:
            raise UserError(f"cannot train topic '{topic}': the training split needs sentences with and without it")
    if len(set(arrays.stance_targets)) < 2:
        raise UserError("cannot train stance: the training split needs at least two stances")
    return TopicStanceModel(labels, params, rules).fit(*arrays)


def tune_thresholds(
    records: list[dict[str, Any]], labels: LabelSet, params: dict[str, Any], seed: int, rules: RuleSet | None = None
) -> np.ndarray:
    """Per-topic thresholds maximizing out-of-fold F-beta on the training split's gold sentences.

    Beta is 1 (plain F1) unless ``threshold_beta`` names the topic: below 1 favors precision.
    """
    grid = np.round(np.arange(0.1, 0.91, 0.05), 2)
    gold = [r for r in records if r["topics_from"] == "gold"]
    folds = group_folds([r["article"] for r in gold], int(params["threshold_folds"]), seed)
    if len(folds) < 2:
        return np.full(len(labels.topics), 0.5)
    proba = np.zeros((len(gold), len(labels.topics)))
    for fold in folds:
        held_articles = {gold[i]["article"] for i in fold}
        try:
            fitted = fit_model([r for r in records if r["article"] not in held_articles], labels, params, rules)
        except UserError:
            return np.full(len(labels.topics), 0.5)  # too little data to tune; keep the neutral threshold
        proba[fold] = fitted.topic_proba(fitted.transform([gold[i]["text"] for i in fold]))
    truth = np.array([[t in r["topics"] for t in labels.topics] for r in gold], dtype=bool)
    betas = params.get("threshold_beta") or {}
    best = []
    for t, topic in enumerate(labels.topics):
        beta = float(betas.get(topic, 1.0))
        scores = [f_beta(truth[:, t], proba[:, t] >= g, beta) for g in grid]
        best.append(float(grid[int(np.argmax(scores))]))
    return np.array(best)


def fit_tuned(
    records: list[dict[str, Any]], labels: LabelSet, params: dict[str, Any], seed: int, rules: RuleSet | None = None
) -> TopicStanceModel:
    """The recipe every model goes through: fit, then per-topic thresholds when ``tune_thresholds`` is on."""
    model = fit_model(records, labels, params, rules)
    if params.get("tune_thresholds", True):
        model.thresholds_ = tune_thresholds(records, labels, params, seed, rules)
    return model


def train(
    records: list[dict[str, Any]], labels: LabelSet, params: dict[str, Any], seed: int, rules: RuleSet | None = None
) -> tuple[TopicStanceModel, dict[str, Any]]:
    """The final model and the training counts for its metadata."""
    rows = [r for r in records if r["split"] == "train" and (r["topics"] is not None or r["stance"] is not None)]
    model = fit_tuned(rows, labels, params, seed, rules)
    counts = {
        "topic_sentences": {src: sum(r["topics_from"] == src for r in rows) for src in ("gold", "rules")},
        "stance_sentences": {src: sum(r["stance_from"] == src for r in rows) for src in ("gold", "rules")},
        "articles": len({r["article"] for r in rows}),
        "per_topic": {t: sum(t in (r["topics"] or []) for r in rows) for t in labels.topics},
        "per_stance": {s: sum(r["stance"] == s for r in rows) for s in labels.stances},
    }
    return model, {"training": counts, "params": params}


def run(params: dict[str, Any]) -> dict[str, Any]:
    """The DVC stage: the fitted model and its metadata in models/."""
    from pipeline.model import save
    from pipeline.records import read_jsonl

    labels = LabelSet.from_params(params)
    rules = RuleSet.load(params["label"]["rules"], labels)
    model, extra = train(read_jsonl(params["data"]["labeled"]), labels, params["train"], int(params["split"]["seed"]), rules)
    return save(model, params["model"]["path"], extra)
