"""Corpus diagnostics that compare our text with real news: sentence lengths and spurious cues.

A classifier learns whatever separates the labels in its corpus. If a name, a country or "said"
falls almost always into one label here but not in real news, the model learns the word instead of
the task. The cue audit lists every frequent word whose gold sentences fall mostly into one topic,
and always shows the watch-list words (names, countries, attributions) that should stay neutral.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Sequence

import numpy as np

from pipeline.config import LabelSet

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, the unit of both the length profile and the cue audit."""
    return [w.lower() for w in _WORD.findall(text)]


def length_profile(texts: Sequence[str]) -> dict[str, Any]:
    """Words per sentence: count, mean, median and deciles (10th to 90th percentile)."""
    lengths = np.array([len(words(t)) for t in texts], dtype=float)
    if not len(lengths):
        return {"sentences": 0, "mean": 0.0, "median": 0.0, "deciles": []}
    return {
        "sentences": int(len(lengths)),
        "mean": round(float(lengths.mean()), 1),
        "median": float(np.median(lengths)),
        "deciles": [round(float(q), 1) for q in np.percentile(lengths, range(10, 100, 10))],
    }


def cue_audit(
    records: Sequence[dict[str, Any]], labels: LabelSet, min_count: int, max_share: float, watch: Sequence[str]
) -> dict[str, Any]:
    """Label distribution of every word in at least ``min_count`` gold sentences.

    ``flagged`` are words whose sentences fall more than ``max_share`` into one topic; ``watch``
    reports the listed words whatever their shares.
    """
    document_frequency: Counter[str] = Counter()
    topic_counts: dict[str, Counter[str]] = {t: Counter() for t in labels.topics}
    none_counts: Counter[str] = Counter()
    for record in records:
        vocabulary = set(words(record["text"]))
        document_frequency.update(vocabulary)
        for topic in record["topics"]:
            topic_counts[topic].update(vocabulary)
        if not record["topics"]:
            none_counts.update(vocabulary)

    def row(word: str) -> dict[str, Any]:
        n = document_frequency[word]
        shares = {t: round(topic_counts[t][word] / n, 3) for t in labels.topics} | {"none": round(none_counts[word] / n, 3)}
        return {"word": word, "sentences": n, "shares": shares}

    frequent = [w for w, n in document_frequency.items() if n >= min_count]
    flagged = [row(w) for w in frequent if max(topic_counts[t][w] for t in labels.topics) / document_frequency[w] > max_share]
    flagged.sort(key=lambda r: (-max(r["shares"][t] for t in labels.topics), -r["sentences"]))
    return {
        "min_count": min_count,
        "max_share": max_share,
        "frequent_words": len(frequent),
        "flagged": flagged,
        "watch": [row(w.lower()) for w in watch if document_frequency[w.lower()]],
    }
