"""Sentence features: TF-IDF over word n-grams, optionally joined by character n-grams.

Character n-grams make the model robust to inflections and names it saw only in part
("deportations" / "deported", "Sinaloa" / "sinaloense"); docs/speed.md has the measured
accuracy-speed trade-off behind the n-gram ranges in params.yaml.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion


class RuleVotes(BaseEstimator, TransformerMixin):
    """The labeling rules' votes as binary features: the classifier learns how far to trust each rule.

    Stacking the hand-written rules this way lets vocabulary that the corpus lacks (written into
    the rules) reach the model, while the model weighs each rule by how it did on gold.
    """

    def __init__(self, rules: Any = None):
        self.rules = rules

    def fit(self, texts: Any, y: Any = None) -> "RuleVotes":
        return self

    def transform(self, texts: Any) -> sparse.csr_matrix:
        return sparse.csr_matrix(self.rules.votes(list(texts)).astype(np.float32))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([rule.name for rule in self.rules.rules], dtype=object)


# scikit-learn's list minus the words that carry stance or negation ("not", "never", "no", "against").
STOP_WORDS = sorted(ENGLISH_STOP_WORDS - {"not", "no", "nor", "never", "nothing", "against", "cannot", "without", "none", "nobody"})


class Valence(BaseEstimator, TransformerMixin):
    """How positive and how negative a sentence sounds, from VADER's rated sentiment lexicon.

    Stance turns on evaluative words ("shameful", "triumph") that a small corpus shows in few
    contexts; 7,500 human-rated words carry that prior to every sentence at TF-IDF speed. A word
    within three tokens after a negator ("not", "never", "n't") counts with the opposite sign.
    The lexicon is copied into the fitted model, so a saved model needs no package data.
    """

    def __init__(self, scale: float = 3.0):
        self.scale = scale

    def fit(self, texts: Any, y: Any = None) -> "Valence":
        from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer

        self.lexicon_ = {w: float(v) for w, v in SentimentIntensityAnalyzer().lexicon.items() if " " not in w}
        self.negators_ = dict.fromkeys(sorted(NEGATE))  # a sorted dict, not a set: set pickles vary with the hash seed
        return self

    def _masses(self, text: str) -> tuple[float, float]:
        tokens = _TOKEN.findall(text.lower())
        pivot = tokens.index("but") if "but" in tokens else -1
        positive = negative = 0.0
        for i, token in enumerate(tokens):
            value = self.lexicon_.get(token)
            if value is None:
                continue
            window = tokens[max(0, i - 3) : i]
            if any(w in self.negators_ or w.endswith("n't") for w in window):
                value *= -0.74  # VADER's negation scalar
            if pivot >= 0:
                value *= 1.5 if i > pivot else 0.5  # what follows "but" dominates, as in VADER
            if value > 0:
                positive += value
            else:
                negative -= value
        return positive, negative

    def transform(self, texts: Any) -> sparse.csr_matrix:
        masses = np.array([self._masses(t) for t in texts], dtype=np.float32).reshape(-1, 2)
        balance = masses[:, 0] - masses[:, 1]
        net = balance / np.sqrt(balance**2 + 15)  # VADER's squashing of a score into (-1, 1)
        squashed = np.column_stack([masses / np.sqrt(masses**2 + 15), np.maximum(net, 0), np.maximum(-net, 0)])
        return sparse.csr_matrix(squashed * self.scale)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(["positive", "negative", "net positive", "net negative"], dtype=object)


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def build_vectorizer(params: dict[str, Any], rules: Any = None) -> FeatureUnion:
    """The unfitted feature extractor described by the ``train`` section of params.yaml."""
    parts: list[tuple[str, Any]] = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, int(params["word_ngram_max"])),
                min_df=int(params["min_df"]),
                sublinear_tf=True,
                lowercase=True,
                token_pattern=r"(?u)\b\w[\w'-]*\w\b|\b\w\b",
                stop_words=STOP_WORDS if params.get("stop_words") else None,
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
    if params.get("rule_features"):
        parts.append(("rules", RuleVotes(rules)))
    if params.get("valence_features"):
        parts.append(("valence", Valence(float(params.get("valence_scale", 3.0)))))
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
