"""Benchmark `topicstance predict`: throughput, overhead over the bare model, cold start, memory.

Prints its figures (medians over repeats) and the ratios the project's targets are stated in:
  - `--lines` throughput over 50,000 sentences, and its ratio to calling the scikit-learn
    model directly on the same sentences (target: >= 5,000 sentences/s, ratio <= 2);
  - cold start of one article from the command line against a bare
    `python -c "import sklearn.linear_model, sklearn.feature_extraction.text"` (target: ratio <= 2);
  - peak memory streaming a 100 MB `--lines` file (target: < 400 MB), and time to first output.
Run after `dvc repro`:  python benchmarks/predict_speed.py [--sentences 50000] [--megabytes 100]
Everything runs pinned to one core where `taskset` exists.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_44e2312723fc0a82.txt"
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def pinned(command: list[str]) -> list[str]:
    return (["taskset", "-c", "0"] + command) if shutil.which("taskset") else command


def corpus_sentences(count: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in (ROOT / "data/interim/sentences.jsonl").open(encoding="utf-8")]
    return [texts[i % len(texts)] for i in range(count)]


def throughput(count: int, repeats: int) -> dict[str, float]:
    """In-process: the predict code path against the bare model on the same sentences."""
    from pipeline.config import load_params
    from pipeline.model import load
    from pipeline.predict import Document, write_predictions

    os.chdir(ROOT)
    params = load_params()
    model = load(params["model"]["path"])
    texts = corpus_sentences(count)
    batch = int(params["predict"]["batch_size"])
    docs = lambda: (Document("-", texts[i:i + batch], i, i + batch >= len(texts)) for i in range(0, len(texts), batch))  # noqa: E731

    def bare() -> None:
        features = model.vectorizer_.transform(texts)
        [m.predict_proba(features) for m in model.topic_models_]
        model.stance_model_.predict_proba(features)

    def tool() -> None:
        write_predictions(io.StringIO(), model, docs(), "jsonl")

    timings = {}
    for name, func in (("bare_model", bare), ("predict_lines", tool)):
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            func()
            runs.append(time.perf_counter() - start)
        timings[name] = statistics.median(runs)
    return {
        "sentences": count,
        "bare_model_per_s": round(count / timings["bare_model"]),
        "predict_lines_per_s": round(count / timings["predict_lines"]),
        "ratio_predict_to_bare": round(timings["predict_lines"] / timings["bare_model"], 2),
    }


def cold_start(repeats: int) -> dict[str, float]:
    """Wall time of one article from the command line against a bare scikit-learn import."""
    cli = [str(Path(sys.executable).with_name("topicstance")), "predict", "--format", "jsonl", str(SEED)]
    bare = [sys.executable, "-c", "import sklearn.linear_model, sklearn.feature_extraction.text"]
    env = {**os.environ, **ONE_CORE}
    result = {}
    for name, command in (("bare_import_s", bare), ("predict_one_article_s", cli), ("help_s", cli[:1] + ["--help"])):
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(pinned(command), cwd=ROOT, env=env, check=True, capture_output=True)
            runs.append(time.perf_counter() - start)
        result[name] = round(statistics.median(runs), 3)
    result["ratio_predict_to_bare_import"] = round(result["predict_one_article_s"] / result["bare_import_s"], 2)
    return result


def memory(megabytes: int) -> dict[str, float]:
    """Stream a file of `megabytes` MB through `predict --lines`; peak RSS and time to first output."""
    texts = corpus_sentences(5000)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        written = 0
        while written < megabytes * 1_000_000:
            chunk = "\n".join(texts) + "\n"
            handle.write(chunk)
            written += len(chunk.encode("utf-8"))
        path = handle.name
    command = pinned([str(Path(sys.executable).with_name("topicstance")), "predict", "--lines", "--format", "jsonl", path])
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **ONE_CORE}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    peak_kb = [0]
    watcher = threading.Thread(target=_watch_peak, args=(process, peak_kb), daemon=True)
    watcher.start()
    process.stdout.readline()
    first = time.perf_counter() - start
    lines = 1 + sum(1 for _ in process.stdout)
    process.wait()
    total = time.perf_counter() - start
    watcher.join()
    os.unlink(path)
    return {
        "input_mb": round(written / 1_000_000, 1),
        "sentences": lines,
        "peak_rss_mb": round(peak_kb[0] / 1024, 1),
        "first_output_s": round(first, 2),
        "total_s": round(total, 1),
        "sentences_per_s": round(lines / total),
    }


def _watch_peak(process: subprocess.Popen, peak_kb: list[int]) -> None:
    """Poll the child's high-water mark (VmHWM) until it exits.

    Not getrusage(RUSAGE_CHILDREN): a forked child is charged the parent's pages until it execs,
    so it would report this benchmark's own memory, not predict's.
    """
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb[0] = max(peak_kb[0], int(line.split()[1]))
        except OSError:
            break
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=50_000)
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    os.environ.update(ONE_CORE)
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {0})
    figures = {
        "throughput": throughput(args.sentences, max(args.repeats // 2, 3)),
        "cold_start": cold_start(args.repeats),
        "memory": memory(args.megabytes),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for section, values in figures.items():
        print(f"[{section}]")
        for key, value in values.items():
            print(f"  {key:<28} {value}")


if __name__ == "__main__":
    main()
