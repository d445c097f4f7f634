"""What one question produces — the object every surface (CLI, web, Slack, eval) renders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.citations import CITATION_MARK
from index.parser import Paragraph

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
MIN_QUOTED_CHARS = 6


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

    def supporting_spans_in(self, paragraph: Paragraph) -> list[tuple[int, int]]:
        """The spans of `paragraph.plain_text` behind the answer, in order: the engine's own when it gives
        them, otherwise the answer's sentences cited to this paragraph that quote it word for word."""
        if self.refused:
            return []
        if self.supporting.get(paragraph.key):
            return sorted(self.supporting[paragraph.key])
        spans: list[tuple[int, int]] = []
        position = 0
        for match in CITATION_MARK.finditer(self.answer):
            claim, position = self.answer[position : match.start()], match.end()
            if int(match.group(1)) != paragraph.number:
                continue
            for sentence in _SENTENCE.findall(claim):
                quoted = sentence.strip()
                start = paragraph.plain_text.find(quoted) if len(quoted) >= MIN_QUOTED_CHARS else -1
                if start >= 0:
                    spans.append((start, start + len(quoted)))
        return spans

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
