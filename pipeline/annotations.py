"""Gold annotations: JSON Lines files under ``data/annotations/``, keyed by article and text.

Keys are (article id, normalized sentence text), never a bare index, so annotations survive
re-segmentation. Anything that cannot be matched or understood stops the run with the file,
the line and the reason: a user's annotation is never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pipeline.config import LabelSet
from pipeline.errors import UserError
from pipeline.records import iter_jsonl
from pipeline.text import repair


@dataclass(frozen=True)
class Annotation:
    """One gold label pair and where it was written."""

    article: str
    text: str
    topics: tuple[str, ...]
    stance: str
    where: str


def sentence_key(article: str, text: str) -> tuple[str, str]:
    """The matching key: same repair as the clean stage, so curly quotes or spacing do not matter."""
    return article, repair(text)


def validate_labels(record: dict[str, Any], labels: LabelSet, where: str) -> tuple[tuple[str, ...], str]:
    """Check one record's topics and stance against the label set; return them in canonical order."""
    topics = record.get("topics")
    stance = record.get("stance")
    if not isinstance(topics, list) or not all(isinstance(topic, str) for topic in topics):
        raise UserError(f"{where}: 'topics' must be a list of topic names (use [] for none)")
    unknown = sorted(set(topics) - set(labels.topics))
    if unknown:
        raise UserError(f"{where}: unknown topic {unknown[0]!r} (known: {', '.join(labels.topics)})")
    if stance not in labels.stances:
        raise UserError(f"{where}: unknown stance {stance!r} (known: {', '.join(labels.stances)})")
    return tuple(topic for topic in labels.topics if topic in topics), stance


def read_annotation_file(path: Path, labels: LabelSet) -> list[Annotation]:
    """Every annotation of one file, validated."""
    found: list[Annotation] = []
    for number, record in iter_jsonl(path):
        where = f"{path}:{number}"
        for name in ("article", "text"):
            if not isinstance(record.get(name), str) or not record[name].strip():
                raise UserError(f"{where}: missing or empty '{name}'")
        topics, stance = validate_labels(record, labels, where)
        found.append(Annotation(record["article"], record["text"], topics, stance, where))
    return found


def load_annotations(directory: str | Path, labels: LabelSet) -> dict[tuple[str, str], Annotation]:
    """All annotations under ``directory`` (``*.jsonl``, sorted), one per sentence key."""
    folder = Path(directory)
    if not folder.is_dir():
        return {}
    annotations: dict[tuple[str, str], Annotation] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for annotation in read_annotation_file(path, labels):
            key = sentence_key(annotation.article, annotation.text)
            earlier = annotations.get(key)
            if earlier and (earlier.topics, earlier.stance) != (annotation.topics, annotation.stance):
                raise UserError(f"{annotation.where}: conflicts with {earlier.where} for the same sentence")
            annotations.setdefault(key, annotation)
    return annotations


def match_annotations(
    sentences: Iterable[dict[str, Any]], annotations: dict[tuple[str, str], Annotation]
) -> dict[tuple[str, int], Annotation]:
    """Attach annotations to sentences; an annotation that matches no sentence is an error."""
    sentences = list(sentences)
    articles = {sentence["article"] for sentence in sentences}
    by_key = {sentence_key(s["article"], s["text"]): (s["article"], s["index"]) for s in sentences}
    matched: dict[tuple[str, int], Annotation] = {}
    for key, annotation in annotations.items():
        if annotation.article not in articles:
            raise UserError(f"{annotation.where}: article '{annotation.article}' is not in the corpus")
        if key not in by_key:
            raise UserError(
                f"{annotation.where}: no sentence of '{annotation.article}' reads {annotation.text[:60]!r}"
                " (was the article edited or re-segmented?)"
            )
        matched[by_key[key]] = annotation
    return matched
