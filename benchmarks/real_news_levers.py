"""Measure model levers on the test split and on a real-news gold file, side by side.

Each variant changes the ``train`` section of params.yaml, retrains on the training split (threshold
tuning included) and is scored on our test split and on the real-news file. This is the table behind
docs/real-news.md; it reads the labeled corpus that `dvc repro` wrote.

    python benchmarks/real_news_levers.py ../shared/real-dev.jsonl
"""

from __future__ import annotations

import sys
import time
from typing import Any

from pipeline.config import LabelSet, load_params
from pipeline.evaluate import model_predictions, read_gold_file, score
from pipeline.metrics import Gold
from pipeline.records import read_jsonl
from pipeline.rules import RuleSet
from pipeline.tables import markdown_table
from pipeline.train import fit_tuned

BASE = {"stop_words": False, "rule_features": False, "valence_features": False, "threshold_beta": {}}
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("none", {}),
    ("+ stop words", {"stop_words": True}),
    ("+ rule votes", {"stop_words": True, "rule_features": True}),
    ("+ valence", {"stop_words": True, "rule_features": True, "valence_features": True}),
    ("+ diplomacy F0.5 (shipped)", {"stop_words": True, "rule_features": True, "valence_features": True, "threshold_beta": {"diplomacy": 0.5}}),
    ("+ fentanyl F0.5", {"stop_words": True, "rule_features": True, "valence_features": True, "threshold_beta": {"diplomacy": 0.5, "fentanyl": 0.5}}),
    ("stop + valence + F0.5, no rule votes", {"stop_words": True, "valence_features": True, "threshold_beta": {"diplomacy": 0.5}}),
]


def main(real_path: str) -> None:
    params = load_params()
    labels = LabelSet.from_params(params)
    rules = RuleSet.load(params["label"]["rules"], labels)
    records = read_jsonl(params["data"]["labeled"])
    rows = [r for r in records if r["split"] == "train" and (r["topics"] is not None or r["stance"] is not None)]
    test = Gold.from_records([r for r in records if r["split"] == "test" and r["topics_from"] == "gold"], labels)
    real = Gold.from_records(read_gold_file(real_path, labels), labels)
    table = []
    for name, change in VARIANTS:
        start = time.perf_counter()
        model = fit_tuned(rows, labels, {**params["train"], **BASE, **change}, int(params["split"]["seed"]), rules)
        on_test, on_real = (score(g, model_predictions(model, g.texts), labels) for g in (test, real))
        diplomacy = on_real["topics"]["per_topic"]["diplomacy"]
        table.append([
            name, on_test["topic_micro_f1"], on_test["stance_macro_f1_on_topic"], on_real["topic_micro_f1"],
            on_real["topic_macro_f1"], f"{diplomacy['precision']:.2f} / {diplomacy['f1']:.2f}", on_real["stance_macro_f1_on_topic"],
        ])
        print(f"{name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print(markdown_table(
        ["levers", "test topic micro-F1", "test stance macro-F1", "real topic micro-F1", "real topic macro-F1", "real diplomacy P / F1", "real stance macro-F1"],
        table,
    ))


if __name__ == "__main__":
    main(sys.argv[1])
