"""The shipped corpus: size, annotations that match, the seed as the guide labels it, no near-duplicates."""

import json

import pytest

from pipeline.annotations import load_annotations, match_annotations
from pipeline.clean import CleaningRules, clean_corpus
from pipeline.corpus import near_duplicates
from pipeline.segment import merge_rules, segment_corpus

from conftest import ROOT

SEED_TABLE = [
    (["migration", "diplomacy"], "neutral"),
    (["migration", "diplomacy"], "critical"),
    (["migration", "fentanyl", "diplomacy"], "neutral"),
    (["migration", "diplomacy"], "neutral"),
    (["migration", "diplomacy"], "supportive"),
    (["migration", "fentanyl", "diplomacy"], "supportive"),
    (["diplomacy"], "supportive"),
    (["migration"], "neutral"),
    (["migration"], "critical"),
    (["migration", "diplomacy"], "neutral"),
    (["migration"], "supportive"),
    (["migration", "diplomacy"], "supportive"),
]


@pytest.fixture(scope="module")
def sentences(params):
    rules = CleaningRules.load(ROOT / params["clean"]["rules"])
    articles = clean_corpus([ROOT / d for d in params["data"]["articles"]], rules)
    return list(segment_corpus(articles, "en", merge_rules(params["segment"]["merge"])))


def test_corpus_size(sentences):
    assert len({s["article"] for s in sentences}) >= 101
    assert len(sentences) >= 2000


def test_every_annotation_matches_a_sentence_and_most_articles_are_annotated(sentences, params, labels):
    gold = match_annotations(sentences, load_annotations(ROOT / params["data"]["annotations"], labels))
    annotated = {article for article, _ in gold}
    fully = {a for a in annotated if all((a, s["index"]) in gold for s in sentences if s["article"] == a)}
    articles = {s["article"] for s in sentences}
    assert len(fully) / len(articles) >= 0.75
    assert len(articles - annotated) > 0  # some are left for the rules on purpose


def test_seed_is_annotated_exactly_as_the_guide_table():
    rows = [json.loads(line) for line in (ROOT / "data/annotations/seed.jsonl").open(encoding="utf-8")]
    assert [(r["topics"], r["stance"]) for r in rows] == SEED_TABLE


def test_no_two_sentences_are_the_same_or_near_same(sentences, params):
    pairs = near_duplicates([s["text"] for s in sentences], float(params["corpus"]["duplicate_threshold"]))
    assert pairs == [], [(sentences[i]["text"], sentences[j]["text"]) for i, j, _ in pairs[:5]]
