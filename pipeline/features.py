"""Sentence features: TF-IDF over word n-grams, optionally joined by character n-grams.

Character n-grams make the model robust to inflections and names it saw only in part
("deportations" / "deported", "Sinaloa" / "sinaloense"); `train.char_ngrams` switches them off
when speed matters more (see benchmarks/ for the trade-off).
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
                ngram_range=(1, int(params.get("word_ngram_max", 2))),
                min_df=int(params.get("min_df", 1)),
                sublinear_tf=True,
                lowercase=True,
                token_pattern=r"(?u)\b\w[\w'-]*\w\b|\b\w\b",
                dtype=np.float32,
            ),
        )
    ]
    if params.get("char_ngrams", True):
        low, high = params.get("char_ngram_range", [3, 5])
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(int(low), int(high)),
                    min_df=int(params.get("min_df", 1)),
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
