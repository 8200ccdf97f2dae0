"""Sentence features: TF-IDF over word n-grams, optionally joined by character n-grams.

Character n-grams make the model robust to inflections and names it saw only in part
("deportations" / "deported", "Sinaloa" / "sinaloense"); docs/speed.md has the measured
accuracy-speed trade-off behind the n-gram ranges in params.yaml.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion


def build_vectorizer(params: dict[str, Any]) -> FeatureUnion:
    """The unfitted feature extractor described by the ``train`` section of params.yaml."""
    parts: list[tuple[str, TfidfVectorizer]] = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, int(params["word_ngram_max"])),
                min_df=int(params["min_df"]),
                sublinear_tf=True,
                lowercase=True,
                token_pattern=r"(?u)\b\w[\w'-]*\w\b|\b\w\b",
                dtype=np.float32,
            ),
        )
    ]
    if params["char_ngrams"]:
        low, high = params["char_ngram_range"]
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(int(low), int(high)),
                    min_df=int(params["min_df"]),
                    sublinear_tf=True,
                    lowercase=True,
                    dtype=np.float32,
                ),
            )
        )
    return FeatureUnion(parts)


def feature_names(vectorizer: FeatureUnion) -> list[str]:
    """Readable names of every feature column, for explanations ("words__border crisis")."""
    return [str(name) for name in vectorizer.get_feature_names_out()]


def forget_caches(vectorizer: FeatureUnion) -> None:
    """Drop per-process caches so the pickled model is byte-identical run to run.

    A fitted TfidfVectorizer remembers ``id(self.stop_words)``, a memory address.
    """
    for _, part in vectorizer.transformer_list:
        vars(part).pop("_stop_words_id", None)
