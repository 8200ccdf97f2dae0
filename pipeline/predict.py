"""Predict: classify new articles sentence by sentence with the trained model.

Articles go through the very same ``clean`` and ``segment`` code as the training corpus,
so what the model sees at prediction time is what it was trained on.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from pipeline.clean import CleaningRules, clean_text
from pipeline.errors import UserError
from pipeline.model import TopicStanceModel
from pipeline.segment import MergeRule, article_sentences
from pipeline.text import repair

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
STDIN = "-"


@dataclass
class Document:
    """One input: where it came from and its sentences."""

    name: str
    sentences: list[str]


def expand_paths(paths: Sequence[str], problems: list[str]) -> Iterator[str]:
    """Files as given, directories walked recursively for text files, ``-`` for stdin.

    A path that cannot be used is reported in ``problems`` and skipped, so one bad path
    does not stop a run over an archive.
    """
    for raw in paths:
        if raw == STDIN:
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                problems.append(f"{path}: directory has no .txt, .md or .html files")
            yield from (p.as_posix() for p in found)
        elif path.is_file():
            yield path.as_posix()
        else:
            problems.append(f"{path}: no such file or directory")


def read_input(name: str, problems: list[str], max_bytes: int) -> str | None:
    """The text of one input; invalid UTF-8 is replaced and warned about, binary files refused."""
    try:
        data = sys.stdin.buffer.read() if name == STDIN else Path(name).read_bytes()
    except OSError as exc:
        problems.append(f"{name}: cannot read ({exc.strerror or exc})")
        return None
    if len(data) > max_bytes:
        problems.append(f"{name}: larger than {max_bytes // 1_000_000} MB; use --lines to stream it")
        return None
    if b"\x00" in data[:8192]:
        problems.append(f"{name}: binary file, not text")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"warning: {name}: invalid UTF-8 at byte {exc.start}; replaced undecodable bytes", file=sys.stderr)
        text = data.decode("utf-8", errors="replace")
    if not text.strip():
        problems.append(f"{name}: empty file")
        return None
    return text


def html_to_text(name: str, html: str) -> str | None:
    """The article text of a saved web page, extracted by trafilatura (headline first)."""
    import trafilatura

    extracted = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    if not extracted or not getattr(extracted, "text", None):
        return None
    title = getattr(extracted, "title", None)
    return f"{title}\n\n{extracted.text}" if title else extracted.text


def documents(
    paths: Sequence[str],
    rules: CleaningRules,
    segmenting: tuple[str, Sequence[MergeRule]],
    lines: bool,
    problems: list[str],
    max_bytes: int,
) -> Iterator[Document]:
    """Every readable input as a document of sentences."""
    for name in expand_paths(paths, problems):
        text = read_input(name, problems, max_bytes)
        if text is None:
            continue
        if lines:
            yield Document(name, [repair(line) for line in text.splitlines() if line.strip()])
            continue
        if name.lower().endswith((".html", ".htm")):
            extracted = html_to_text(name, text)
            if extracted is None:
                problems.append(f"{name}: no article text found in the HTML page")
                continue
            text = extracted
        cleaned = clean_text(name, text, rules).to_record(name)
        sentences = article_sentences(cleaned, *segmenting)
        if not sentences:
            problems.append(f"{name}: no sentences left after cleaning")
            continue
        yield Document(name, sentences)


def classify(model: TopicStanceModel, document: Document) -> list[dict[str, Any]]:
    """One output record per sentence, in order, with labels and probabilities."""
    features = model.transform(document.sentences)
    topic_proba = model.topic_proba(features)
    stance_proba = model.stance_proba(features)
    chosen = model.topics_from(topic_proba)
    labels = model.labels
    return [
        {
            "article": document.name,
            "index": i,
            "text": text,
            "topics": [t for t, on in zip(labels.topics, chosen[i]) if on],
            "stance": labels.stances[int(stance_proba[i].argmax())],
            "topic_scores": {t: round(float(p), 4) for t, p in zip(labels.topics, topic_proba[i])},
            "stance_scores": {s: round(float(p), 4) for s, p in zip(labels.stances, stance_proba[i])},
        }
        for i, text in enumerate(document.sentences)
    ]


def summarize(records: Sequence[dict[str, Any]], topics: Sequence[str], stances: Sequence[str]) -> dict[str, Any]:
    """An article's reading: share of sentences per topic, stance counts per topic, overall lean."""
    total = len(records)
    per_topic = {t: [r for r in records if t in r["topics"]] for t in topics}
    on_topic = [r for r in records if r["topics"]]
    counts = {s: sum(r["stance"] == s for r in on_topic) for s in stances}
    return {
        "article": records[0]["article"] if records else "",
        "sentences": total,
        "topic_share": {t: round(len(rows) / total, 3) if total else 0.0 for t, rows in per_topic.items()},
        "stance_by_topic": {t: {s: sum(r["stance"] == s for r in rows) for s in stances} for t, rows in per_topic.items()},
        "overall": overall_reading(counts),
    }


def overall_reading(counts: dict[str, int]) -> str:
    """The stance that most on-topic sentences take, or 'mixed'/'no topic' when none leads."""
    if not any(counts.values()):
        return "no topic"
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return "mixed"
    return ranked[0][0]


def explain(model: TopicStanceModel, text: str, top: int = 3) -> dict[str, list[str]]:
    """The features of this sentence that pushed each predicted label most (coefficient x value)."""
    from pipeline.features import feature_names

    features = model.transform([text])
    names = feature_names(model.vectorizer_)
    row = features.tocsr()
    columns, values = row.indices, row.data
    reasons: dict[str, list[str]] = {}
    for t, topic in enumerate(model.labels.topics):
        reasons[topic] = _top_features(model.topic_models_[t].coef_[0], columns, values, names, top)
    stance = int(model.stance_proba(features)[0].argmax())
    classes = list(model.stance_model_.classes_)
    coef = model.stance_model_.coef_
    weights = coef[classes.index(stance)] if coef.shape[0] > 1 else (coef[0] if stance == classes[1] else -coef[0])
    reasons[f"stance:{model.labels.stances[stance]}"] = _top_features(weights, columns, values, names, top)
    return reasons


def _top_features(weights: np.ndarray, columns: np.ndarray, values: np.ndarray, names: list[str], top: int) -> list[str]:
    contribution = weights[columns] * values
    order = np.argsort(-contribution)[:top]
    return [names[columns[i]].split("__", 1)[1] for i in order if contribution[i] > 0]


FORMATS = ("table", "jsonl", "csv", "json")
CSV_FIELDS = ("article", "index", "text", "topics", "stance", "topic_scores", "stance_scores")


def format_jsonl(record: dict[str, Any]) -> str:
    from pipeline.records import dumps

    return dumps(record) + "\n"


def format_csv_rows(records: Iterable[dict[str, Any]], header: bool) -> str:
    """CSV with topics joined by ';' and scores flattened to one column per label."""
    from pipeline.tables import csv_text

    records = list(records)
    if not records:
        return ""
    topic_names = list(records[0]["topic_scores"])
    stance_names = list(records[0]["stance_scores"])
    headers = ["article", "index", "text", "topics", "stance", *(f"p_{t}" for t in topic_names), *(f"p_{s}" for s in stance_names)]
    rows = [
        [r["article"], r["index"], r["text"], ";".join(r["topics"]), r["stance"],
         *(r["topic_scores"][t] for t in topic_names), *(r["stance_scores"][s] for s in stance_names)]
        for r in records
    ]
    text = csv_text(headers, rows)
    return text if header else text.split("\n", 1)[1]


STANCE_COLORS = {"supportive": "green", "critical": "red", "neutral": "white"}


def format_table(records: Sequence[dict[str, Any]], summary: dict[str, Any], color: bool, width: int = 100) -> str:
    """A readable per-article table: index, topics, stance with its probability, sentence."""
    import textwrap

    import click

    style = (lambda text, fg: click.style(text, fg=fg)) if color else (lambda text, fg: text)
    lines = [style(f"== {summary['article']}", "cyan")]
    text_width = max(width - 44, 30)
    for r in records:
        topics = ", ".join(r["topics"]) or "other"
        confidence = r["stance_scores"][r["stance"]]
        wrapped = textwrap.wrap(r["text"], text_width) or [""]
        stance = style(f"{r['stance']:<10}", STANCE_COLORS.get(r["stance"], "white"))
        lines.append(f"{r['index']:>3}  {topics:<28} {stance} {confidence:4.2f}  {wrapped[0]}")
        lines += [" " * 49 + more for more in wrapped[1:]]
        if "explain" in r:
            reasons = "; ".join(f"{k}: {', '.join(v)}" for k, v in r["explain"].items() if v)
            lines.append(" " * 49 + style(f"why: {reasons}", "bright_black"))
    lines.append(format_summary_line(summary))
    return "\n".join(lines) + "\n\n"


def format_summary_line(summary: dict[str, Any]) -> str:
    shares = ", ".join(f"{t} {share:.0%}" for t, share in summary["topic_share"].items())
    return f"{summary['article']}: {summary['sentences']} sentences; {shares}; overall {summary['overall']}"
