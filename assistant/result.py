"""What one question produces — the object every surface (CLI, web, Slack, eval) renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.parser import Paragraph


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of the conversation."""

    question: str
    answer: str = ""
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Retrieved:
    paragraph: Paragraph
    score: float


@dataclass
class AnswerResult:
    question: str
    answer: str
    citations: list[int]
    refused: bool
    retrieved: list[Retrieved]
    backend: str
    timings_ms: dict[str, float]
    standalone_question: str = ""
    cited_keys: list[str] = field(default_factory=list)
    removed_citations: int = 0
    notice: str = ""
    language: str = "zh"
    supporting: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    model: str = ""

    def to_json(self) -> dict[str, Any]:
        """The machine contract of `python -m assistant ask --json` (extra keys come after)."""
        return {
            "answer": self.answer,
            "citations": self.citations,
            "refused": self.refused,
            "retrieved": [{"paragraph": r.paragraph.number, "score": round(r.score, 4)} for r in self.retrieved],
            "backend": self.backend,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "standalone_question": self.standalone_question,
            "cited": [{"document": key.split("#")[0], "paragraph": int(key.split("#")[1])} for key in self.cited_keys],
            "removed_citations": self.removed_citations,
            "notice": self.notice,
            "language": self.language,
        }
