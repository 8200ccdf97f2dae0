import json
import os

import numpy as np
import pytest
import yaml

from pipeline.config import load_params
from pipeline.errors import UserError
from pipeline.rules import LabelModel, RuleSet, decide

from conftest import make_project


def rules_file(tmp_path, rules):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": rules}), encoding="utf-8")
    return path


def test_words_exceptions_and_conditions(tmp_path, labels):
    rules = RuleSet.load(
        rules_file(
            tmp_path,
            [
                {"name": "drugs", "task": "topic", "label": "fentanyl", "words": ["drug"], "unless_words": ["drug prices"]},
                {"name": "talks", "task": "topic", "label": "diplomacy", "words": ["talks"], "requires_any_of": [["Mexico", "China"]]},
            ],
        ),
        labels,
    )
    votes = rules.votes(["A drug lab was raided.", "Drug prices rose.", "Talks with Mexico resumed.", "Union talks resumed."])
    assert votes.tolist() == [[True, False], [False, False], [False, True], [False, False]]


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"name": "x", "task": "topic", "label": "weather", "words": ["rain"]}, "label 'weather' is not one of"),
        ({"name": "x", "task": "mood", "label": "neutral", "words": ["rain"]}, "'task' must be one of"),
        ({"name": "x", "task": "stance", "label": "neutral"}, "needs 'words' or 'patterns'"),
        ({"name": "x", "task": "stance", "label": "neutral", "patterns": ["(bad"]}, "invalid pattern"),
    ],
)
def test_bad_rules_are_reported_with_the_rule_name(tmp_path, labels, rule, message):
    with pytest.raises(UserError, match=message):
        RuleSet.load(rules_file(tmp_path, [rule]), labels)


def toy_rules(tmp_path, labels):
    return RuleSet.load(
        rules_file(
            tmp_path,
            [
                {"name": "good", "task": "topic", "label": "migration", "words": ["migrants"]},
                {"name": "noisy", "task": "topic", "label": "migration", "words": ["border"]},
                {"name": "none", "task": "topic", "label": "none", "words": ["peso"]},
                {"name": "crit", "task": "stance", "label": "critical", "words": ["crisis"]},
            ],
        ),
        labels,
    )


def test_weighted_model_trusts_accurate_rules_more_than_majority(tmp_path, labels):
    rules = toy_rules(tmp_path, labels)
    texts = ["migrants arrived"] * 10 + ["border town fair"] * 10 + ["border migrants"] * 5 + ["peso border"] * 5
    topics = np.zeros((30, 3), dtype=bool)
    topics[:10, 0] = topics[20:25, 0] = True
    stances = np.full(30, 2)
    votes = rules.votes(texts)
    weighted = LabelModel(rules, labels, "weighted").fit(votes, topics, stances).predict(votes)
    majority = LabelModel(rules, labels, "majority").fit(votes, topics, stances).predict(votes)
    # "border" alone is right only a third of the time: weighted says no, majority says yes.
    assert weighted.topic_proba[10, 0] < 0.5 <= majority.topic_proba[10, 0]
    assert weighted.topic_proba[0, 0] > 0.8


def test_sentences_no_rule_speaks_for_stay_unlabeled(tmp_path, labels):
    rules = toy_rules(tmp_path, labels)
    votes = rules.votes(["A quiet afternoon."])
    aggregate = LabelModel(rules, labels).fit(rules.votes(["migrants"]), np.array([[1, 0, 0]], bool), np.array([2])).predict(votes)
    assert not aggregate.topic_covered[0] and not aggregate.stance_covered[0]
    assert aggregate.topic_confidence()[0] == 0.0
    topics, stance = decide(aggregate, default_stance=2)
    assert not topics[0].any() and stance[0] == 2


def test_a_fourth_topic_comes_from_configuration_alone(tmp_path):
    """Add 'economy' by editing params.yaml, the rules file and annotations: no code change."""
    from pipeline import clean, evaluate, label, segment, train
    from pipeline.model import load

    project = make_project(tmp_path)
    settings = load_params(project / "params.yaml")
    settings["labels"]["topics"].append("economy")
    (project / "params.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    with (project / "data/rules/labeling.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  - name: economy_markets\n    task: topic\n    label: economy\n    words: [peso, stock markets, budget]\n")
    annotations = project / "data/annotations/fixture.jsonl"
    rows = [json.loads(line) for line in annotations.open(encoding="utf-8")]
    for row in rows:
        if any(w in row["text"] for w in ("peso", "Stock markets", "budget", "tomato", "festival", "restaurants")):
            row["topics"] = row["topics"] + ["economy"]
    annotations.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        for stage in (clean, segment, label, train, evaluate):
            stage.run(settings)
        model = load(settings["model"]["path"])
        metrics = json.loads((project / "reports/metrics.json").read_text(encoding="utf-8"))
    finally:
        os.chdir(cwd)
    assert model.labels.topics[-1] == "economy"
    assert "economy" in metrics["model"]["topics"]["per_topic"]
    report = json.loads((project / "reports/labeling.json").read_text(encoding="utf-8"))
    assert any(r["rule"] == "economy_markets" and r["label"] == "economy" for r in report["rules"])
