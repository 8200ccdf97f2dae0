import json

import pytest

from pipeline.annotations import load_annotations, match_annotations
from pipeline.errors import UserError


def write(folder, rows):
    folder.mkdir(exist_ok=True)
    path = folder / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


SENTENCES = [{"article": "a1", "index": 0, "text": "Officials called it a \"crisis.\""}]


def test_annotation_matches_despite_curly_quotes_and_spacing(tmp_path, labels):
    write(tmp_path / "ann", [{"article": "a1", "text": "Officials  called it a \u201ccrisis.\u201d", "topics": [], "stance": "critical"}])
    matched = match_annotations(SENTENCES, load_annotations(tmp_path / "ann", labels))
    assert matched[("a1", 0)].stance == "critical"


@pytest.mark.parametrize(
    "row, message",
    [
        ({"article": "a1", "text": "x", "topics": ["weather"], "stance": "neutral"}, "gold.jsonl:1: unknown topic 'weather'"),
        ({"article": "a1", "text": "x", "topics": [], "stance": "angry"}, "gold.jsonl:1: unknown stance 'angry'"),
        ({"article": "a1", "text": "x", "topics": "migration", "stance": "neutral"}, "gold.jsonl:1: 'topics' must be a list"),
        ({"text": "x", "topics": [], "stance": "neutral"}, "gold.jsonl:1: missing or empty 'article'"),
    ],
)
def test_invalid_annotations_stop_with_file_line_and_reason(tmp_path, labels, row, message):
    write(tmp_path / "ann", [row])
    with pytest.raises(UserError, match=message):
        load_annotations(tmp_path / "ann", labels)


def test_malformed_json_line_is_reported(tmp_path, labels):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "gold.jsonl").write_text('{"article": "a1"\n', encoding="utf-8")
    with pytest.raises(UserError, match="gold.jsonl:1: not valid JSON"):
        load_annotations(tmp_path / "ann", labels)


def test_annotation_matching_no_sentence_is_never_dropped(tmp_path, labels):
    write(tmp_path / "ann", [{"article": "a1", "text": "A sentence that was edited away.", "topics": [], "stance": "neutral"}])
    with pytest.raises(UserError, match="gold.jsonl:1: no sentence of 'a1' reads"):
        match_annotations(SENTENCES, load_annotations(tmp_path / "ann", labels))


def test_annotation_for_unknown_article_is_an_error(tmp_path, labels):
    write(tmp_path / "ann", [{"article": "zz", "text": "x", "topics": [], "stance": "neutral"}])
    with pytest.raises(UserError, match="article 'zz' is not in the corpus"):
        match_annotations(SENTENCES, load_annotations(tmp_path / "ann", labels))


def test_conflicting_annotations_of_one_sentence_are_an_error(tmp_path, labels):
    row = {"article": "a1", "text": SENTENCES[0]["text"], "topics": [], "stance": "neutral"}
    write(tmp_path / "ann", [row, {**row, "stance": "critical"}])
    with pytest.raises(UserError, match="gold.jsonl:2: conflicts with .*gold.jsonl:1"):
        load_annotations(tmp_path / "ann", labels)
