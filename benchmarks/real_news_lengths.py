"""Write the words-per-sentence profile of a real-news gold file for the corpus report.

Only the length statistics are written (count, mean, median, deciles), never a sentence, so the
corpus report can compare our corpus with real news without the evaluation set in the repository.

    python benchmarks/real_news_lengths.py ../shared/real-dev.jsonl data/reference/real-news-lengths.json
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.cues import length_profile
from pipeline.records import read_jsonl, write_json


def main(source: str, target: str) -> None:
    profile = length_profile([row["text"] for row in read_jsonl(source)])
    write_json(target, {**profile, "source": Path(source).name})
    print(f"{target}: {profile['sentences']} sentences, median {profile['median']} words")


if __name__ == "__main__":
    main(*sys.argv[1:3])
