"""Corpus report: counts per topic, stance, style and split; agreement per round; duplicates; cues.

The figures in docs/corpus.md come from here (``topicstance corpus``, a DVC stage), so they
are regenerated with the data and never go stale.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from pipeline.annotations import read_annotation_file, sentence_key
from pipeline.config import LabelSet
from pipeline.cues import cue_audit, length_profile
from pipeline.metrics import kappa
from pipeline.tables import markdown_table


def near_duplicates(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Pairs of sentences whose character 4-gram TF-IDF vectors have cosine >= threshold."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return []
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), lowercase=True).fit_transform(texts)
    similarity = (matrix @ matrix.T).tocoo()
    pairs = [(int(i), int(j), round(float(s), 3)) for i, j, s in zip(similarity.row, similarity.col, similarity.data) if i < j and s >= threshold]
    return sorted(pairs, key=lambda pair: -pair[2])


def agreement(first: Path, second: Path, labels: LabelSet) -> dict[str, Any]:
    """Cohen's kappa per topic and for stance between two independent annotation passes (before settling)."""
    a = {sentence_key(x.article, x.text): x for x in read_annotation_file(first, labels)}
    b = {sentence_key(x.article, x.text): x for x in read_annotation_file(second, labels)}
    shared = sorted(set(a) & set(b))
    result: dict[str, Any] = {"sentences": len(shared), "topics": {}}
    for topic in labels.topics:
        result["topics"][topic] = {
            "kappa": kappa([topic in a[k].topics for k in shared], [topic in b[k].topics for k in shared]),
            "raw_agreement": round(sum((topic in a[k].topics) == (topic in b[k].topics) for k in shared) / max(len(shared), 1), 4),
        }
    result["stance"] = {
        "kappa": kappa([a[k].stance for k in shared], [b[k].stance for k in shared]),
        "raw_agreement": round(sum(a[k].stance == b[k].stance for k in shared) / max(len(shared), 1), 4),
    }
    result["topic_set_exact_agreement"] = round(sum(a[k].topics == b[k].topics for k in shared) / max(len(shared), 1), 4)
    return result


def corpus_counts(records: list[dict[str, Any]], styles: dict[str, str], labels: LabelSet) -> dict[str, Any]:
    """Sentence and article counts by topic, stance (on-topic), style, split and label source."""
    labeled = [r for r in records if r["topics"] is not None and r["stance"] is not None]
    gold = [r for r in labeled if r["topics_from"] == "gold"]
    on_topic = [r for r in gold if r["topics"]]
    by_style: Counter[str] = Counter(styles.get(r["article"], "unknown") for r in records)
    articles_by_style: Counter[str] = Counter(styles.get(a, "unknown") for a in {r["article"] for r in records})
    return {
        "articles": len({r["article"] for r in records}),
        "sentences": len(records),
        "gold_articles": len({r["article"] for r in gold}),
        "gold_sentences": len(gold),
        "gold_topics": {t: sum(t in r["topics"] for r in gold) for t in labels.topics} | {"none": sum(not r["topics"] for r in gold)},
        "gold_combinations": dict(Counter("+".join(r["topics"]) or "none" for r in gold).most_common()),
        "gold_stance_on_topic": {s: sum(r["stance"] == s for r in on_topic) for s in labels.stances},
        "gold_stance_all": {s: sum(r["stance"] == s for r in gold) for s in labels.stances},
        "split": {s: {"articles": len({r["article"] for r in gold if r["split"] == s}), "gold_sentences": sum(r["split"] == s for r in gold)} for s in ("train", "test")},
        "styles": {s: {"articles": articles_by_style[s], "sentences": by_style[s]} for s in sorted(by_style)},
        "sources": {
            "topics": dict(Counter(r["topics_from"] for r in records)),
            "stance": dict(Counter(r["stance_from"] for r in records)),
        },
    }


def _agreement_section(name: str, agree: dict[str, Any]) -> list[str]:
    return [
        f"\n### {name}: {agree['sentences']} sentences annotated twice, before settling\n",
        markdown_table(
            ["label", "Cohen's kappa", "raw agreement"],
            [[t, v["kappa"], v["raw_agreement"]] for t, v in agree["topics"].items()]
            + [["stance", agree["stance"]["kappa"], agree["stance"]["raw_agreement"]]],
        ),
        f"\nExact agreement on the whole topic set: {agree['topic_set_exact_agreement']:.3f}.\n",
    ]


def _lengths_section(lengths: dict[str, Any]) -> list[str]:
    profiles = [(name, p) for name, p in lengths.items() if p and p.get("sentences")]
    header = ["words per sentence", *(name for name, _ in profiles)]
    rows = [["sentences", *(p["sentences"] for _, p in profiles)], ["mean", *(p["mean"] for _, p in profiles)]]
    rows += [[f"{10 * (i + 1)}th percentile", *(p["deciles"][i] for _, p in profiles)] for i in range(9)]
    return ["\n## Sentence length against real news\n", markdown_table(header, rows)]


def _cues_section(cues: dict[str, Any], labels: LabelSet) -> list[str]:
    columns = [*labels.topics, "none"]

    def table(rows: list[dict[str, Any]]) -> str:
        return markdown_table(["word", "gold sentences", *columns], [[r["word"], r["sentences"], *(r["shares"][c] for c in columns)] for r in rows])

    return [
        "\n## Spurious-cue audit\n",
        f"Of {cues['frequent_words']} words in at least {cues['min_count']} gold sentences, {len(cues['flagged'])} fall "
        f"more than {cues['max_share']:.0%} into one topic (share of the word's sentences with each label). Topic words "
        "belong here; a name, a country or an attribution does not.\n",
        table(cues["flagged"]),
        "\n### Watch list: words that must not decide a label\n",
        table(cues["watch"]),
    ]


def render(
    counts: dict[str, Any],
    agree: dict[str, dict[str, Any]],
    duplicates: list[dict[str, Any]],
    diagnostics: dict[str, Any],
    labels: LabelSet,
) -> str:
    """reports/corpus.md: the tables that docs/corpus.md points to."""
    gold = counts["gold_sentences"]
    share = lambda n, total: f"{n} ({n / total:.0%})" if total else str(n)  # noqa: E731
    on_topic = sum(counts["gold_stance_on_topic"].values())
    parts = [
        "# Corpus figures\n",
        "Generated by `dvc repro` (stage `corpus`); do not edit by hand.\n",
        f"{counts['articles']} articles, {counts['sentences']} sentences after cleaning; "
        f"{counts['gold_articles']} articles ({gold} sentences) carry gold labels.\n",
        "## Gold topics\n",
        markdown_table(["topic", "sentences"], [[t, share(n, gold)] for t, n in counts["gold_topics"].items()]),
        "\n## Gold topic combinations\n",
        markdown_table(["topics", "sentences"], list(map(list, counts["gold_combinations"].items()))),
        "\n## Gold stance\n",
        markdown_table(
            ["stance", "on-topic sentences", "all sentences"],
            [[s, share(n, on_topic), counts["gold_stance_all"][s]] for s, n in counts["gold_stance_on_topic"].items()],
        ),
        "\n## Split (by article)\n",
        markdown_table(["split", "articles", "gold sentences"], [[s, v["articles"], v["gold_sentences"]] for s, v in counts["split"].items()]),
        "\n## Styles\n",
        markdown_table(["style", "articles", "sentences"], [[s, v["articles"], v["sentences"]] for s, v in counts["styles"].items()]),
        "\n## Label sources (all sentences)\n",
        markdown_table(["source", "topics", "stance"], [[s, counts["sources"]["topics"].get(s, 0), counts["sources"]["stance"].get(s, 0)] for s in ("gold", "rules", "unlabeled")]),
    ]
    if agree:
        parts.append("\n## Annotator agreement (two independent passes per round)")
        for name, figures in agree.items():
            parts += _agreement_section(name, figures)
    parts += _lengths_section(diagnostics["lengths"]) + _cues_section(diagnostics["cues"], labels)
    parts.append(f"\n## Near-duplicate sentences\n\n{len(duplicates)} pairs at or above the threshold.\n")
    if duplicates:
        parts.append(markdown_table(["similarity", "first", "second"], [[d["similarity"], d["first"], d["second"]] for d in duplicates]))
    return "\n".join(parts)


def run(params: dict[str, Any]) -> dict[str, Any]:
    """The DVC stage: reports/corpus.json and reports/corpus.md."""
    from pipeline.records import read_json, read_jsonl, write_json, write_text

    labels = LabelSet.from_params(params)
    conf = params["corpus"]
    records = read_jsonl(params["data"]["labeled"])
    meta = Path(params["data"]["article_meta"])
    styles = {r["article"]: r.get("style", "unknown") for r in read_jsonl(meta)} if meta.exists() else {}
    agree = {
        name: agreement(Path(first), Path(second), labels)
        for name, (first, second) in (conf.get("passes") or {}).items()
        if Path(first).exists() and Path(second).exists()
    }
    gold = [r for r in records if r["topics_from"] == "gold" and r["topics"] is not None]
    reference = Path(conf["reference_lengths"]) if conf.get("reference_lengths") else None
    diagnostics = {
        "lengths": {"our gold sentences": length_profile([r["text"] for r in gold])}
        | ({"real news (reference)": read_json(reference)} if reference and reference.exists() else {}),
        "cues": cue_audit(gold, labels, int(conf["cue_min_count"]), float(conf["cue_max_share"]), conf.get("cue_watch") or []),
    }
    texts = [r["text"] for r in records]
    duplicates = [
        {"similarity": s, "first": f"{records[i]['article']}: {texts[i]}", "second": f"{records[j]['article']}: {texts[j]}"}
        for i, j, s in near_duplicates(texts, float(conf["duplicate_threshold"]))
    ]
    report = {"counts": corpus_counts(records, styles, labels), "agreement": agree, "near_duplicates": duplicates, **diagnostics}
    write_json(conf["report"], report)
    write_text(conf["report_md"], render(report["counts"], agree, duplicates, diagnostics, labels))
    return report
