"""Clean stage: repair text and strip page furniture, keeping an audit of every removal.

Articles are UTF-8 text files whose first non-empty line is the headline; paragraphs are
separated by blank lines. Furniture rules come from a YAML file (``clean.rules`` in
``params.yaml``) so that users extend them without touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from pipeline.config import load_yaml
from pipeline.errors import UserError
from pipeline.text import collapse, repair


@dataclass(frozen=True)
class Rule:
    """One furniture rule: its compiled patterns plus the reason shown in the audit."""

    name: str
    why: str
    patterns: tuple[re.Pattern[str], ...]

    def fullmatch(self, line: str) -> bool:
        return any(pattern.fullmatch(line) for pattern in self.patterns)


@dataclass(frozen=True)
class CleaningRules:
    """Whole-line rules and inline rules, in file order."""

    lines: tuple[Rule, ...]
    inline: tuple[Rule, ...]
    unicode_form: str = "NFC"

    @classmethod
    def load(cls, path: str | Path, unicode_form: str = "NFC") -> "CleaningRules":
        data = load_yaml(path) or {}
        if not isinstance(data, dict):
            raise UserError(f"{path}: expected a mapping with 'lines' and 'inline' lists")
        return cls(
            lines=tuple(_compile_rules(path, data.get("lines") or [])),
            inline=tuple(_compile_rules(path, data.get("inline") or [])),
            unicode_form=unicode_form,
        )


def _compile_rules(path: str | Path, entries: Iterable[Any]) -> Iterator[Rule]:
    for position, entry in enumerate(entries, start=1):
        patterns = entry.get("patterns") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not entry.get("name") or not patterns:
            raise UserError(f"{path}: rule #{position} needs a 'name' and a list of 'patterns'")
        try:
            compiled = tuple(re.compile(str(pattern)) for pattern in patterns)
        except re.error as exc:
            raise UserError(f"{path}: rule '{entry['name']}' has an invalid pattern ({exc})") from None
        yield Rule(name=str(entry["name"]), why=str(entry.get("why", "")), patterns=compiled)


@dataclass
class CleanArticle:
    """An article after cleaning, with the audit list of what was removed and why."""

    article: str
    headline: str
    paragraphs: list[str]
    removed: list[dict[str, str]] = field(default_factory=list)

    def to_record(self, source: str) -> dict[str, Any]:
        return {
            "article": self.article,
            "source": source,
            "headline": self.headline,
            "paragraphs": self.paragraphs,
            "removed": self.removed,
        }


def clean_text(article: str, text: str, rules: CleaningRules) -> CleanArticle:
    """Split raw text into headline and paragraphs, dropping furniture lines and inline inserts."""
    blocks = _blocks(text)
    if not blocks:
        return CleanArticle(article=article, headline="", paragraphs=[])
    removed: list[dict[str, str]] = []
    headline = repair(blocks[0][0], rules.unicode_form)
    paragraphs: list[str] = []
    rest_of_first = blocks[0][1:]
    for block in ([rest_of_first] if rest_of_first else []) + blocks[1:]:
        kept: list[str] = []
        for line in block:
            repaired = repair(line, rules.unicode_form)
            rule = _matching_line_rule(repaired, rules.lines)
            if rule is None:
                kept.append(repaired)
            elif repaired:
                removed.append({"rule": rule.name, "text": repaired})
        paragraph = _strip_inline(" ".join(kept), rules.inline, removed)
        if paragraph:
            paragraphs.append(paragraph)
    return CleanArticle(article=article, headline=headline, paragraphs=paragraphs, removed=removed)


def _blocks(text: str) -> list[list[str]]:
    """Group non-empty lines into blank-line separated blocks."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _matching_line_rule(line: str, rules: Iterable[Rule]) -> Rule | None:
    return next((rule for rule in rules if rule.fullmatch(line)), None)


def _strip_inline(paragraph: str, rules: Iterable[Rule], removed: list[dict[str, str]]) -> str:
    for rule in rules:
        for pattern in rule.patterns:
            for match in pattern.finditer(paragraph):
                removed.append({"rule": rule.name, "text": match.group().strip()})
            paragraph = pattern.sub("", paragraph)
    return collapse(paragraph)


def article_files(directories: Iterable[str | Path], suffixes: tuple[str, ...] = (".txt",)) -> list[Path]:
    """The article files of the corpus, in a stable order; two articles may not share an id."""
    files: dict[str, Path] = {}
    for directory in directories:
        folder = Path(directory)
        if not folder.is_dir():
            raise UserError(f"{folder}: article directory not found")
        for path in sorted(folder.iterdir()):
            if path.suffix not in suffixes or not path.is_file():
                continue
            if path.stem in files:
                raise UserError(f"{path}: article id '{path.stem}' is also used by {files[path.stem]}")
            files[path.stem] = path
    return [files[key] for key in sorted(files)]


def read_article(path: Path) -> str:
    """The text of a corpus article; corpus files must be valid UTF-8 (predict is more lenient)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None


def clean_corpus(directories: Iterable[str | Path], rules: CleaningRules) -> Iterator[dict[str, Any]]:
    """Clean every article file of the corpus into one record each."""
    for path in article_files(directories):
        cleaned = clean_text(path.stem, read_article(path), rules)
        if not cleaned.headline:
            raise UserError(f"{path}: empty article")
        yield cleaned.to_record(path.as_posix())


def run(params: dict[str, Any]) -> int:
    """The DVC stage: every corpus article to one cleaned record; returns the article count."""
    from pipeline.records import write_jsonl

    rules = CleaningRules.load(params["clean"]["rules"], params["clean"].get("unicode_form", "NFC"))
    return write_jsonl(params["data"]["cleaned"], clean_corpus(params["data"]["articles"], rules))
