import numpy as np
import pytest

from pipeline.config import LabelSet
from pipeline.features import STOP_WORDS, RuleVotes, Valence, build_vectorizer, feature_names
from pipeline.rules import RuleSet

LABELS = LabelSet(("migration", "fentanyl", "diplomacy"), ("supportive", "critical", "neutral"), "neutral")


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n"
        "  - {name: migrants, task: topic, label: migration, words: [migrants]}\n"
        "  - {name: ice, task: topic, label: migration, patterns: ['(?-i:\\bICE\\b)']}\n",
        encoding="utf-8",
    )
    return RuleSet.load(path, LABELS)


def test_rule_votes_are_binary_columns_named_after_the_rules(rules):
    votes = RuleVotes(rules).fit([]).transform(["Migrants arrived.", "ICE agents came.", "The ice melted."])
    assert votes.toarray().tolist() == [[1, 0], [0, 1], [0, 0]]
    assert list(RuleVotes(rules).get_feature_names_out()) == ["migrants", "ice"]


def test_valence_separates_praise_from_blame_and_flips_negation():
    valence = Valence(scale=1.0).fit([])
    praise, blame, negated = valence.transform(
        ["The deal was a great success.", "The deal was a terrible failure.", "The deal was not a success."]
    ).toarray()
    assert praise[0] > 0 and praise[1] == 0 and praise[2] > 0  # positive mass, no negative, net positive
    assert blame[1] > 0 and blame[0] == 0 and blame[3] > 0
    assert negated[1] > 0 and negated[0] == 0  # "not a success" counts against
    assert valence.transform(["The vote is on Tuesday."]).toarray().tolist() == [[0, 0, 0, 0]]


def test_stop_words_keep_negation():
    assert "the" in STOP_WORDS and "not" not in STOP_WORDS and "never" not in STOP_WORDS


def test_vectorizer_joins_the_parts_the_params_ask_for(rules):
    params = {"word_ngram_max": 1, "min_df": 1, "char_ngrams": False, "stop_words": True,
              "rule_features": True, "valence_features": True, "valence_scale": 3.0}
    vectorizer = build_vectorizer(params, rules).fit(["Migrants praised the deal.", "ICE blamed the court."])
    names = feature_names(vectorizer)
    assert "words__migrants" in names and "words__the" not in names
    assert "rules__ice" in names and "valence__positive" in names
    assert vectorizer.transform(["Migrants praised it."]).shape == (1, len(names))
    assert np.isfinite(vectorizer.transform([""]).toarray()).all()
