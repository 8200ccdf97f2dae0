"""Text normalization shared by cleaning, annotation matching and prediction."""

from __future__ import annotations

import re

import ftfy

_WHITESPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return _WHITESPACE.sub(" ", text).strip()


def repair(text: str, unicode_form: str = "NFC") -> str:
    """Fix mojibake, straighten quotes, normalize and collapse whitespace.

    NFC, not NFKC: compatibility folding changes meaning (10³ would become 103).
    """
    return collapse(ftfy.fix_text(text, uncurl_quotes=True, normalization=unicode_form))


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def quick_normalize(text: str) -> str:
    """Straight quotes and collapsed spaces only: the cheap path for `predict --lines` at scale."""
    return collapse(text.translate(_QUOTES))
