"""Train/test assignment by article, so no article has sentences on both sides."""

from __future__ import annotations

import hashlib
import math
from typing import Iterable


def _rank(article: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{article}".encode()).hexdigest()


def assign_splits(
    articles: Iterable[str], gold_articles: set[str], test_fraction: float, seed: int, always_test: Iterable[str]
) -> dict[str, str]:
    """Pick test articles among those with gold labels (others have nothing to score).

    The choice is a stable hash of the article id, so adding an article never moves the others;
    ``always_test`` articles (the seed) are in test and count toward the fraction.
    """
    articles = sorted(set(articles))
    forced = {a for a in always_test if a in gold_articles}
    candidates = sorted((a for a in gold_articles - forced), key=lambda a: _rank(a, seed))
    wanted = max(math.ceil(test_fraction * len(gold_articles)) - len(forced), 0)
    test = forced | set(candidates[:wanted])
    return {article: "test" if article in test else "train" for article in articles}


def group_folds(groups: list[str], k: int, seed: int) -> list[list[int]]:
    """Indices of k folds with whole groups (articles) in each, assigned by stable hash order."""
    ordered = sorted(set(groups), key=lambda g: _rank(g, seed))
    fold_of = {group: i % k for i, group in enumerate(ordered)}
    folds: list[list[int]] = [[] for _ in range(k)]
    for index, group in enumerate(groups):
        folds[fold_of[group]].append(index)
    return [fold for fold in folds if fold]
