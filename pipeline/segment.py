"""Segment stage: split cleaned paragraphs into sentences.

We use pysbd, a rule-based segmenter that knows English abbreviations (U.S., Jan., Gen.),
decimal and thousands separators, and quotes that close a sentence; docs/segmentation.md
has the measurements that chose it over syntok and blingfire. The headline is always one
sentence of its own. pysbd's one systematic error on news, a split after "a.m."/"p.m."
before a weekday or time zone, is undone by merge rules from params.yaml (``segment.merge``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from pipeline.errors import UserError


@lru_cache(maxsize=4)
def _segmenter(language: str) -> Any:
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        raise UserError(f"params.yaml: segment.language '{language}' is not supported by pysbd") from None


MergeRule = tuple[re.Pattern[str], re.Pattern[str]]


def merge_rules(entries: Sequence[dict[str, str]]) -> tuple[MergeRule, ...]:
    """Compile ``{previous_ends, next_starts}`` pairs from params.yaml."""
    try:
        return tuple((re.compile(e["previous_ends"]), re.compile(e["next_starts"])) for e in entries)
    except (KeyError, TypeError, re.error) as exc:
        raise UserError(f"params.yaml: segment.merge entries need valid 'previous_ends' and 'next_starts' ({exc})") from None


def split_sentences(paragraph: str, language: str = "en", merges: Sequence[MergeRule] = ()) -> list[str]:
    """The sentences of one paragraph, stripped, with known false splits merged back."""
    sentences: list[str] = []
    for piece in (p.strip() for p in _segmenter(language).segment(paragraph)):
        if not piece:
            continue
        if sentences and any(end.search(sentences[-1]) and start.match(piece) for end, start in merges):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def article_sentences(record: dict[str, Any], language: str = "en", merges: Sequence[MergeRule] = ()) -> list[str]:
    """The headline, then every paragraph's sentences, in reading order."""
    texts: list[str] = [record["headline"]] if record.get("headline") else []
    for paragraph in record.get("paragraphs", []):
        texts.extend(split_sentences(paragraph, language, merges))
    return texts


def segment_corpus(
    articles: Iterable[dict[str, Any]], language: str = "en", merges: Sequence[MergeRule] = ()
) -> Iterator[dict[str, Any]]:
    """One record per sentence of every cleaned article, numbered from 0 within its article."""
    for record in articles:
        for index, text in enumerate(article_sentences(record, language, merges)):
            yield {"article": record["article"], "index": index, "text": text}


def run(params: dict[str, Any]) -> int:
    """The DVC stage: cleaned articles to sentence records; returns the sentence count."""
    from pipeline.records import read_jsonl, write_jsonl

    conf = params["segment"]
    articles = read_jsonl(params["data"]["cleaned"])
    merges = merge_rules(conf.get("merge") or [])
    return write_jsonl(params["data"]["sentences"], segment_corpus(articles, conf["language"], merges))
