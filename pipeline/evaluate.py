"""Evaluate stage: score the model on held-out gold articles, next to two baselines.

Baselines: the majority class (per topic and for stance, from training gold) and the
rules-only labeler (the label model fitted on training gold). Cross-validation by article
gives the spread. The same scoring serves ``topicstance evaluate --gold FILE``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from pipeline.config import LabelSet
from pipeline.errors import UserError
from pipeline.metrics import HEADLINE, Gold, Predictions, expected_calibration_error, stance_scores, topic_scores
from pipeline.model import TopicStanceModel
from pipeline.rules import LabelModel, RuleSet, decide
from pipeline.splits import group_folds
from pipeline.train import fit_tuned



def model_predictions(model: TopicStanceModel, texts: Sequence[str]) -> Predictions:
    features = model.transform(texts)
    topic_proba = model.topic_proba(features)
    stance_proba = model.stance_proba(features)
    return Predictions(model.topics_from(topic_proba), stance_proba.argmax(axis=1), topic_proba, stance_proba)


def score(gold: Gold, predicted: Predictions, labels: LabelSet) -> dict[str, Any]:
    """Topic scores on every sentence; stance on on-topic sentences (the headline) and on all."""
    on_topic = gold.topics.any(axis=1)
    topics = topic_scores(gold.topics, predicted.topics, labels.topics)
    stance_on = stance_scores(gold.stances[on_topic], predicted.stances[on_topic], labels.stances)
    stance_all = stance_scores(gold.stances, predicted.stances, labels.stances)
    result = {
        "topic_micro_f1": topics["micro_f1"],
        "topic_macro_f1": topics["macro_f1"],
        "stance_macro_f1_on_topic": stance_on["macro_f1"],
        "stance_macro_f1_all": stance_all["macro_f1"],
        "topics": topics,
        "stance_on_topic": stance_on,
        "stance_all": stance_all,
    }
    if predicted.topic_proba is not None:
        result["topic_ece"] = expected_calibration_error(gold.topics, predicted.topic_proba)
    return result


def majority_predictions(train: Gold, size: int) -> Predictions:
    """Each topic's and the stance's most frequent training value, for every sentence."""
    topic_majority = train.topics.mean(axis=0) > 0.5
    stance_majority = np.bincount(train.stances).argmax()
    return Predictions(np.tile(topic_majority, (size, 1)), np.full(size, stance_majority))


def rules_predictions(
    rules: RuleSet, labels: LabelSet, label_params: dict[str, Any], train: Gold, test_texts: Sequence[str]
) -> Predictions:
    """The rules-only labeler, fitted on training gold, as a classifier for the test sentences."""
    model = LabelModel(rules, labels, label_params["method"], float(label_params["smoothing"]))
    model.fit(rules.votes(train.texts), train.topics, train.stances)
    topics, stances = decide(model.predict(rules.votes(test_texts)), labels.stances.index(labels.default_stance))
    return Predictions(topics, stances)


def _spread(per_fold: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "mean": round(float(np.mean([f[name] for f in per_fold])), 4),
            "std": round(float(np.std([f[name] for f in per_fold])), 4),
            "folds": len(per_fold),
        }
        for name in HEADLINE
    }


def cross_validate(
    records: list[dict[str, Any]],
    labels: LabelSet,
    params: dict[str, Any],
    rules: RuleSet,
    external: dict[str, Gold] | None = None,
) -> dict[str, Any]:
    """Mean and standard deviation of the headline figures over article-grouped folds.

    Folds are drawn from gold articles (the always-test seed excluded, it is never trained on);
    rule-labeled articles stay in every training fold, as in the real pipeline. Each fold's model
    also scores the ``external`` gold sets, which gives their figures a spread too.
    """
    split = params["split"]
    never_train = set(split.get("always_test") or [])
    gold_records = [r for r in records if r["topics_from"] == "gold" and r["article"] not in never_train]
    folds = group_folds([r["article"] for r in gold_records], int(params["evaluate"]["cv_folds"]), int(split["seed"]))
    per_fold: list[dict[str, Any]] = []
    per_fold_external: dict[str, list[dict[str, Any]]] = {name: [] for name in external or {}}
    for fold in folds:
        held = {gold_records[i]["article"] for i in fold}
        train_rows = [r for r in records if r["article"] not in held and r["article"] not in never_train]
        train_rows = [{**r, "split": "train"} for r in train_rows if r["topics"] is not None or r["stance"] is not None]
        try:
            model = fit_tuned(train_rows, labels, params["train"], int(split["seed"]), rules)
        except UserError:
            continue  # a fold missing every example of a label cannot be trained; "folds" reports how many ran
        test = Gold.from_records([gold_records[i] for i in fold], labels)
        per_fold.append(score(test, model_predictions(model, test.texts), labels))
        for name, gold in (external or {}).items():
            per_fold_external[name].append(score(gold, model_predictions(model, gold.texts), labels))
    if not per_fold:
        raise UserError("cross-validation: no fold could be trained; annotate more articles or lower evaluate.cv_folds")
    return {**_spread(per_fold), "external": {name: _spread(folds_) for name, folds_ in per_fold_external.items()}}


def _baseline(scored: dict[str, Any]) -> dict[str, Any]:
    """A baseline's full figures, plus its per-topic F1 up front: the bar each topic must clear."""
    return {**scored, "topic_f1": {t: v["f1"] for t, v in scored["topics"]["per_topic"].items()}}


def _lift(model: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    return {name: round(model[name] - baseline[name], 4) for name in HEADLINE}


def _gold_rows(records: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    return [r for r in records if r["split"] == split and r["topics_from"] == "gold"]


def evaluate_split(
    records: list[dict[str, Any]], model: TopicStanceModel, labels: LabelSet, params: dict[str, Any], rules: RuleSet
) -> tuple[dict[str, Any], Gold, Predictions, list[dict[str, Any]]]:
    """Metrics of the model and both baselines on the test split, plus what the plots need."""
    train_rows, test_rows = _gold_rows(records, "train"), _gold_rows(records, "test")
    train, test = Gold.from_records(train_rows, labels), Gold.from_records(test_rows, labels)
    predicted = model_predictions(model, test.texts)
    scored = score(test, predicted, labels)
    majority = score(test, majority_predictions(train, len(test_rows)), labels)
    rules_only = score(test, rules_predictions(rules, labels, params["label"], train, test.texts), labels)
    seeds = set(params["split"].get("always_test") or [])
    seed_rows = [i for i, r in enumerate(test_rows) if r["article"] in seeds]
    seed_gold = Gold(
        [test.texts[i] for i in seed_rows], test.topics[seed_rows], test.stances[seed_rows]
    )
    seed_pred = Predictions(predicted.topics[seed_rows], predicted.stances[seed_rows])
    metrics = {
        "test": {"articles": len({r["article"] for r in test_rows}), "sentences": len(test_rows)},
        "model": scored,
        "baselines": {"majority": _baseline(majority), "rules": _baseline(rules_only)},
        "lift": {"over_majority": _lift(scored, majority), "over_rules": _lift(scored, rules_only)},
        "seed": {k: score(seed_gold, seed_pred, labels)[k] for k in HEADLINE} if seed_rows else {},
    }
    return metrics, test, predicted, test_rows


def read_gold_file(path: str, labels: LabelSet) -> list[dict[str, Any]]:
    """A user's labeled sentences (``text``, ``topics``, ``stance`` per line), validated with file:line errors."""
    from pipeline.annotations import validate_labels
    from pipeline.records import iter_jsonl

    rows = []
    for number, record in iter_jsonl(path):
        where = f"{path}:{number}"
        if not isinstance(record.get("text"), str) or not record["text"].strip():
            raise UserError(f"{where}: missing or empty 'text'")
        topics, stance = validate_labels(record, labels, where)
        rows.append({"text": record["text"], "topics": list(topics), "stance": stance})
    if not rows:
        raise UserError(f"{path}: no labeled sentences")
    return rows


def evaluate_gold(path: str, model: TopicStanceModel, labels: LabelSet) -> dict[str, Any]:
    """Score the model on a user's labeled file: the same figures as the test split."""
    gold = Gold.from_records(read_gold_file(path, labels), labels)
    return score(gold, model_predictions(model, gold.texts), labels)


def _styles(path: str | None) -> dict[str, str]:
    from pathlib import Path

    from pipeline.records import read_jsonl

    if not path or not Path(path).exists():
        return {}
    return {r["article"]: r.get("style", "unknown") for r in read_jsonl(path)}


def run(params: dict[str, Any]) -> dict[str, Any]:
    """The DVC stage: metrics.json, plot data, PNG figures, report.md and the model card."""
    from pathlib import Path

    from pipeline.model import load, metadata_path
    from pipeline.records import read_json, read_jsonl, write_json, write_text
    from pipeline.report import (
        by_style,
        error_examples,
        frequent_confusions,
        render_model_card,
        render_report,
        write_plot_data,
    )

    labels = LabelSet.from_params(params)
    conf = params["evaluate"]
    records = read_jsonl(params["data"]["labeled"])
    model = load(params["model"]["path"])
    metadata = read_json(metadata_path(params["model"]["path"]))
    rules = RuleSet.load(params["label"]["rules"], labels)
    metrics, test, predicted, test_rows = evaluate_split(records, model, labels, params, rules)
    external = {
        name: Gold.from_records(read_gold_file(path, labels), labels)
        for name, path in (conf.get("external_gold") or {}).items()
        if Path(path).exists()
    }
    metrics["external"] = {name: score(gold, model_predictions(model, gold.texts), labels) for name, gold in external.items()}
    metrics["cv"] = cross_validate(records, labels, params, rules, external)
    metrics["thresholds"] = metadata["thresholds"]
    out = Path(conf["reports"])
    figures = write_plot_data(out, test, predicted, labels)
    sections = {
        "confusions": frequent_confusions(test, predicted, labels),
        "errors": error_examples(test, predicted, labels),
        "styles": by_style(test_rows, test, predicted, labels, _styles(params["data"].get("article_meta"))),
    }
    write_json(conf["metrics"], metrics)
    write_text(out / "report.md", render_report(metrics, figures, sections, labels))
    write_text(params["model"]["card"], render_model_card(metrics, metadata, labels))
    return metrics
