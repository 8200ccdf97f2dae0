"""Label stage: gold annotations where they exist, aggregated rule votes elsewhere.

Gold always wins. The label model is fitted on gold sentences of the training split only;
sentences whose rule-based confidence is below ``label.min_confidence`` stay unlabeled and
are not trained on. The stage also writes the labeling report (reports/labeling.*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from pipeline.annotations import Annotation, load_annotations, match_annotations
from pipeline.config import LabelSet
from pipeline.errors import UserError
from pipeline.metrics import stance_scores, topic_scores
from pipeline.rules import NO_TOPIC, Aggregate, LabelModel, RuleSet, decide
from pipeline.splits import assign_splits, group_folds
from pipeline.tables import markdown_table


@dataclass
class GoldMatrix:
    """Gold labels of a list of sentences as arrays (rows without gold are False / -1)."""

    has_gold: np.ndarray
    topics: np.ndarray
    stances: np.ndarray

    @classmethod
    def build(cls, keys: list[tuple[str, int]], gold: dict[tuple[str, int], Annotation], labels: LabelSet) -> "GoldMatrix":
        has = np.array([key in gold for key in keys], dtype=bool)
        topics = np.array([[t in gold[k].topics if k in gold else False for t in labels.topics] for k in keys], bool)
        stances = np.array([labels.stances.index(gold[k].stance) if k in gold else -1 for k in keys], dtype=int)
        return cls(has, topics.reshape(len(keys), len(labels.topics)), stances)


def label_sentences(
    sentences: list[dict[str, Any]], params: dict[str, Any], labels: LabelSet
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Labeled sentence records, and the labeling report's figures."""
    conf = params["label"]
    split_conf = params["split"]
    rules = RuleSet.load(conf["rules"], labels)
    gold = match_annotations(sentences, load_annotations(params["data"]["annotations"], labels))
    keys = [(s["article"], s["index"]) for s in sentences]
    gold_arrays = GoldMatrix.build(keys, gold, labels)
    splits = assign_splits(
        (s["article"] for s in sentences),
        {article for article, _ in gold},
        float(split_conf["test_fraction"]),
        int(split_conf["seed"]),
        split_conf.get("always_test") or [],
    )
    split = np.array([splits[s["article"]] for s in sentences])
    votes = rules.votes([s["text"] for s in sentences])
    fit_rows = gold_arrays.has_gold & (split == "train")
    if not fit_rows.any():
        raise UserError(f"{params['data']['annotations']}: no gold sentence in the training split to fit rule weights on")
    model = LabelModel(rules, labels, conf["method"], float(conf["smoothing"]))
    model.fit(votes[fit_rows], gold_arrays.topics[fit_rows], gold_arrays.stances[fit_rows])
    aggregate = model.predict(votes)
    records = list(_records(sentences, split, votes, rules, gold, aggregate, labels, float(conf["min_confidence"])))
    test_rows = gold_arrays.has_gold & (split == "test")
    report = {
        "rules_on_test": rules_on_test(aggregate, gold_arrays, test_rows, labels),
        "rules": rule_table(rules, labels, votes, gold_arrays, fit_rows),
        "labels": label_counts(records, labels),
        "methods": compare_methods(rules, labels, votes, gold_arrays, fit_rows, sentences, conf, split_conf),
        "method": conf["method"],
        "min_confidence": float(conf["min_confidence"]),
    }
    return records, report


def _records(
    sentences: list[dict[str, Any]],
    split: np.ndarray,
    votes: np.ndarray,
    rules: RuleSet,
    gold: dict[tuple[str, int], Annotation],
    aggregate: Aggregate,
    labels: LabelSet,
    threshold: float,
) -> Iterator[dict[str, Any]]:
    """One labeled record per sentence: gold as annotated, otherwise rules above the confidence threshold."""
    topic_conf = aggregate.topic_confidence()
    stance_conf = aggregate.stance_confidence()
    for i, sentence in enumerate(sentences):
        annotation = gold.get((sentence["article"], sentence["index"]))
        record = {**sentence, "split": str(split[i]), "rules": [r.name for r, f in zip(rules.rules, votes[i]) if f]}
        if annotation is not None:
            record.update(topics=list(annotation.topics), topics_from="gold", topic_confidence=1.0)
            record.update(stance=annotation.stance, stance_from="gold", stance_confidence=1.0)
        else:
            confident_topics = topic_conf[i] >= threshold
            chosen = [t for t, p in zip(labels.topics, aggregate.topic_proba[i]) if p >= 0.5]
            record.update(
                topics=chosen if confident_topics else None,
                topics_from="rules" if confident_topics else "unlabeled",
                topic_confidence=round(float(topic_conf[i]), 4),
            )
            confident_stance = stance_conf[i] >= threshold
            record.update(
                stance=labels.stances[int(aggregate.stance_proba[i].argmax())] if confident_stance else None,
                stance_from="rules" if confident_stance else "unlabeled",
                stance_confidence=round(float(stance_conf[i]), 4),
            )
        yield record


def rules_on_test(aggregate: Aggregate, gold: GoldMatrix, rows: np.ndarray, labels: LabelSet) -> dict[str, Any]:
    """The rules-only labeler scored on the gold test split: the baseline the trained model must beat."""
    topics, stances = decide(aggregate, labels.stances.index(labels.default_stance))
    truth = gold.topics[rows]
    on_topic = truth.any(axis=1)
    topic = topic_scores(truth, topics[rows], labels.topics)
    return {
        "sentences": int(rows.sum()),
        "topic_f1": {t: v["f1"] for t, v in topic["per_topic"].items()},
        "topic_micro_f1": topic["micro_f1"],
        "stance_macro_f1_on_topic": stance_scores(gold.stances[rows][on_topic], stances[rows][on_topic], labels.stances)["macro_f1"],
    }


def rule_table(
    rules: RuleSet, labels: LabelSet, votes: np.ndarray, gold: GoldMatrix, fit_rows: np.ndarray
) -> list[dict[str, Any]]:
    """Snorkel-style summary per rule: coverage, overlap, conflict, and accuracy on training gold."""
    table = []
    for j, rule in enumerate(rules.rules):
        fired = votes[:, j]
        others = [k for k in rules.indices(rule.task) if k != j]
        disagreeing = [k for k in others if rules.rules[k].label != rule.label]
        on_gold = fired & fit_rows
        correct = _rule_correct(rule.task, rule.label, labels, gold)[on_gold]
        table.append(
            {
                "rule": rule.name,
                "task": rule.task,
                "label": rule.label,
                "coverage": _share(fired),
                "overlap": _share(fired & votes[:, others].any(axis=1)) if others else 0.0,
                "conflict": _share(fired & votes[:, disagreeing].any(axis=1)) if disagreeing else 0.0,
                "gold_fired": int(on_gold.sum()),
                "accuracy": round(float(correct.mean()), 4) if correct.size else None,
            }
        )
    return table


def _share(mask: np.ndarray) -> float:
    return round(float(mask.mean()), 4) if len(mask) else 0.0


def _rule_correct(task: str, label: str, labels: LabelSet, gold: GoldMatrix) -> np.ndarray:
    if task == "stance":
        return gold.stances == labels.stances.index(label)
    if label == NO_TOPIC:
        return ~gold.topics.any(axis=1)
    return gold.topics[:, labels.topics.index(label)]


def label_counts(records: list[dict[str, Any]], labels: LabelSet) -> dict[str, dict[str, int]]:
    """Per label: sentences labeled by gold, by rules, and left unlabeled."""
    counts: dict[str, dict[str, int]] = {}
    for name in (*labels.topics, "other", *labels.stances):
        counts[name] = {"gold": 0, "rules": 0}
    for record in records:
        if record["topics"] is not None:
            for topic in record["topics"] or ["other"]:
                counts[topic][record["topics_from"]] += 1
        if record["stance"] is not None:
            counts[record["stance"]][record["stance_from"]] += 1
    unlabeled_topics = sum(r["topics"] is None for r in records)
    unlabeled_stance = sum(r["stance"] is None for r in records)
    counts["_unlabeled"] = {"topics": unlabeled_topics, "stance": unlabeled_stance}
    return counts


def compare_methods(
    rules: RuleSet,
    labels: LabelSet,
    votes: np.ndarray,
    gold: GoldMatrix,
    fit_rows: np.ndarray,
    sentences: list[dict[str, Any]],
    conf: dict[str, Any],
    split_conf: dict[str, Any],
) -> dict[str, dict[str, float]]:
    """Majority vote against weighted aggregation on training gold, by article-grouped cross-validation."""
    rows = np.flatnonzero(fit_rows)
    groups = [sentences[i]["article"] for i in rows]
    folds = group_folds(groups, int(split_conf["folds"]), int(split_conf["seed"]))
    default = labels.stances.index(labels.default_stance)
    results: dict[str, dict[str, float]] = {}
    for method in ("majority", "weighted"):
        topic_pred = np.zeros_like(gold.topics[rows])
        stance_pred = np.zeros(len(rows), dtype=int)
        for fold in folds:
            held = np.zeros(len(rows), bool)
            held[fold] = True
            model = LabelModel(rules, labels, method, float(conf["smoothing"]))
            model.fit(votes[rows[~held]], gold.topics[rows[~held]], gold.stances[rows[~held]])
            topic_pred[held], stance_pred[held] = decide(model.predict(votes[rows[held]]), default)
        on_topic = gold.topics[rows].any(axis=1)
        results[method] = {
            "topic_micro_f1": topic_scores(gold.topics[rows], topic_pred, labels.topics)["micro_f1"],
            "stance_macro_f1_on_topic": stance_scores(
                gold.stances[rows][on_topic], stance_pred[on_topic], labels.stances
            )["macro_f1"],
        }
    return results


def render_report(report: dict[str, Any]) -> str:
    """reports/labeling.md: which rules help, which hurt, and how much is labeled by what."""
    rules = report["rules"]
    counts = {k: v for k, v in report["labels"].items() if not k.startswith("_")}
    unlabeled = report["labels"]["_unlabeled"]
    methods = report["methods"]
    return "\n".join(
        [
            "# Labeling report\n",
            "Generated by `dvc repro` (stage `label`). Accuracy is measured on gold sentences of the training split; "
            "coverage, overlap and conflict on all sentences.\n",
            f"The rules alone, scored on the {report['rules_on_test']['sentences']} gold sentences of the test split "
            f"(the baseline the trained model must beat, see reports/report.md): topic micro-F1 "
            f"{report['rules_on_test']['topic_micro_f1']:.3f} ("
            + ", ".join(f"{t} {f:.3f}" for t, f in report["rules_on_test"]["topic_f1"].items())
            + f"), stance macro-F1 on on-topic sentences {report['rules_on_test']['stance_macro_f1_on_topic']:.3f}.\n",
            "## Rules\n",
            markdown_table(
                ["rule", "task", "label", "coverage", "overlap", "conflict", "fired on gold", "accuracy on gold"],
                [[r["rule"], r["task"], r["label"], r["coverage"], r["overlap"], r["conflict"], r["gold_fired"], r["accuracy"]] for r in rules],
            ),
            "\n## Labels by source\n",
            markdown_table(["label", "gold", "rules"], [[k, v["gold"], v["rules"]] for k, v in counts.items()]),
            f"\nUnlabeled (no rule spoke, or confidence below {report['min_confidence']}): "
            f"{unlabeled['topics']} sentences for topics, {unlabeled['stance']} for stance.\n",
            "## Aggregation: majority vote against weighted (cross-validated on training gold)\n",
            markdown_table(
                ["method", "topic micro-F1", "stance macro-F1 (on-topic)"],
                [[m, v["topic_micro_f1"], v["stance_macro_f1_on_topic"]] for m, v in methods.items()],
            ),
            f"\nIn use: `{report['method']}` (params.yaml `label.method`). When the two are within noise of each other, "
            "`weighted` is kept: its confidences are graded, so `label.min_confidence` can hold back weak labels, "
            "while majority vote gives full confidence to any lone rule.\n",
        ]
    )


def run(params: dict[str, Any]) -> dict[str, Any]:
    """The DVC stage: labeled sentences plus reports/labeling.json and reports/labeling.md."""
    from pipeline.records import read_jsonl, write_json, write_jsonl, write_text

    labels = LabelSet.from_params(params)
    records, report = label_sentences(read_jsonl(params["data"]["sentences"]), params, labels)
    write_jsonl(params["data"]["labeled"], records)
    write_json(params["label"]["report"], report)
    write_text(params["label"]["report_md"], render_report(report))
    return report
