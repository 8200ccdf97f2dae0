"""Configuration: ``params.yaml`` plus the YAML rule files it points to.

Every tunable number and every path lives in ``params.yaml`` so that DVC can track it and
``dvc exp run -S`` can change it; code reads it only through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import UserError

PARAMS_FILE = Path("params.yaml")


def load_yaml(path: str | Path) -> Any:
    """Parse a YAML file, turning every failure into a one-line error that names the file."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{source}: file not found") from None
    except UnicodeDecodeError:
        raise UserError(f"{source}: not valid UTF-8 text") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UserError(f"{source}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None


def load_params(path: str | Path = PARAMS_FILE) -> dict[str, Any]:
    """The whole ``params.yaml`` as a dict."""
    params = load_yaml(path)
    if not isinstance(params, dict):
        raise UserError(f"{path}: expected a mapping of sections at the top level")
    return params


def section(params: dict[str, Any], name: str) -> dict[str, Any]:
    """One section of the params, with an error naming it when it is missing."""
    value = params.get(name)
    if not isinstance(value, dict):
        raise UserError(f"{PARAMS_FILE}: section '{name}' is missing or not a mapping")
    return value


@dataclass(frozen=True)
class LabelSet:
    """The label vocabulary; a new topic is one more name here plus rules and annotations."""

    topics: tuple[str, ...]
    stances: tuple[str, ...]
    default_stance: str

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "LabelSet":
        labels = section(params, "labels")
        topics = tuple(labels.get("topics") or ())
        stances = tuple(labels.get("stances") or ())
        default = labels.get("default_stance", "neutral")
        if not topics or not stances:
            raise UserError(f"{PARAMS_FILE}: labels.topics and labels.stances must be non-empty lists")
        if default not in stances:
            raise UserError(f"{PARAMS_FILE}: labels.default_stance '{default}' is not one of {list(stances)}")
        return cls(topics=topics, stances=stances, default_stance=default)
