"""Predict: classify new articles sentence by sentence with the trained model.

Articles go through the very same ``clean`` and ``segment`` code as the training corpus, so
what the model sees at prediction time is what it was trained on. ``--lines`` input streams
in batches, so an archive of any size runs in bounded memory and output starts at once.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, ContextManager, Iterable, Iterator, Sequence

import numpy as np

from pipeline.clean import CleaningRules, clean_text
from pipeline.model import TopicStanceModel
from pipeline.records import dumps
from pipeline.segment import MergeRule, article_sentences
from pipeline.tables import csv_text
from pipeline.text import quick_normalize

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
STDIN = "-"
FORMATS = ("table", "jsonl", "csv", "json")
STANCE_COLORS = {"supportive": "green", "critical": "red", "neutral": "white"}


@dataclass
class Document:
    """Sentences of one input; a streamed input arrives as several batches."""

    name: str
    sentences: list[str]
    start: int = 0
    last: bool = True


@dataclass
class Reader:
    """How inputs become documents, and the problems met on the way (one line each)."""

    rules: CleaningRules
    language: str
    merges: Sequence[MergeRule]
    max_bytes: int
    batch_size: int = 2000
    problems: list[str] = field(default_factory=list)

    def expand(self, paths: Sequence[str]) -> list[str]:
        """Files as given, directories searched recursively for text files, ``-`` for stdin."""
        found: list[str] = []
        for raw in paths:
            path = Path(raw)
            if raw == STDIN or path.is_file():
                found.append(raw if raw == STDIN else path.as_posix())
            elif path.is_dir():
                inside = sorted(p.as_posix() for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
                if not inside:
                    self.problems.append(f"{path}: directory has no .txt, .md or .html files")
                found += inside
            else:
                self.problems.append(f"{path}: no such file or directory")
        return found

    def documents(self, names: Iterable[str], lines: bool) -> Iterator[Document]:
        for name in names:
            yield from (self._lines(name) if lines else self._article(name))

    def _open(self, name: str) -> ContextManager[IO[bytes]] | None:
        """The input as a context manager; standard input is used, never closed."""
        try:
            return nullcontext(sys.stdin.buffer) if name == STDIN else open(name, "rb")  # noqa: SIM115
        except OSError as exc:
            self.problems.append(f"{name}: cannot read ({exc.strerror or exc})")
            return None

    def _decode(self, name: str, data: bytes, warned: bool) -> tuple[str, bool]:
        try:
            return data.decode("utf-8"), warned
        except UnicodeDecodeError as exc:
            if not warned:
                print(f"warning: {name}: invalid UTF-8 at byte {exc.start}; replaced undecodable bytes", file=sys.stderr)
            return data.decode("utf-8", errors="replace"), True

    def _lines(self, name: str) -> Iterator[Document]:
        """One sentence per non-empty line, in batches; no cleaning or segmentation."""
        handle = self._open(name)
        if handle is None:
            return
        batch: list[str] = []
        start, warned, seen = 0, False, False
        with handle as stream:
            for raw in stream:
                if not seen and b"\x00" in raw:
                    self.problems.append(f"{name}: binary file, not text")
                    return
                text, warned = self._decode(name, raw, warned)
                if text.strip():
                    seen = True
                    batch.append(quick_normalize(text))
                if len(batch) >= self.batch_size:
                    yield Document(name, batch, start, last=False)
                    start, batch = start + len(batch), []
        if not seen:
            self.problems.append(f"{name}: empty file")
            return
        yield Document(name, batch, start, last=True)

    def _article(self, name: str) -> Iterator[Document]:
        """A whole article: HTML extraction if needed, then the pipeline's clean and segment."""
        handle = self._open(name)
        if handle is None:
            return
        with handle as stream:
            data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            self.problems.append(f"{name}: larger than {self.max_bytes // 1_000_000} MB; split it, or use --lines to stream it")
            return
        if b"\x00" in data[:8192]:
            self.problems.append(f"{name}: binary file, not text")
            return
        text, _ = self._decode(name, data, False)
        if not text.strip():
            self.problems.append(f"{name}: empty file")
            return
        if name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            extracted = html_to_text(text)
            if extracted is None:
                self.problems.append(f"{name}: no article text found in the HTML page")
                return
            text = extracted
        record = clean_text(name, text, self.rules).to_record(name)
        sentences = article_sentences(record, self.language, self.merges)
        if not sentences:
            self.problems.append(f"{name}: no sentences left after cleaning")
            return
        yield Document(name, sentences)


def html_to_text(html: str) -> str | None:
    """The article of a saved web page, by trafilatura, as headline plus blank-line paragraphs.

    Precision over recall: a page whose only text is navigation yields None, not "Home".
    """
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True, favor_precision=True, fast=True
    )
    body = getattr(extracted, "text", None) if extracted else None
    if not body or not body.strip():
        return None
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    title = (getattr(extracted, "title", None) or "").strip()
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs)


def classify(model: TopicStanceModel, document: Document, explain: bool = False) -> list[dict[str, Any]]:
    """One output record per sentence, in order, with labels and probabilities."""
    if not document.sentences:
        return []
    features = model.transform(document.sentences)
    topic_proba = model.topic_proba(features)
    stance_proba = model.stance_proba(features)
    chosen = model.topics_from(topic_proba)
    labels = model.labels
    records = [
        {
            "article": document.name,
            "index": document.start + i,
            "text": text,
            "topics": [t for t, on in zip(labels.topics, chosen[i]) if on],
            "stance": labels.stances[int(stance_proba[i].argmax())],
            "topic_scores": {t: round(float(p), 4) for t, p in zip(labels.topics, topic_proba[i])},
            "stance_scores": {s: round(float(p), 4) for s, p in zip(labels.stances, stance_proba[i])},
        }
        for i, text in enumerate(document.sentences)
    ]
    if explain:
        for record, row in zip(records, features.tocsr()):
            record["explain"] = explain_row(model, row, record)
    return records


def explain_row(model: TopicStanceModel, row: Any, record: dict[str, Any], top: int = 3) -> dict[str, list[str]]:
    """The words and phrases of this sentence that pushed each chosen label most (coefficient x tf-idf)."""
    names = _feature_names(model.vectorizer_)
    columns, values = row.indices, row.data
    reasons = {
        topic: _top(model.topic_models_[model.labels.topics.index(topic)].coef_[0], columns, values, names, top)
        for topic in record["topics"]
    }
    classes = list(model.stance_model_.classes_)
    stance_index = model.labels.stances.index(record["stance"])
    coef = model.stance_model_.coef_
    weights = coef[classes.index(stance_index)] if coef.shape[0] > 1 else coef[0] * (1 if stance_index == classes[1] else -1)
    reasons[f"stance {record['stance']}"] = _top(weights, columns, values, names, top)
    return reasons


@lru_cache(maxsize=2)
def _feature_names(vectorizer: Any) -> list[str]:
    """Readable feature names without their "words__"/"chars__" prefix, computed once per model."""
    from pipeline.features import feature_names

    return [name.split("__", 1)[1] for name in feature_names(vectorizer)]


def _top(weights: np.ndarray, columns: np.ndarray, values: np.ndarray, names: list[str], top: int) -> list[str]:
    contribution = weights[columns] * values
    order = np.argsort(-contribution)[:top]
    return [names[columns[i]].strip() for i in order if contribution[i] > 0]


class Summary:
    """Running article summary: share of sentences per topic, stance counts per topic, overall lean."""

    def __init__(self, name: str, topics: Sequence[str], stances: Sequence[str]):
        self.name, self.topics, self.stances = name, list(topics), list(stances)
        self.sentences = 0
        self.per_topic = {t: {s: 0 for s in stances} for t in topics}
        self.on_topic = {s: 0 for s in stances}

    def add(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.sentences += 1
            for topic in record["topics"]:
                self.per_topic[topic][record["stance"]] += 1
            if record["topics"]:
                self.on_topic[record["stance"]] += 1

    def result(self) -> dict[str, Any]:
        total = self.sentences
        return {
            "article": self.name,
            "sentences": total,
            "topic_share": {t: round(sum(c.values()) / total, 3) if total else 0.0 for t, c in self.per_topic.items()},
            "stance_by_topic": self.per_topic,
            "overall": overall_reading(self.on_topic),
        }


def overall_reading(counts: dict[str, int]) -> str:
    """The stance most on-topic sentences take; 'mixed' on a tie; 'no topic' without any."""
    if not any(counts.values()):
        return "no topic"
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return "mixed" if len(ranked) > 1 and ranked[0][1] == ranked[1][1] else ranked[0][0]


def summary_line(summary: dict[str, Any]) -> str:
    shares = ", ".join(f"{t} {share:.0%}" for t, share in summary["topic_share"].items())
    return f"{summary['article']}: {summary['sentences']} sentences; {shares}; overall {summary['overall']}"


def csv_rows(records: Sequence[dict[str, Any]], header: bool) -> str:
    """CSV: topics joined by ';', one probability column per label."""
    if not records:
        return ""
    topics, stances = list(records[0]["topic_scores"]), list(records[0]["stance_scores"])
    headers = ["article", "index", "text", "topics", "stance", *(f"p_{t}" for t in topics), *(f"p_{s}" for s in stances)]
    rows = [
        [r["article"], r["index"], r["text"], ";".join(r["topics"]), r["stance"],
         *(r["topic_scores"][t] for t in topics), *(r["stance_scores"][s] for s in stances)]
        for r in records
    ]
    return csv_text(headers, rows, header)


def table_rows(records: Sequence[dict[str, Any]], color: bool, width: int = 110) -> str:
    """Readable rows: index, topics, stance and its probability, the wrapped sentence."""
    import textwrap

    import click

    paint = (lambda text, fg: click.style(text, fg=fg)) if color else (lambda text, fg: text)
    lines = []
    for r in records:
        wrapped = textwrap.wrap(r["text"], max(width - 50, 30)) or [""]
        topics = ", ".join(r["topics"]) or "other"
        stance = paint(f"{r['stance']:<10}", STANCE_COLORS.get(r["stance"], "white"))
        lines.append(f"{r['index']:>4}  {topics:<31} {stance} {r['stance_scores'][r['stance']]:4.2f}  {wrapped[0]}")
        lines += [" " * 53 + more for more in wrapped[1:]]
        if "explain" in r:
            why = "; ".join(f"{k}: {', '.join(v)}" for k, v in r["explain"].items() if v)
            lines.append(" " * 53 + paint(f"why: {why}", "bright_black"))
    return "".join(line + "\n" for line in lines)


def classified(model: TopicStanceModel, docs: Iterable[Document], explain: bool, jobs: int) -> Iterator[tuple[Document, list[dict[str, Any]]]]:
    """Classify documents in input order, in ``jobs`` processes when asked."""
    if jobs <= 1:
        for doc in docs:
            yield doc, classify(model, doc, explain)
        return
    from joblib import Parallel, delayed

    yield from Parallel(n_jobs=jobs, return_as="generator")(delayed(_classify_pair)(model, doc, explain) for doc in docs)


def _classify_pair(model: TopicStanceModel, doc: Document, explain: bool) -> tuple[Document, list[dict[str, Any]]]:
    return doc, classify(model, doc, explain)


def summary_csv(result: dict[str, Any], header: bool) -> str:
    """One CSV row per article summary: shares per topic, on-topic stance counts, overall reading."""
    topics = list(result["topic_share"])
    headers = ["article", "sentences", *(f"share_{t}" for t in topics), "overall"]
    return csv_text(headers, [[result["article"], result["sentences"], *result["topic_share"].values(), result["overall"]]], header)


def write_predictions(
    sink: IO[str], model: TopicStanceModel, docs: Iterable[Document], fmt: str, *,
    summary_only: bool = False, explain: bool = False, color: bool = False, jobs: int = 1,
) -> int:
    """Write every prediction (or only summaries) in the chosen format; return the sentence count."""
    labels = model.labels
    articles: list[dict[str, Any]] = []  # the json format is one document, written at the end
    current: list[dict[str, Any]] = []
    summary = Summary("", labels.topics, labels.stances)
    header, count = True, 0
    for doc, records in classified(model, docs, explain, jobs):
        count += len(records)
        if doc.start == 0:
            summary = Summary(doc.name, labels.topics, labels.stances)
            if fmt == "table" and not summary_only:
                sink.write(f"== {doc.name}\n")
        summary.add(records)
        if fmt == "json" and not summary_only:
            current.extend(records)
        elif fmt == "jsonl" and not summary_only:
            sink.write("".join(dumps(r) + "\n" for r in records))
        elif fmt == "csv" and not summary_only and records:
            sink.write(csv_rows(records, header))
            header = False
        elif fmt == "table" and not summary_only:
            sink.write(table_rows(records, color))
        if not doc.last:
            continue
        result = summary.result()
        if fmt == "json":
            articles.append({"summary": result, **({} if summary_only else {"sentences": current})})
            current = []
        elif fmt == "jsonl" and summary_only:
            sink.write(dumps(result) + "\n")
        elif fmt == "csv" and summary_only:
            sink.write(summary_csv(result, header))
            header = False
        elif fmt == "table":
            sink.write(summary_line(result) + ("\n" if summary_only else "\n\n"))
    if fmt == "json":
        import json

        sink.write(json.dumps(articles, indent=2, ensure_ascii=False) + "\n")
    return count
