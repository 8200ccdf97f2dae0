from pipeline.config import LabelSet
from pipeline.cues import cue_audit, length_profile, words

LABELS = LabelSet(("migration", "fentanyl", "diplomacy"), ("supportive", "critical", "neutral"), "neutral")


def test_words_and_length_profile():
    assert words("Trump's U.S. visit, 2019.") == ["trump's", "u", "s", "visit"]
    profile = length_profile(["one two", "one two three four", "a b c d e f"])
    assert profile["sentences"] == 3 and profile["median"] == 4.0 and profile["mean"] == 4.0
    assert len(profile["deciles"]) == 9
    assert length_profile([])["sentences"] == 0


def test_cue_audit_flags_a_word_that_falls_into_one_topic_and_reports_the_watch_list():
    records = (
        [{"text": f"Trump met the ambassador {i}.", "topics": ["diplomacy"]} for i in range(9)]
        + [{"text": "Trump signed a tax bill.", "topics": []}]
        + [{"text": f"Migrants crossed, officials said {i}.", "topics": ["migration"] if i % 2 else []} for i in range(10)]
    )
    audit = cue_audit(records, LABELS, min_count=10, max_share=0.8, watch=["Trump", "officials", "absent"])
    flagged = {r["word"]: r for r in audit["flagged"]}
    assert set(flagged) == {"trump"}  # 9 of 10 sentences are diplomacy; "officials" is split 50/50
    assert flagged["trump"]["shares"] == {"migration": 0.0, "fentanyl": 0.0, "diplomacy": 0.9, "none": 0.1}
    assert [r["word"] for r in audit["watch"]] == ["trump", "officials"]
    assert audit["frequent_words"] == len([w for w in ("trump", "migrants", "crossed", "officials", "said")])
