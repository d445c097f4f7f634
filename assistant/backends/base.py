"""The seam every answer backend implements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from assistant.result import Turn
from index.parser import Paragraph


class BackendError(RuntimeError):
    """The backend could not answer (network, timeout, bad reply); the engine falls back."""


@dataclass(frozen=True)
class EvidenceSentence:
    paragraph: Paragraph
    text: str
    start: int
    end: int
    score: float

    @property
    def in_body(self) -> bool:
        """The sentence is the paragraph's own, not one of the footnotes appended after it (its spans are offsets
        into `searchable_text`, whose body comes first)."""
        return self.end <= len(self.paragraph.plain_text)


@dataclass(frozen=True)
class Evidence:
    """What retrieval hands to a backend: the question and the best paragraphs and sentences."""

    question: str
    standalone_question: str
    language: str
    paragraphs: list[Paragraph]
    sentences: list[EvidenceSentence]
    history: list[Turn] = field(default_factory=list)
    citation_labels: dict[str, str] = field(default_factory=dict)
    # the sentences are what was asked for as they stand (「第40段讲了什么」: the whole paragraph), not candidates
    verbatim: bool = False


@dataclass(frozen=True)
class Draft:
    """A backend's answer before citation validation."""

    text: str
    supporting: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    model: str = ""


class AnswerBackend(Protocol):
    name: str
    description: str

    def answer(self, evidence: Evidence) -> Draft: ...

    def stream(self, evidence: Evidence) -> Iterator[str]:
        """Yield text pieces; the joined pieces equal `answer(evidence).text`."""
        ...

    def condense(self, question: str, history: list[Turn]) -> str | None:
        """A standalone rewrite of a follow-up, or None to use the engine's own rule."""
        ...


_UNRESOLVED = re.compile(r"它|他们|她们|\b(?:it|its|they|them|their)\b", re.IGNORECASE)


def still_unresolved(rewritten: str) -> bool:
    """A rewritten follow-up that still holds a pronoun was not rewritten (a small model tends to answer
    instead); the engine then falls back to its own rule."""
    return bool(_UNRESOLVED.search(rewritten))
