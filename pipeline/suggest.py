"""Suggest: the unlabeled sentences whose annotation would teach the model most.

Uncertainty sampling: a sentence scores by how close the model is to a decision boundary
(the topic probability nearest its threshold, and the stance margin between the two likeliest
classes), plus a bonus when labeling rules of one task disagree on it. The output is in the
annotation file format with empty labels, ready to fill in and drop into data/annotations/.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.model import TopicStanceModel
from pipeline.rules import RuleSet


def uncertainty(model: TopicStanceModel, texts: list[str]) -> np.ndarray:
    """1 at a decision boundary, 0 far from every boundary; the larger of topic and stance."""
    features = model.transform(texts)
    topic = model.topic_proba(features)
    stance = np.sort(model.stance_proba(features), axis=1)
    distance = np.abs(topic - model.thresholds_) / np.maximum(model.thresholds_, 1 - model.thresholds_)
    topic_uncertainty = 1 - distance.min(axis=1)
    stance_uncertainty = 1 - (stance[:, -1] - stance[:, -2])
    return np.maximum(topic_uncertainty, stance_uncertainty)


def rule_conflicts(rules: RuleSet, texts: list[str]) -> np.ndarray:
    """True where two rules of the same task fired with different labels."""
    votes = rules.votes(texts)
    conflict = np.zeros(len(texts), dtype=bool)
    for task in ("topic", "stance"):
        columns = rules.indices(task)
        fired_labels = [{rules.rules[j].label for j in columns if votes[i, j]} for i in range(len(texts))]
        conflict |= np.array([len(found) > 1 for found in fired_labels], dtype=bool)
    return conflict


def suggest(
    records: list[dict[str, Any]], model: TopicStanceModel, rules: RuleSet, n: int, conflict_bonus: float
) -> list[dict[str, Any]]:
    """The ``n`` most informative sentences without gold labels, most informative first."""
    pool = [r for r in records if r["topics_from"] != "gold" or r["stance_from"] != "gold"]
    if not pool:
        return []
    texts = [r["text"] for r in pool]
    conflicts = rule_conflicts(rules, texts)
    scores = uncertainty(model, texts) + conflict_bonus * conflicts
    order = sorted(range(len(pool)), key=lambda i: (-scores[i], pool[i]["article"], pool[i]["index"]))[:n]
    return [
        {
            "article": pool[i]["article"],
            "text": pool[i]["text"],
            "topics": [],
            "stance": "",
            "why": f"uncertainty {scores[i]:.2f}" + ("; labeling rules disagree" if conflicts[i] else ""),
        }
        for i in order
    ]
