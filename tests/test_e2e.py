"""The real pipeline, end to end: `dvc repro` on the small fixture corpus in a fresh repo."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_project

pytestmark = pytest.mark.e2e


def run(cwd: Path, *args: str) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    dvc = shutil.which("dvc") or str(Path(sys.executable).with_name("dvc"))
    project = make_project(tmp_path_factory.mktemp("e2e"))
    run(project, "git", "init", "-q")
    run(project, dvc, "init", "-q")
    run(project, dvc, "config", "core.analytics", "false")
    run(project, dvc, "repro")
    return project, dvc


def test_repro_builds_every_output(repo):
    project, _ = repo
    for path in ("models/model.joblib", "models/model.json", "models/MODEL_CARD.md", "reports/metrics.json",
                 "reports/report.md", "reports/labeling.md", "reports/corpus.md",
                 "reports/figures/confusion_stance.png", "reports/plots/confusion/stance.csv"):
        assert (project / path).is_file(), path
    metrics = json.loads((project / "reports/metrics.json").read_text(encoding="utf-8"))
    assert {"model", "baselines", "cv", "seed"} <= set(metrics)


def test_second_repro_has_nothing_to_do_and_forced_rebuild_is_byte_identical(repo):
    project, dvc = repo
    assert "up to date" in run(project, dvc, "status")
    lock = (project / "dvc.lock").read_bytes()
    run(project, dvc, "repro", "--force")
    assert (project / "dvc.lock").read_bytes() == lock


def test_metrics_and_plots_are_declared(repo):
    project, dvc = repo
    assert "topic_micro_f1" in run(project, dvc, "metrics", "show")
    out = run(project, dvc, "plots", "show", "-o", "plots_html")
    assert (project / "plots_html" / "index.html").exists(), out
