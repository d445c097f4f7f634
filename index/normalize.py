"""Text normalisation for matching only — displayed text always keeps the report's original form.

The report mixes full- and half-width punctuation (「，」 and 「,」) and writes numbers both as
「2005 年」 and 「2005年」; matching must not care.
"""

from __future__ import annotations

import re
import unicodedata

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPTS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-", "‒": "-", "﹣": "-"})


def strip_footnote_marks(text: str) -> str:
    return _SUPERSCRIPTS.sub("", text)


def strip_control_characters(text: str) -> str:
    """Remove control and invisible formatting characters; newlines and tabs become spaces."""
    return _CONTROL.sub("", text.replace("\n", " ").replace("\r", " ").replace("\t", " "))


def normalize(text: str) -> str:
    """Fold width, case, dashes and the spacing around Chinese characters."""
    text = strip_control_characters(strip_footnote_marks(text))
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).lower()
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalised text with every whitespace removed, for containment checks."""
    return _SPACES.sub("", normalize(text))


def is_cjk_char(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def has_cjk(text: str) -> bool:
    return any(is_cjk_char(c) for c in text)


def cjk_share(text: str) -> float:
    """Share of letters in `text` that are Chinese characters (0 for an English question)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_cjk_char(c)) / len(letters)
