import json

import pytest

from pipeline.clean import CleaningRules, clean_text
from pipeline.segment import article_sentences, merge_rules, split_sentences

from conftest import ROOT, SEED

GUIDE_STARTS = [
    "Biden Speaks With Mexican President Amid 'Unprecedented Migration' At Border",
    "President Joe Biden spoke on the phone Tuesday with President Andres Manuel Lopez Obrador of Mexico",
    "Biden and Lopez Obrador discussed strengthening the U.S.-Mexican bilateral relationship",
    "The two leaders pointed to the need for \"close coordination between border authorities",
    "They also stressed the \"value of managing migration in a humane and orderly fashion\"",
    "Lopez Obrador said the two leaders spoke for about an hour and reaffirmed their \"commitment",
    "\"We are good neighbors and friends,\" he added.",
    "The Biden administration has been preparing for the expiration of the Trump-era COVID-19 policy",
    "The Biden administration has experienced a record-breaking number of migrant encounters",
    "In January, the U.S. and Mexico unveiled a joint initiative",
    "The initiative has \"achieved a 95 percent drop in border encounters",
    "The two leaders affirmed that they will be continuing with the joint initiative after Title 42 expires.",
]


@pytest.fixture(scope="module")
def merges(params):
    return merge_rules(params["segment"]["merge"])


def test_seed_yields_the_twelve_sentences_of_the_guide(params, merges):
    rules = CleaningRules.load(ROOT / params["clean"]["rules"])
    record = clean_text("seed", SEED.read_text(encoding="utf-8"), rules).to_record("seed")
    sentences = article_sentences(record, "en", merges)
    assert len(sentences) == 12
    for sentence, start in zip(sentences, GUIDE_STARTS):
        assert sentence.startswith(start)


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("Gen. Smith met Sen. Cruz on Jan. 5 in the U.S. Capitol. He left.", 2),
        ("Agents seized $50.5 million in pills and 1,500 rounds. \"It is a crisis,\" she said. Officials agreed.", 3),
        ("The call ended at 10 a.m. Eastern time on Friday. Both sides said it went well.", 2),
        ("NOGALES, Ariz. — Officers found pills in a truck. The driver was arrested.", 2),
        ("Rep. Gail Brenner, R-Ariz., called the figures alarming. Others disagreed.", 2),
        ("It arrived before Martin Luther King Jr. Day. Courts were closed.", 2),
    ],
)
def test_tricky_news_paragraphs(paragraph, expected, merges):
    assert len(split_sentences(paragraph, "en", merges)) == expected


def test_segmenter_accuracy_on_the_benchmark_cases(merges):
    """The hand-labeled cases of benchmarks/segment_cases.jsonl (docs/segmentation.md): at least 95% exact."""
    cases = [json.loads(line) for line in (ROOT / "benchmarks/segment_cases.jsonl").open(encoding="utf-8")]
    exact = sum(split_sentences(c["paragraph"], "en", merges) == c["sentences"] for c in cases)
    assert exact / len(cases) >= 0.95
