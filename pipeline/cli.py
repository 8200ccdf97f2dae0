"""The ``topicstance`` command line: one command per pipeline stage, plus predict and suggest.

This layer only parses options, calls the stage modules and prints; heavy imports
(scikit-learn, pysbd) happen inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer

from pipeline.errors import SOME_INPUTS_FAILED, UserError

app = typer.Typer(
    help=(
        "Label news sentences by topic (migration, fentanyl, diplomacy) and stance "
        "(supportive, critical, neutral).\n\n"
        "Pipeline stages (run them all with `dvc repro`): clean -> segment -> label -> train -> evaluate.\n\n"
        "Everyday use: `topicstance predict ARTICLE.txt`."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

PARAMS = typer.Option(Path("params.yaml"), "--params", help="The pipeline's parameter file.")


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a UserError into one line on stderr and its exit code, never a traceback."""
    try:
        yield
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None


def _params(path: Path) -> dict[str, Any]:
    from pipeline.config import load_params

    return load_params(path)


@app.command()
def clean(params: Path = PARAMS) -> None:
    """Repair text and strip page furniture from every article (seeds/ and data/raw/)."""
    from pipeline import clean as stage

    with user_errors():
        count = stage.run(_params(params))
    typer.echo(f"cleaned {count} articles", err=True)


@app.command()
def segment(params: Path = PARAMS) -> None:
    """Split cleaned articles into sentences."""
    from pipeline import segment as stage

    with user_errors():
        count = stage.run(_params(params))
    typer.echo(f"segmented {count} sentences", err=True)


@app.command()
def label(params: Path = PARAMS) -> None:
    """Label sentences: gold annotations first, labeling rules elsewhere; write the labeling report."""
    from pipeline import label as stage

    with user_errors():
        report = stage.run(_params(params))
    unlabeled = report["labels"]["_unlabeled"]
    typer.echo(f"labeled; unlabeled: {unlabeled['topics']} for topics, {unlabeled['stance']} for stance", err=True)


@app.command()
def train(params: Path = PARAMS) -> None:
    """Train the topic and stance classifiers on the training split."""
    from pipeline import train as stage

    with user_errors():
        metadata = stage.run(_params(params))
    counts = metadata["training"]["topic_sentences"]
    typer.echo(f"trained on {counts['gold']} gold and {counts['rules']} rule-labeled sentences", err=True)


@app.command()
def evaluate(
    params: Path = PARAMS,
    gold: Optional[Path] = typer.Option(
        None, "--gold", help="Score the current model on your own JSONL file (text, topics, stance per line) instead."
    ),
    model: Optional[Path] = typer.Option(None, "--model", help="Model file (default: model.path in params.yaml)."),
    output_format: str = typer.Option("table", "--format", help="table (for people) or json (for programs)."),
) -> None:
    """Evaluate on the held-out test split (a pipeline stage), or on --gold FILE."""
    from pipeline import evaluate as stage
    from pipeline.config import LabelSet

    with user_errors():
        settings = _params(params)
        if gold is None:
            metrics = stage.run(settings)
            typer.echo(_headline(metrics["model"]), err=True)
            return
        from pipeline.model import load

        if output_format not in ("table", "json"):
            raise UserError(f"--format must be table or json, not {output_format!r}")
        labels = LabelSet.from_params(settings)
        scores = stage.evaluate_gold(str(gold), load(model or settings["model"]["path"]), labels)
    if output_format == "json":
        import json

        typer.echo(json.dumps(scores, indent=2))
    else:
        typer.echo(_score_table(scores))


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _headline(scores: dict[str, Any]) -> str:
    return (
        f"topic micro-F1 {_figure(scores['topic_micro_f1'])}, macro-F1 {_figure(scores['topic_macro_f1'])}; "
        f"stance macro-F1 {_figure(scores['stance_macro_f1_on_topic'])} on-topic, {_figure(scores['stance_macro_f1_all'])} all"
    )


def _score_table(scores: dict[str, Any]) -> str:
    lines = [_headline(scores), "", f"{'topic':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for topic, s in scores["topics"]["per_topic"].items():
        lines.append(f"{topic:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['support']:>8}")
    lines += ["", f"{'stance':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}  (on-topic sentences)"]
    for stance, s in scores["stance_on_topic"]["per_class"].items():
        lines.append(f"{stance:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['support']:>8}")
    lines.append(f"\nexact topic-set match {scores['topics']['exact_match']:.3f}; sentences {scores['topics']['sentences']}")
    return "\n".join(lines)


@app.command()
def predict(
    paths: List[str] = typer.Argument(..., help="Text, Markdown or HTML files; directories (searched recursively); - for stdin."),
    output_format: str = typer.Option("table", "--format", "-f", help="table (people), jsonl, csv or json (programs)."),
    lines: bool = typer.Option(False, "--lines", help="Each non-empty line is one sentence: no cleaning or segmentation; streams any size."),
    model: Optional[Path] = typer.Option(None, "--model", help="Model file (default: model.path in params.yaml). Load only models you built or trust."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (atomically) instead of stdout."),
    summary_only: bool = typer.Option(False, "--summary-only", help="Only the per-article summary: topic shares, stance counts, overall reading."),
    explain: bool = typer.Option(False, "--explain", help="Add the words that pushed each predicted label most."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes; output keeps input order."),
    params: Path = PARAMS,
) -> None:
    """Classify new articles sentence by sentence.

    Every article goes through the same cleaning and sentence splitting as the training data.
    JSON Lines fields: article, index, text, topics, stance, topic_scores, stance_scores
    (and explain with --explain).

    Exit codes: 0 every input classified; 1 bad option or configuration; 3 model missing or
    not the file its metadata describes; 4 some inputs could not be read (the rest were
    classified, and each problem is one line on stderr).

    Examples:

      topicstance predict seeds/000_44e2312723fc0a82.txt

      topicstance predict --format jsonl --output labels.jsonl archive/

      cat headlines.txt | topicstance predict --lines --format csv -
    """
    from pipeline import predict as stage

    with user_errors():
        if output_format not in stage.FORMATS:
            raise UserError(f"--format must be one of {', '.join(stage.FORMATS)}, not {output_format!r}")
        from pipeline.clean import CleaningRules
        from pipeline.model import load
        from pipeline.records import atomic_open
        from pipeline.segment import merge_rules

        settings = _params(params)
        loaded = load(model or settings["model"]["path"])
        reader = stage.Reader(
            rules=CleaningRules.load(settings["clean"]["rules"], settings["clean"].get("unicode_form", "NFC")),
            language=settings["segment"]["language"],
            merges=merge_rules(settings["segment"].get("merge") or []),
            max_bytes=int(settings["predict"]["max_file_mb"]) * 1_000_000,
            batch_size=int(settings["predict"]["batch_size"]),
        )
        names = reader.expand(paths)
        docs = _with_progress(reader.documents(names, lines), len(names))
        color = output is None and sys.stdout.isatty()
        with atomic_open(output) if output else contextlib.nullcontext(sys.stdout) as sink:
            stage.write_predictions(sink, loaded, docs, output_format, summary_only=summary_only, explain=explain, color=color, jobs=jobs)
    for problem in reader.problems:
        typer.echo(f"error: {problem}", err=True)
    if reader.problems:
        raise typer.Exit(SOME_INPUTS_FAILED)


def _with_progress(docs: Iterator[Any], total: int) -> Iterator[Any]:
    """Count finished inputs on stderr when there are many and stderr is a terminal."""
    if total < 10 or not sys.stderr.isatty():
        yield from docs
        return
    done = 0
    for doc in docs:
        yield doc
        if doc.last:
            done += 1
            typer.echo(f"\r{done}/{total} inputs", err=True, nl=False)
    typer.echo("", err=True)


@app.command()
def suggest(
    n: int = typer.Option(20, "--n", min=1, help="How many sentences to suggest."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the JSONL here instead of stdout."),
    params: Path = PARAMS,
) -> None:
    """List the unlabeled sentences the model is least sure of, ready to annotate.

    The output is annotation JSONL with empty labels: fill in "topics" and "stance"
    (see docs/labels.md), save it under data/annotations/, and run `dvc repro`.
    """
    from pipeline import suggest as stage
    from pipeline.config import LabelSet
    from pipeline.model import load
    from pipeline.records import read_jsonl, write_jsonl
    from pipeline.rules import RuleSet

    with user_errors():
        settings = _params(params)
        labels = LabelSet.from_params(settings)
        model = load(settings["model"]["path"])
        rules = RuleSet.load(settings["label"]["rules"], labels)
        records = read_jsonl(settings["data"]["labeled"])
        picked = stage.suggest(records, model, rules, n, float(settings["suggest"]["conflict_bonus"]))
        if output:
            write_jsonl(output, picked)
        else:
            from pipeline.records import dumps

            sys.stdout.write("".join(dumps(r) + "\n" for r in picked))
    typer.echo(f"suggested {len(picked)} sentences", err=True)


@app.command()
def corpus(
    params: Path = PARAMS,
    check_duplicates: bool = typer.Option(False, "--check-duplicates", help="Exit 1 if any near-duplicate sentences exist."),
) -> None:
    """Corpus figures: counts per topic, stance, style and split; annotator kappa; near-duplicates."""
    from pipeline import corpus as stage

    with user_errors():
        report = stage.run(_params(params))
    counts = report["counts"]
    typer.echo(f"{counts['articles']} articles, {counts['sentences']} sentences, {counts['gold_sentences']} gold", err=True)
    if report["near_duplicates"]:
        typer.echo(f"{len(report['near_duplicates'])} near-duplicate sentence pairs (see reports/corpus.md)", err=True)
        if check_duplicates:
            raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
