"""Inline citations: 「[第27段]」 (or 「[A/65/877 第27段]」 when several documents share an index).

Models write citations in many shapes — 「[第12段、第13段]」, 「[¶12]」, 「[paragraph 12]」,
「（第12段）」. All are read; every valid one is rewritten in the canonical form, and a citation of
a paragraph that does not exist or was not retrieved is removed and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRACKETED = re.compile(
    r"[\[【（(]\s*([^\]】）)]{0,80}?(?:段|¶\s*\d+|paragraphs?\s*\d+|para\.?\s*\d+)[^\]】）)]{0,40})\s*[\]】）)]",
    re.IGNORECASE,
)
_NUMBER_IN_CITATION = re.compile(
    r"(?:第\s*(\d{1,4})|¶\s*(\d{1,4})|paragraphs?\s*(\d{1,4})|para\.?\s*(\d{1,4})|[、,，和及]\s*(\d{1,4}))",
    re.IGNORECASE,
)
_DOCUMENT_IN_CITATION = re.compile(r"^([A-Z]/[\w/.\-–]+)\s")
# A citation in the canonical form `format_citation` writes (group 1: the paragraph number).
CITATION_MARK = re.compile(r"\[(?:[^\[\]\s]+ )?第(\d{1,4})段\]")


@dataclass(frozen=True)
class CitationCheck:
    text: str
    cited: tuple[tuple[str, int], ...]
    removed: int


def format_citation(number: int, document_label: str = "") -> str:
    return f"[{document_label} 第{number}段]" if document_label else f"[第{number}段]"


def check_citations(
    text: str,
    retrieved: set[tuple[str, int]],
    existing: set[tuple[str, int]],
    labels: dict[str, str],
    default_document: str,
) -> CitationCheck:
    """Keep citations of retrieved paragraphs (canonical form); drop and count the rest."""
    by_label = {label: document for document, label in labels.items()}
    show_label = len(labels) > 1
    cited: list[tuple[str, int]] = []
    removed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        inner = match.group(1)
        label_match = _DOCUMENT_IN_CITATION.match(inner)
        document = by_label.get(label_match.group(1), default_document) if label_match else default_document
        kept = []
        for groups in _NUMBER_IN_CITATION.findall(inner):
            number = int(next(g for g in groups if g))
            key = (document, number)
            if key in existing and key in retrieved:
                kept.append(format_citation(number, labels[document] if show_label else ""))
                if key not in cited:
                    cited.append(key)
            else:
                removed += 1
        return "".join(kept)

    cleaned = _BRACKETED.sub(replace, text)
    cleaned = re.sub(r"[ \t]+([。，；！？])", r"\1", cleaned)
    return CitationCheck(re.sub(r"[ \t]{2,}", " ", cleaned).strip(), tuple(cited), removed)


def cited_numbers(text: str) -> list[int]:
    """Paragraph numbers cited in a text, in order of first appearance (for conversation history)."""
    numbers: list[int] = []
    for match in _BRACKETED.finditer(text):
        for groups in _NUMBER_IN_CITATION.findall(match.group(1)):
            number = int(next(g for g in groups if g))
            if number not in numbers:
                numbers.append(number)
    return numbers
