"""Shared fixtures: the repository's parameters, and a small trained project built from
tests/fixtures/corpus with the real stage code (session-scoped, so it is built once)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import LabelSet, load_params

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "corpus"
SEED = ROOT / "seeds" / "000_44e2312723fc0a82.txt"


@pytest.fixture(scope="session")
def params() -> dict[str, Any]:
    return load_params(ROOT / "params.yaml")


@pytest.fixture(scope="session")
def labels(params: dict[str, Any]) -> LabelSet:
    return LabelSet.from_params(params)


def make_project(target: Path) -> Path:
    """A self-contained copy of the project whose corpus is the small fixture corpus."""
    for name in ("pipeline", "seeds", "dvc.yaml"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    (target / "data" / "annotations").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "rules", target / "data" / "rules")
    shutil.copytree(ROOT / "data" / "reference", target / "data" / "reference")
    shutil.copytree(FIXTURE / "raw", target / "data" / "raw")
    shutil.copy(FIXTURE / "annotations" / "fixture.jsonl", target / "data" / "annotations")
    shutil.copy(ROOT / "data" / "annotations" / "seed.jsonl", target / "data" / "annotations")
    shutil.copy(FIXTURE / "articles.jsonl", target / "data" / "articles.jsonl")
    (target / "data" / "agreement").mkdir()
    settings = load_params(ROOT / "params.yaml")
    settings["split"].update(test_fraction=0.3, folds=2)
    settings["train"]["threshold_folds"] = 2
    settings["evaluate"]["cv_folds"] = 2
    (target / "params.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project after clean, segment, label and train (stage code, no DVC)."""
    import os

    from pipeline import clean, label, segment, train

    project = make_project(tmp_path_factory.mktemp("project"))
    cwd = os.getcwd()
    os.chdir(project)
    try:
        settings = load_params("params.yaml")
        for stage in (clean, segment, label, train):
            stage.run(settings)
    finally:
        os.chdir(cwd)
    return project
