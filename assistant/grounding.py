"""The grounding measure: how much of a sentence's wording occurs in the paragraphs it cites.

Shared by citation attribution (`assistant.attribution`) and the evaluation (`eval.metrics`), so what
attribution accepts as supported is exactly what the eval counts as supported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from index.normalize import cjk_share, compact

SUPPORT_THRESHOLD = 0.5
MIN_SCORED_BIGRAMS = 3


def _content(text: str) -> str:
    """Normalised text with punctuation, symbols and whitespace dropped: letters and digits only."""
    return "".join(c for c in compact(text) if unicodedata.category(c)[0] in "LN")


def bigrams(text: str) -> list[str]:
    content = _content(text)
    return [content[i : i + 2] for i in range(len(content) - 1)]


def support_score(sentence: str, sources: Sequence[str]) -> float | None:
    """Share of the sentence's character bigrams that occur in the source texts (normalised; punctuation
    ignored). None for a sentence too short to score; 0.0 when there is no source."""
    grams = bigrams(sentence)
    if len(grams) < MIN_SCORED_BIGRAMS:
        return None
    available = {gram for source in sources for gram in bigrams(source)}
    return sum(1 for gram in grams if gram in available) / len(grams)


def is_chinese(text: str) -> bool:
    """Chinese, or at least not Latin-script: character n-grams compare only texts of the same script."""
    return cjk_share(text) >= 0.3 or not re.search(r"[A-Za-z]", text)
