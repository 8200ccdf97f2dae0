"""Labeling rules as data, and the label model that combines their votes.

Rules live in a YAML file (``label.rules`` in params.yaml). Each rule votes for one label of
one task when its words or patterns match, and abstains otherwise. The label model turns the
votes into a label and a confidence per task; it is fitted on gold sentences of the training
split only, so rule weights never see the test articles.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from pipeline.config import LabelSet, load_yaml
from pipeline.errors import UserError

NO_TOPIC = "none"
TASKS = ("topic", "stance")


@dataclass(frozen=True)
class LabelingRule:
    """A named vote: fires when a pattern matches, no exception matches and every condition holds."""

    name: str
    task: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    requires: tuple[re.Pattern[str], ...] = ()

    def fires(self, text: str) -> bool:
        return (
            any(p.search(text) for p in self.patterns)
            and not any(p.search(text) for p in self.unless)
            and all(p.search(text) for p in self.requires)
        )


def _compile(where: str, items: Iterable[Any], words: bool) -> tuple[re.Pattern[str], ...]:
    """Words become one pattern, ``\\b(?:a|b c)\\b``: one search per list, not one per word."""
    items = [str(i) for i in items]
    if words:
        phrases = [r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in items]
        items = [r"\b(?:" + "|".join(phrases) + r")\b"] if phrases else []
    try:
        return tuple(re.compile(i, re.IGNORECASE) for i in items)
    except re.error as exc:
        raise UserError(f"{where}: invalid pattern ({exc})") from None


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    """One alternation for a list of patterns: a rule costs one regex search, not one per word."""
    if len(patterns) < 2:
        return patterns
    return (re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE),)


def _parse_rule(path: Path, position: int, entry: Any, labels: LabelSet) -> LabelingRule:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise UserError(f"{path}: rule #{position} needs a 'name'")
    where = f"{path}: rule '{entry['name']}'"
    task, label = entry.get("task"), entry.get("label")
    allowed = (*labels.topics, NO_TOPIC) if task == "topic" else labels.stances if task == "stance" else ()
    if task not in TASKS:
        raise UserError(f"{where}: 'task' must be one of {', '.join(TASKS)}")
    if label not in allowed:
        raise UserError(f"{where}: label {label!r} is not one of {', '.join(allowed)}")
    patterns = _compile(where, entry.get("words") or [], True) + _compile(where, entry.get("patterns") or [], False)
    if not patterns:
        raise UserError(f"{where}: needs 'words' or 'patterns'")
    unless = _compile(where, entry.get("unless_words") or [], True) + _compile(where, entry.get("unless") or [], False)
    patterns, unless = _any_of(patterns), _any_of(unless)
    requires = tuple(pattern for group in entry.get("requires_any_of") or [] for pattern in _compile(where, group, True))
    return LabelingRule(str(entry["name"]), task, label, patterns, unless, requires)


@dataclass(frozen=True)
class RuleSet:
    """The rules of one file, in file order."""

    rules: tuple[LabelingRule, ...]

    @classmethod
    def load(cls, path: str | Path, labels: LabelSet) -> "RuleSet":
        source = Path(path)
        data = load_yaml(source) or {}
        entries = data.get("rules") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise UserError(f"{source}: expected a top-level 'rules' list")
        rules = tuple(_parse_rule(source, i, entry, labels) for i, entry in enumerate(entries, start=1))
        names = [rule.name for rule in rules]
        duplicate = next((name for name in names if names.count(name) > 1), None)
        if duplicate:
            raise UserError(f"{source}: two rules are named '{duplicate}'")
        return cls(rules)

    def votes(self, texts: Sequence[str]) -> np.ndarray:
        """A boolean matrix: sentence i, rule j fired."""
        return np.array([self._row(text) for text in texts], dtype=bool).reshape(len(texts), len(self.rules))

    @functools.lru_cache(maxsize=1 << 14)
    def _row(self, text: str) -> tuple[bool, ...]:
        """One sentence's votes, remembered: threshold tuning and cross-validation refit on the same sentences."""
        return tuple(rule.fires(text) for rule in self.rules)

    def indices(self, task: str, labels: Iterable[str] | None = None) -> np.ndarray:
        """Columns of the rules of a task, optionally only those voting for given labels."""
        wanted = None if labels is None else set(labels)
        return np.array(
            [j for j, r in enumerate(self.rules) if r.task == task and (wanted is None or r.label in wanted)],
            dtype=int,
        )


@dataclass
class Aggregate:
    """Per-task label-model output: probabilities, and which sentences any rule spoke for."""

    topic_proba: np.ndarray
    topic_covered: np.ndarray
    stance_proba: np.ndarray
    stance_covered: np.ndarray

    def topic_confidence(self) -> np.ndarray:
        """How sure the model is of the whole topic set: its least certain topic decision."""
        return np.where(self.topic_covered, np.maximum(self.topic_proba, 1 - self.topic_proba).min(axis=1), 0.0)

    def stance_confidence(self) -> np.ndarray:
        return np.where(self.stance_covered, self.stance_proba.max(axis=1), 0.0)


class LabelModel:
    """Combine rule votes per label, by majority or by weights fitted on gold.

    ``weighted`` is naive Bayes over rule firings: each rule's firing rates given each label
    are estimated on gold training sentences (Laplace-smoothed), which weighs a rule by how
    accurate it has been and lets a silent rule count as weak evidence. ``majority`` counts
    votes. Either way a sentence no rule of a task fired on stays unlabeled for that task.
    """

    def __init__(self, rules: RuleSet, labels: LabelSet, method: str = "weighted", smoothing: float = 1.0):
        if method not in ("weighted", "majority"):
            raise UserError(f"params.yaml: label.method must be 'weighted' or 'majority', not {method!r}")
        self.rules, self.labels, self.method, self.smoothing = rules, labels, method, smoothing

    def fit(self, votes: np.ndarray, topics: np.ndarray, stances: np.ndarray) -> "LabelModel":
        """Estimate firing rates from gold: ``topics`` is n x T booleans, ``stances`` n class indices."""
        a = self.smoothing
        self.topic_params_ = []
        for t, topic in enumerate(self.labels.topics):
            cols = self.rules.indices("topic", (topic, NO_TOPIC))
            y = topics[:, t].astype(bool)
            fire = votes[:, cols]
            p1 = (fire[y].sum(axis=0) + a) / (y.sum() + 2 * a)
            p0 = (fire[~y].sum(axis=0) + a) / ((~y).sum() + 2 * a)
            prior = (y.sum() + a) / (len(y) + 2 * a)
            self.topic_params_.append((cols, np.log(prior / (1 - prior)), p1, p0))
        cols = self.rules.indices("stance")
        fire = votes[:, cols]
        counts = np.array([(stances == c).sum() for c in range(len(self.labels.stances))])
        rates = np.array([(fire[stances == c].sum(axis=0) + a) / (counts[c] + 2 * a) for c in range(len(counts))])
        self.stance_params_ = (cols, np.log((counts + a) / (counts.sum() + a * len(counts))), rates)
        return self

    def predict(self, votes: np.ndarray) -> Aggregate:
        topic_cols = self.rules.indices("topic")
        stance_cols = self.rules.indices("stance")
        topic_covered = votes[:, topic_cols].any(axis=1) if topic_cols.size else np.zeros(len(votes), bool)
        stance_covered = votes[:, stance_cols].any(axis=1) if stance_cols.size else np.zeros(len(votes), bool)
        if self.method == "majority":
            return Aggregate(self._majority_topics(votes), topic_covered, self._majority_stance(votes), stance_covered)
        return Aggregate(self._weighted_topics(votes), topic_covered, self._weighted_stance(votes), stance_covered)

    def _weighted_topics(self, votes: np.ndarray) -> np.ndarray:
        columns = []
        for cols, prior_logit, p1, p0 in self.topic_params_:
            fire = votes[:, cols].astype(float)
            logit = prior_logit + fire @ np.log(p1 / p0) + (1 - fire) @ np.log((1 - p1) / (1 - p0))
            columns.append(1 / (1 + np.exp(-logit)))
        return np.column_stack(columns)

    def _weighted_stance(self, votes: np.ndarray) -> np.ndarray:
        cols, log_prior, rates = self.stance_params_
        fire = votes[:, cols].astype(float)
        scores = log_prior + fire @ np.log(rates).T + (1 - fire) @ np.log(1 - rates).T
        scores -= scores.max(axis=1, keepdims=True)
        proba = np.exp(scores)
        return proba / proba.sum(axis=1, keepdims=True)

    def _majority_topics(self, votes: np.ndarray) -> np.ndarray:
        against = votes[:, self.rules.indices("topic", (NO_TOPIC,))].sum(axis=1)
        columns = []
        for topic in self.labels.topics:
            support = votes[:, self.rules.indices("topic", (topic,))].sum(axis=1)
            total = support + against
            columns.append(np.divide(support, total, out=np.zeros(len(votes)), where=total > 0))
        return np.column_stack(columns)

    def _majority_stance(self, votes: np.ndarray) -> np.ndarray:
        counts = np.column_stack(
            [votes[:, self.rules.indices("stance", (stance,))].sum(axis=1) for stance in self.labels.stances]
        ).astype(float)
        total = counts.sum(axis=1, keepdims=True)
        uniform = np.full_like(counts, 1 / counts.shape[1])
        return np.divide(counts, total, out=uniform, where=total > 0)


def decide(aggregate: Aggregate, default_stance: int) -> tuple[np.ndarray, np.ndarray]:
    """Hard labels from the label model, for scoring it as a classifier.

    Uncovered sentences get no topic and the default stance, which is what the guide's
    annotators do when nothing in the sentence speaks for a label.
    """
    topics = (aggregate.topic_proba >= 0.5) & aggregate.topic_covered[:, None]
    stance = np.where(aggregate.stance_covered, aggregate.stance_proba.argmax(axis=1), default_stance)
    return topics, stance
