import json

import pytest

from pipeline.errors import ModelError
from pipeline.model import load, metadata_path, sha256


def test_model_metadata_describes_the_file(trained_project):
    model_path = trained_project / "models/model.joblib"
    metadata = json.loads(metadata_path(model_path).read_text(encoding="utf-8"))
    assert metadata["sha256"] == sha256(model_path)
    assert metadata["topics"] == ["migration", "fentanyl", "diplomacy"]
    assert set(metadata["libraries"]) >= {"scikit-learn", "numpy", "joblib"}
    assert metadata["training"]["topic_sentences"]["gold"] > 0


def test_tampered_model_is_refused(trained_project, tmp_path):
    model_path = tmp_path / "model.joblib"
    model_path.write_bytes((trained_project / "models/model.joblib").read_bytes() + b"x")
    metadata_path(model_path).write_text((trained_project / "models/model.json").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ModelError, match="sha256 does not match"):
        load(model_path)


def test_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelError, match="dvc repro"):
        load(tmp_path / "nothing.joblib")


def test_training_is_deterministic(trained_project, tmp_path, params):
    """Same data, same bytes: dvc.lock stays identical across clean rebuilds."""
    import os

    from pipeline import train
    from pipeline.config import load_params

    cwd = os.getcwd()
    os.chdir(trained_project)
    try:
        settings = load_params("params.yaml")
        settings["model"]["path"] = str(tmp_path / "again.joblib")
        train.run(settings)
    finally:
        os.chdir(cwd)
    assert sha256(tmp_path / "again.joblib") == sha256(trained_project / "models/model.joblib")
