"""Compare sentence segmenters (pysbd, syntok, blingfire) on tricky news paragraphs.

Why: topicstance classifies *sentences*, so every wrong split (e.g. after "U.S." or
"Gen.") turns one sentence into two fragments with their own, meaningless labels,
and every missed split glues two claims together. This script measures which
segmenter gets news text right, how fast it is and how much it costs to import,
so the choice is made on numbers rather than reputation.

Cases come from ``segment_cases.jsonl`` (one JSON object per line:
``{"paragraph": str, "sentences": [str, ...]}``); gold sentences are exact
substrings of the paragraph.

Metrics per library:
  * exact: share of paragraphs whose split equals the gold split exactly;
  * boundary precision / recall / F1: a boundary is the character offset where a
    sentence (other than the first) starts in the paragraph;
  * speed: sentences per second (gold sentence count / wall time), median of 5
    runs over the case set repeated to ~5,000 paragraphs;
  * import time: median of 5 fresh ``python -c "import ..."`` subprocesses.

Usage::

    python benchmarks/compare_segmenters.py              # table
    python benchmarks/compare_segmenters.py --failures   # table + wrong splits
    python benchmarks/compare_segmenters.py --json       # JSON on stdout
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

CASES_PATH = Path(__file__).with_name("segment_cases.jsonl")
TARGET_PARAGRAPHS = 5_000
RUNS = 5

Segmenter = Callable[[str], list[str]]


@dataclass
class Case:
    paragraph: str
    sentences: list[str]


@dataclass
class Failure:
    paragraph: str
    gold: list[str]
    predicted: list[str]


@dataclass
class Result:
    library: str
    version: str
    exact: float
    precision: float
    recall: float
    f1: float
    sentences_per_sec: float
    import_ms: float
    failures: list[Failure] = field(default_factory=list)


def load_cases(path: Path = CASES_PATH) -> list[Case]:
    """Read the JSONL cases and check gold sentences are ordered substrings."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        case = Case(obj["paragraph"], obj["sentences"])
        offsets(case.paragraph, case.sentences)  # raises if gold is malformed
        cases.append(case)
    return cases


def offsets(paragraph: str, sentences: list[str]) -> list[int]:
    """Start offset of each sentence in ``paragraph`` (searched left to right)."""
    starts, cursor = [], 0
    for sentence in sentences:
        start = paragraph.find(sentence, cursor)
        if start < 0:
            raise ValueError(f"sentence not found in paragraph: {sentence!r}")
        starts.append(start)
        cursor = start + len(sentence)
    return starts


def boundaries(paragraph: str, sentences: list[str]) -> set[int]:
    """Character offsets between sentences, i.e. starts of all but the first."""
    return set(offsets(paragraph, sentences)[1:])


# --- segmenters --------------------------------------------------------------


def make_pysbd() -> Segmenter:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in seg.segment(text) if s.strip()]


def make_syntok() -> Segmenter:
    from syntok import segmenter

    def split(text: str) -> list[str]:
        out = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                first, last = sentence[0], sentence[-1]
                out.append(text[first.offset : last.offset + len(last.value)])
        return out

    return split


def make_blingfire() -> Segmenter:
    import blingfire

    return lambda text: [s.strip() for s in blingfire.text_to_sentences(text).split("\n") if s.strip()]


LIBRARIES: dict[str, tuple[str, Callable[[], Segmenter]]] = {
    "pysbd": ("pysbd", make_pysbd),
    "syntok": ("syntok.segmenter", make_syntok),
    "blingfire": ("blingfire", make_blingfire),
}


def version_of(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


# --- measurements ------------------------------------------------------------


def accuracy(split: Segmenter, cases: list[Case]) -> tuple[float, float, float, float, list[Failure]]:
    """Exact-match rate, boundary P/R/F1 (micro-averaged) and the failures."""
    tp = fp = fn = exact = 0
    failures = []
    for case in cases:
        predicted = split(case.paragraph)
        gold_b = boundaries(case.paragraph, case.sentences)
        pred_b = boundaries(case.paragraph, predicted)
        tp += len(gold_b & pred_b)
        fp += len(pred_b - gold_b)
        fn += len(gold_b - pred_b)
        if predicted == case.sentences:
            exact += 1
        else:
            failures.append(Failure(case.paragraph, case.sentences, predicted))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return exact / len(cases), precision, recall, f1, failures


def speed(split: Segmenter, cases: list[Case]) -> float:
    """Gold sentences per second over ~TARGET_PARAGRAPHS paragraphs, median of RUNS."""
    reps = max(1, round(TARGET_PARAGRAPHS / len(cases)))
    texts = [c.paragraph for c in cases] * reps
    n_sentences = sum(len(c.sentences) for c in cases) * reps
    split(texts[0])  # warm-up (lazy regex compilation etc.)
    timings = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for text in texts:
            split(text)
        timings.append(time.perf_counter() - t0)
    return n_sentences / statistics.median(timings)


def import_ms(module: str) -> float:
    """Median wall time (ms) of importing ``module`` in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    samples = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        samples.append(float(out.stdout.strip()) * 1000)
    return statistics.median(samples)


def evaluate(cases: list[Case]) -> list[Result]:
    results = []
    for name, (module, factory) in LIBRARIES.items():
        split = factory()
        exact, p, r, f1, failures = accuracy(split, cases)
        results.append(
            Result(name, version_of(name), exact, p, r, f1, speed(split, cases), import_ms(module), failures)
        )
    return results


# --- output ------------------------------------------------------------------


def print_table(results: list[Result], n_cases: int) -> None:
    print(f"{n_cases} paragraphs, Python {sys.version.split()[0]}")
    header = f"{'library':<16} {'exact':>7} {'prec':>6} {'recall':>6} {'F1':>6} {'sent/s':>9} {'import ms':>10}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.library + ' ' + r.version:<16} {r.exact:>7.1%} {r.precision:>6.3f} {r.recall:>6.3f} "
            f"{r.f1:>6.3f} {r.sentences_per_sec:>9,.0f} {r.import_ms:>10.1f}"
        )


def print_failures(results: list[Result]) -> None:
    for r in results:
        print(f"\n=== {r.library}: {len(r.failures)} failures ===")
        for f in r.failures:
            print(f"\n  paragraph: {f.paragraph}")
            for s in f.predicted:
                print(f"    | {s}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES_PATH)
    parser.add_argument("--json", action="store_true", help="write results as JSON to stdout")
    parser.add_argument("--failures", action="store_true", help="list each library's wrong splits")
    args = parser.parse_args(argv)

    cases = load_cases(args.cases)
    results = evaluate(cases)
    if args.json:
        payload = []
        for r in results:
            d = asdict(r)
            if not args.failures:
                d.pop("failures")
            payload.append(d)
        json.dump({"n_cases": len(cases), "results": payload}, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    print_table(results, len(cases))
    if args.failures:
        print_failures(results)


if __name__ == "__main__":
    main()
