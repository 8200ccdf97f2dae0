"""Train/test assignment by article, so no article has sentences on both sides."""

from __future__ import annotations

import hashlib
from typing import Iterable


def _rank(article: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{article}".encode()).hexdigest()


def _unit(article: str, seed: int) -> float:
    """A stable pseudo-random number in [0, 1) for an article."""
    return int(_rank(article, seed)[:12], 16) / 16**12


def assign_splits(
    articles: Iterable[str], gold_articles: set[str], test_fraction: float, seed: int, always_test: Iterable[str]
) -> dict[str, str]:
    """Test articles are gold articles whose hash falls under ``test_fraction`` (others have nothing to score).

    Each article's split depends on its id alone, so adding or removing articles never moves
    another one between train and test; ``always_test`` articles (the seed) are always in test.
    """
    forced = set(always_test)
    return {
        article: "test" if article in gold_articles and (article in forced or _unit(article, seed) < test_fraction) else "train"
        for article in sorted(set(articles))
    }


def group_folds(groups: list[str], k: int, seed: int) -> list[list[int]]:
    """Indices of k folds with whole groups (articles) in each, assigned by stable hash order."""
    ordered = sorted(set(groups), key=lambda g: _rank(g, seed))
    fold_of = {group: i % k for i, group in enumerate(ordered)}
    folds: list[list[int]] = [[] for _ in range(k)]
    for index, group in enumerate(groups):
        folds[fold_of[group]].append(index)
    return [fold for fold in folds if fold]
