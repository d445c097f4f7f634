"""Split paragraphs into sentences, keeping each sentence's position for highlighting."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』)\]]*|$)")
_CLAUSE_BREAK = re.compile(r"(?<=；)")
LONG_SENTENCE_CHARS = 160


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences end at 。！？ (with any closing quote); very long ones are cut at 「；」."""
    sentences: list[Sentence] = []
    for match in _SENTENCE.finditer(text):
        piece = match.group(0)
        if not piece.strip():
            continue
        pieces = _CLAUSE_BREAK.split(piece) if len(piece) > LONG_SENTENCE_CHARS else [piece]
        offset = match.start()
        for part in pieces:
            if part.strip():
                lead = len(part) - len(part.lstrip())
                sentences.append(Sentence(part.strip(), offset + lead, offset + lead + len(part.strip())))
            offset += len(part)
    return sentences
