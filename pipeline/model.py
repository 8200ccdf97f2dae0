"""The model wrapper: shared TF-IDF features, one binary classifier per topic, one for stance.

It follows scikit-learn's estimator conventions (``fit`` returns self, fitted attributes end
in ``_``). Saving writes the joblib file and a JSON metadata file holding the file's sha256;
loading refuses a file whose hash does not match, because unpickling runs code.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pipeline.config import LabelSet
from pipeline.errors import ModelError
from pipeline.records import atomic_open, read_json, write_json

LIBRARIES = ("scikit-learn", "numpy", "scipy", "joblib")


class TopicStanceModel:
    """Topics as independent binary decisions (several or none), stance as one multiclass decision."""

    def __init__(self, labels: LabelSet, params: dict[str, Any], rules: Any = None):
        self.labels = labels
        self.params = params
        self.rules = rules

    def fit(
        self,
        topic_texts: Sequence[str],
        topic_targets: np.ndarray,
        topic_weights: np.ndarray,
        stance_texts: Sequence[str],
        stance_targets: np.ndarray,
        stance_weights: np.ndarray,
    ) -> "TopicStanceModel":
        """Fit features on every training text, then each classifier on its own labeled subset."""
        from pipeline.features import build_vectorizer

        self.vectorizer_ = build_vectorizer(self.params, self.rules)
        self.vectorizer_.fit(list(dict.fromkeys([*topic_texts, *stance_texts])))
        features = self.vectorizer_.transform(topic_texts)
        self.topic_models_ = [
            self._classifier(self.params["topic_C"]).fit(features, topic_targets[:, t], sample_weight=topic_weights)
            for t in range(len(self.labels.topics))
        ]
        self.stance_model_ = self._classifier(self.params["stance_C"]).fit(
            self.vectorizer_.transform(stance_texts), stance_targets, sample_weight=stance_weights
        )
        self.thresholds_ = np.full(len(self.labels.topics), 0.5)
        return self

    def _classifier(self, c: float) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=float(c),
            class_weight=self.params.get("class_weight") or None,
            max_iter=2000,
        )

    def transform(self, texts: Sequence[str]) -> Any:
        return self.vectorizer_.transform(texts)

    def topic_proba(self, features: Any) -> np.ndarray:
        """n x T probabilities that each topic applies."""
        return np.column_stack([m.predict_proba(features)[:, 1] for m in self.topic_models_])

    def stance_proba(self, features: Any) -> np.ndarray:
        """n x S stance probabilities, columns in the label set's order."""
        proba = self.stance_model_.predict_proba(features)
        order = [list(self.stance_model_.classes_).index(s) for s in range(len(self.labels.stances))]
        return proba[:, order]

    def topics_from(self, topic_proba: np.ndarray) -> np.ndarray:
        """Apply the per-topic decision thresholds."""
        return topic_proba >= self.thresholds_


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in LIBRARIES}


def metadata_path(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".json")


def save(model: TopicStanceModel, path: str | Path, extra: dict[str, Any]) -> dict[str, Any]:
    """Write the model and its metadata (labels, versions, counts, sha256); return the metadata."""
    import joblib

    from pipeline.features import forget_caches

    forget_caches(model.vectorizer_)
    with atomic_open(path, "wb") as handle:
        joblib.dump(model, handle, compress=3)
    metadata = {
        "model_file": Path(path).name,
        "sha256": sha256(path),
        "topics": list(model.labels.topics),
        "stances": list(model.labels.stances),
        "thresholds": {t: round(float(v), 4) for t, v in zip(model.labels.topics, model.thresholds_)},
        "libraries": library_versions(),
        **extra,
    }
    write_json(metadata_path(path), metadata)
    return metadata


def load(path: str | Path) -> TopicStanceModel:
    """Load a model only if its sha256 matches its metadata; warn when scikit-learn differs."""
    model_path = Path(path)
    meta_path = metadata_path(model_path)
    if not model_path.exists():
        raise ModelError(f"{model_path}: model not found; build it with `dvc repro` (or pass --model PATH)")
    if not meta_path.exists():
        raise ModelError(f"{meta_path}: model metadata not found; refusing to load an unverified pickle")
    metadata = read_json(meta_path)
    if sha256(model_path) != metadata.get("sha256"):
        raise ModelError(f"{model_path}: sha256 does not match {meta_path.name}; refusing to load it")
    built_with = metadata.get("libraries", {}).get("scikit-learn")
    running = importlib.metadata.version("scikit-learn")
    if built_with and built_with != running:
        print(f"warning: {model_path}: built with scikit-learn {built_with}, running {running}; rebuild with `dvc repro`", file=sys.stderr)
    import joblib

    try:
        model = joblib.load(model_path)
    except Exception as exc:  # a corrupted or foreign pickle can raise anything
        raise ModelError(f"{model_path}: cannot load model ({type(exc).__name__})") from None
    if not isinstance(model, TopicStanceModel):
        raise ModelError(f"{model_path}: not a topicstance model")
    return model
