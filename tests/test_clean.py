import json

import pytest

from pipeline.clean import CleaningRules, article_files, clean_text
from pipeline.errors import UserError
from pipeline.text import repair

from conftest import ROOT, SEED


@pytest.fixture(scope="module")
def rules(params):
    return CleaningRules.load(ROOT / params["clean"]["rules"])


def test_seed_furniture_is_removed_with_reasons(rules):
    cleaned = clean_text("seed", SEED.read_text(encoding="utf-8"), rules)
    text = " ".join([cleaned.headline, *cleaned.paragraphs])
    for furniture in ("Getty Images", "Glebova", "Font Size", "RELATED"):
        assert furniture not in text
    assert [r["rule"] for r in cleaned.removed] == [
        "photo_credit", "author_title", "widget", "related_inline", "related_inline"
    ]
    assert cleaned.headline == "Biden Speaks With Mexican President Amid 'Unprecedented Migration' At Border"
    assert cleaned.paragraphs[-1] == "The two leaders affirmed that they will be continuing with the joint initiative after Title 42 expires."


def test_repair_fixes_mojibake_quotes_spaces_and_keeps_superscripts():
    assert repair("It\u00e2\u0080\u0099s a \u201ccrisis\u201d") == "It's a \"crisis\""
    assert repair("10\u00b3 tons\u00a0of   cargo") == "10\u00b3 tons of cargo"  # NFC keeps 10³ (NFKC would give 103)


def test_real_sentences_that_look_like_furniture_survive(rules):
    text = "Headline\n\nBy Tuesday, Border Patrol agents had counted 500 people.\n\nShare prices fell 2 percent on Monday."
    cleaned = clean_text("x", text, rules)
    assert cleaned.removed == []
    assert len(cleaned.paragraphs) == 2


def test_shipped_corpus_loses_exactly_its_recorded_furniture(params, rules):
    """Every furniture line the writers recorded is removed, and nothing else is."""
    meta = {json.loads(line)["article"]: json.loads(line) for line in (ROOT / "data/articles.jsonl").open(encoding="utf-8")}
    for path in article_files([ROOT / d for d in params["data"]["articles"]]):
        cleaned = clean_text(path.stem, path.read_text(encoding="utf-8"), rules)
        removed = sorted({r["text"] for r in cleaned.removed})
        expected = sorted({repair(f) for f in meta[path.stem]["furniture"]})
        assert removed == expected, path.name


def test_duplicate_article_ids_are_refused(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("Headline\n", encoding="utf-8")
    with pytest.raises(UserError, match="same"):
        article_files([tmp_path / "a", tmp_path / "b"])


def test_invalid_rule_pattern_names_the_file(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("lines:\n  - name: broken\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(UserError, match="rules.yaml: rule 'broken'"):
        CleaningRules.load(bad)
