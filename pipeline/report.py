"""Readable evaluation outputs: the Markdown report with its PNG figures, and the model card."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pipeline.config import LabelSet
from pipeline.metrics import HEADLINE, Gold, Predictions, confusion_matrix_of, stance_confusion, stance_scores, topic_confusion, topic_scores
from pipeline.plots import confusion_png, curves_png
from pipeline.records import write_text
from pipeline.tables import csv_text, markdown_table


def write_plot_data(out: Path, gold: Gold, predicted: Predictions, labels: LabelSet) -> dict[str, str]:
    """CSV files for `dvc plots` and PNG copies for the report; returns figure name -> PNG path."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve

    figures: dict[str, str] = {}
    confusion_dir = out / "plots" / "confusion"
    rows = stance_confusion(gold, predicted, labels)
    write_text(confusion_dir / "stance.csv", csv_text(["actual", "predicted"], [(r["actual"], r["predicted"]) for r in rows]))
    figures["stance confusion (on-topic sentences)"] = _confusion_figure(out, "stance", rows, labels.stances)
    for t, topic in enumerate(labels.topics):
        rows = topic_confusion(gold, predicted, t)
        write_text(confusion_dir / f"topic_{topic}.csv", csv_text(["actual", "predicted"], [(r["actual"], r["predicted"]) for r in rows]))
        figures[f"{topic} confusion"] = _confusion_figure(out, f"topic_{topic}", rows, ("yes", "no"))
    assert predicted.topic_proba is not None
    pr_curves, pr_rows = {}, []
    for t, topic in enumerate(labels.topics):
        if gold.topics[:, t].any():
            precision, recall, _ = precision_recall_curve(gold.topics[:, t], predicted.topic_proba[:, t])
            pr_curves[topic] = (recall, precision)
            pr_rows += [(topic, round(float(r), 4), round(float(p), 4)) for r, p in zip(recall, precision)]
    write_text(out / "plots" / "precision_recall.csv", csv_text(["topic", "recall", "precision"], pr_rows))
    curves_png(pr_curves, "recall", "precision", "Precision-recall per topic (test)", out / "figures" / "precision_recall.png")
    figures["precision-recall per topic"] = "figures/precision_recall.png"
    accuracy, confidence = calibration_curve(gold.topics.ravel(), predicted.topic_proba.ravel(), n_bins=10, strategy="uniform")
    write_text(
        out / "plots" / "calibration.csv",
        csv_text(["confidence", "observed"], [(round(float(c), 4), round(float(a), 4)) for c, a in zip(confidence, accuracy)]),
    )
    curves_png({"topics": (confidence, accuracy)}, "predicted probability", "observed frequency",
               "Topic probability calibration (test)", out / "figures" / "calibration.png", diagonal=True)
    figures["calibration of topic probabilities"] = "figures/calibration.png"
    return figures


def _confusion_figure(out: Path, name: str, rows: list[dict[str, str]], names: Sequence[str]) -> str:
    title = f"{name.replace('_', ': ')} ({len(rows)} test sentences)"
    confusion_png(confusion_matrix_of(rows, names), names, title, out / "figures" / f"confusion_{name}.png")
    return f"figures/confusion_{name}.png"


def headline_rows(metrics: dict[str, Any]) -> list[list[Any]]:
    rows = [["model", *(metrics["model"][k] for k in ("topic_micro_f1", "topic_macro_f1", "stance_macro_f1_on_topic", "stance_macro_f1_all"))]]
    for name, baseline in metrics["baselines"].items():
        rows.append([f"baseline: {name}", *(baseline[k] for k in ("topic_micro_f1", "topic_macro_f1", "stance_macro_f1_on_topic", "stance_macro_f1_all"))])
    return rows


HEADERS = ["predictor", "topic micro-F1", "topic macro-F1", "stance macro-F1 (on-topic)", "stance macro-F1 (all)"]


def error_examples(gold: Gold, predicted: Predictions, labels: LabelSet, limit: int = 10) -> list[list[Any]]:
    """The test sentences the model got most confidently wrong (topic or stance)."""
    assert predicted.topic_proba is not None and predicted.stance_proba is not None
    found = []
    for i, text in enumerate(gold.texts):
        wrong_topics = predicted.topics[i] != gold.topics[i]
        if wrong_topics.any():
            t = int(np.argmax(np.abs(predicted.topic_proba[i] - gold.topics[i]) * wrong_topics))
            p = predicted.topic_proba[i, t]
            found.append((max(p, 1 - p), text, f"{labels.topics[t]}: {'yes' if gold.topics[i, t] else 'no'}",
                          f"{'yes' if predicted.topics[i, t] else 'no'} ({p:.2f})"))
        if predicted.stances[i] != gold.stances[i]:
            p = predicted.stance_proba[i, predicted.stances[i]]
            found.append((p, text, f"stance: {labels.stances[gold.stances[i]]}", f"{labels.stances[predicted.stances[i]]} ({p:.2f})"))
    found.sort(key=lambda row: -row[0])
    return [[text, truth, guess] for _, text, truth, guess in found[:limit]]


def frequent_confusions(gold: Gold, predicted: Predictions, labels: LabelSet, limit: int = 6) -> list[list[Any]]:
    """The most frequent (truth -> prediction) mistakes, each with one example sentence."""
    pairs: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for i, text in enumerate(gold.texts):
        for t, topic in enumerate(labels.topics):
            if gold.topics[i, t] != predicted.topics[i, t]:
                key = (f"{topic}: {'yes' if gold.topics[i, t] else 'no'}", f"{topic}: {'yes' if predicted.topics[i, t] else 'no'}")
                pairs[key] += 1
                example.setdefault(key, text)
        if gold.stances[i] != predicted.stances[i]:
            key = (labels.stances[gold.stances[i]], labels.stances[predicted.stances[i]])
            pairs[key] += 1
            example.setdefault(key, text)
    return [[truth, guess, count, example[(truth, guess)]] for (truth, guess), count in pairs.most_common(limit)]


def by_style(test_rows: list[dict[str, Any]], gold: Gold, predicted: Predictions, labels: LabelSet, styles: dict[str, str]) -> list[list[Any]]:
    """Headline figures per article style (wire, opinion, official ...)."""
    rows = []
    groups: dict[str, list[int]] = {}
    for i, record in enumerate(test_rows):
        groups.setdefault(styles.get(record["article"], "unknown"), []).append(i)
    for style, idx in sorted(groups.items()):
        on_topic = [i for i in idx if gold.topics[i].any()]
        topic_f1 = topic_scores(gold.topics[idx], predicted.topics[idx], labels.topics)["micro_f1"]
        stance_f1 = stance_scores(gold.stances[on_topic], predicted.stances[on_topic], labels.stances)["macro_f1"]
        rows.append([style, len({test_rows[i]["article"] for i in idx}), len(idx), topic_f1, stance_f1])
    return rows


def _spread_text(spread: dict[str, Any] | None) -> str:
    return f"{spread['mean']:.3f} ± {spread['std']:.3f}" if spread else ""


def external_sections(metrics: dict[str, Any]) -> list[str]:
    """Our test split beside each external gold set (real news the project does not ship), and the gap."""
    parts: list[str] = []
    for name, scored in (metrics.get("external") or {}).items():
        spread = metrics["cv"].get("external", {}).get(name, {})
        rows = [
            [k, metrics["model"][k], _spread_text(metrics["cv"][k]), scored[k], _spread_text(spread.get(k)), round(scored[k] - metrics["model"][k], 4)]
            for k in HEADLINE
        ]
        per_topic = [[t, v["precision"], v["recall"], v["f1"], v["support"]] for t, v in scored["topics"]["per_topic"].items()]
        per_stance = [[c, v["precision"], v["recall"], v["f1"], v["support"]] for c, v in scored["stance_on_topic"]["per_class"].items()]
        parts += [
            f"\n## Real news: {name} ({scored['topics']['sentences']} sentences, not shipped) beside the test split\n",
            markdown_table(["metric", "test split", "test, cross-validated", name, f"{name}, cross-validated", "gap"], rows),
            f"\nPer topic on {name}:\n",
            markdown_table(["topic", "precision", "recall", "F1", "support"], per_topic),
            f"\nPer stance class on {name} (on-topic sentences):\n",
            markdown_table(["stance", "precision", "recall", "F1", "support"], per_stance),
        ]
    return parts


def render_report(metrics: dict[str, Any], figures: dict[str, str], sections: dict[str, list[list[Any]]], labels: LabelSet) -> str:
    """reports/report.md: headline table, spread, per-label figures, plots, error analysis."""
    model = metrics["model"]
    parts = [
        "# Evaluation report\n",
        "Generated by `dvc repro` (stage `evaluate`); do not edit by hand. Test split: "
        f"{metrics['test']['sentences']} gold sentences from {metrics['test']['articles']} articles that were never trained on.\n",
        "## Headline: model against baselines\n",
        markdown_table(HEADERS, headline_rows(metrics)),
        "\nLift of the model over the majority baseline: "
        + ", ".join(f"{k} {v:+.3f}" for k, v in metrics["lift"]["over_majority"].items())
        + "; over the rules-only labeler: "
        + ", ".join(f"{k} {v:+.3f}" for k, v in metrics["lift"]["over_rules"].items())
        + ".\n",
        "## Spread: cross-validation by article\n",
        markdown_table(
            ["metric", "mean", "std", "folds"],
            [[k, metrics["cv"][k]["mean"], metrics["cv"][k]["std"], metrics["cv"][k]["folds"]] for k in HEADLINE],
        ),
        *external_sections(metrics),
        "\n## Per topic (test)\n",
        markdown_table(
            ["topic", "precision", "recall", "F1", "F1 of rules only", "support", "threshold"],
            [
                [t, s["precision"], s["recall"], s["f1"], metrics["baselines"]["rules"]["topic_f1"][t], s["support"], metrics["thresholds"].get(t)]
                for t, s in model["topics"]["per_topic"].items()
            ],
        ),
        f"\nExact-match rate of the topic set: {model['topics']['exact_match']:.3f}. "
        f"Expected calibration error of topic probabilities: {model.get('topic_ece', 0):.3f}.\n",
        "\n## Per stance class (test, on-topic sentences)\n",
        markdown_table(
            ["stance", "precision", "recall", "F1", "support"],
            [[c, s["precision"], s["recall"], s["f1"], s["support"]] for c, s in model["stance_on_topic"]["per_class"].items()],
        ),
    ]
    if metrics.get("seed"):
        parts += ["\n## The seed article on its own\n", markdown_table(["metric", "value"], list(map(list, metrics["seed"].items())))]
    parts.append("\n## Figures\n")
    parts += [f"![{name}]({path})\n" for name, path in figures.items()]
    parts += [
        "\n## Error analysis\n",
        "### Most frequent confusions\n",
        markdown_table(["truth", "predicted", "count", "example"], sections["confusions"]),
        "\n### Most confidently wrong test sentences\n",
        markdown_table(["sentence", "truth", "predicted (probability)"], sections["errors"]),
        "\n### By article style\n",
        markdown_table(["style", "articles", "sentences", "topic micro-F1", "stance macro-F1 (on-topic)"], sections["styles"]),
    ]
    return "\n".join(parts)


def render_model_card(metrics: dict[str, Any], metadata: dict[str, Any], labels: LabelSet) -> str:
    """models/MODEL_CARD.md, regenerated with every evaluation so its figures are never stale."""
    training = metadata["training"]
    cv = metrics["cv"]
    params = metadata["params"]
    return "\n".join(
        [
            "# Model card: topicstance sentence classifier\n",
            "Generated by `dvc repro` (stage `evaluate`); do not edit by hand.\n",
            "## What it does\n",
            f"Labels each sentence of an English news article with zero or more topics ({', '.join(labels.topics)}) "
            f"and exactly one stance ({', '.join(labels.stances)}), following the project's labeling guide (docs/labels.md).\n",
            "## Intended use\n",
            "- Reading coverage of the US-Mexico border, the drug trade and the diplomacy around them at scale: which "
            "sentences of which articles are about what, and whether they read as supportive, critical or neutral.\n"
            "- A first pass that people audit: every prediction carries probabilities, and `predict --explain` shows "
            "the words behind it.\n",
            "## Not for\n",
            "- Judging a publication, an author or a person; stance here is the evaluation a sentence expresses, not "
            "the outlet's politics.\n- Text far from its training data (other languages, social media, other topics) "
            "without re-measuring it with `topicstance evaluate --gold`.\n- Automated decisions about people.\n",
            "## Model\n",
            f"TF-IDF features (word 1-{params['word_ngram_max']}-grams"
            + (f", character {params['char_ngram_range'][0]}-{params['char_ngram_range'][1]}-grams" if params.get("char_ngrams") else "")
            + ("; English stop words dropped, negations kept" if params.get("stop_words") else "")
            + ("; the labeling rules' votes as extra features" if params.get("rule_features") else "")
            + ("; four sentiment-lexicon (VADER) valence features with negation" if params.get("valence_features") else "")
            + f"); one logistic regression per topic (C={params['topic_C']}) with per-topic thresholds chosen by "
            f"article-grouped cross-validation on the training split, by F1 or, where `threshold_beta` says so, a "
            f"precision-weighted F-beta ({', '.join(f'{k} {v}' for k, v in metadata['thresholds'].items())}); "
            f"a multinomial logistic regression for stance (C={params['stance_C']}).\n",
            "## Probabilities\n",
            f"Topic probabilities come straight from logistic regression; their expected calibration error on the "
            f"test split is {metrics['model'].get('topic_ece', 0):.3f} (see the reliability plot in reports/report.md), "
            "small enough that no calibration layer is added. Decisions use the per-topic thresholds above.\n",
            "## Training data\n",
            f"{training['articles']} articles written for this project (see docs/corpus.md): "
            f"{training['topic_sentences']['gold']} gold-annotated and {training['topic_sentences']['rules']} rule-labeled "
            f"sentences for topics; {training['stance_sentences']['gold']} gold and {training['stance_sentences']['rules']} "
            f"rule-labeled for stance. Rule-labeled sentences weigh {params['rule_weight']} against 1 for gold. The seed "
            "article and the test articles are never trained on.\n",
            "## Metrics (test split, by article)\n",
            markdown_table(HEADERS, headline_rows(metrics)),
            "\nCross-validated by article: "
            + "; ".join(f"{k} {cv[k]['mean']:.3f} ± {cv[k]['std']:.3f} ({cv[k]['folds']} folds)" for k in HEADLINE)
            + ".\n",
            *external_sections(metrics),
            "## Known limitations\n",
            "- The corpus is written for the project, not sampled from real outlets; scores on it overstate scores on "
            "real news (the real-news table above, when present, measures the gap on a set the project does not ship). "
            "Measure your own text with `topicstance evaluate --gold FILE` on sentences you labeled yourself.\n"
            "- Stance leans on cue words: irony, sarcasm and quoted evaluations the sentence challenges are misread, "
            "and supportive sentences in real news are the weakest class.\n- English only; trained on 2019-2025 events.\n",
            "## Software\n",
            markdown_table(["library", "version"], list(map(list, metadata["libraries"].items()))),
        ]
    )
