"""The embedded default: no model at all. Quotes the best sentences of the top paragraphs, each cited."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.backends.base import Draft, Evidence, EvidenceSentence
from assistant.citations import format_citation
from assistant.result import Turn

MAX_SENTENCES = 3
MAX_CHARS = 360
KEEP_RATIO = 0.85
ENGLISH_PREFACE = "The report is in Chinese; these are its sentences that answer your question:"


class ExtractiveBackend:
    name = "extractive"
    description = "extractive · offline"

    def answer(self, evidence: Evidence) -> Draft:
        chosen = choose_sentences(evidence.sentences)
        lines = [_cite(sentence, evidence.citation_labels) for sentence in chosen]
        body = "\n".join(lines)
        text = f"{ENGLISH_PREFACE}\n{body}" if evidence.language == "en" else body
        supporting: dict[str, list[tuple[int, int]]] = {}
        for sentence in chosen:
            supporting.setdefault(sentence.paragraph.key, []).append((sentence.start, sentence.end))
        return Draft(text=text, supporting=supporting)

    def stream(self, evidence: Evidence) -> Iterator[str]:
        yield self.answer(evidence).text

    def condense(self, question: str, history: list[Turn]) -> str | None:
        return None


def choose_sentences(ranked: list[EvidenceSentence]) -> list[EvidenceSentence]:
    """The best sentence, plus near-as-good ones while the answer stays short; in reading order."""
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    length = len(best.text)
    for sentence in ranked[1:]:
        if len(chosen) >= MAX_SENTENCES or sentence.score < best.score * KEEP_RATIO:
            break
        if length + len(sentence.text) > MAX_CHARS:
            continue
        chosen.append(sentence)
        length += len(sentence.text)
    paragraph_order = {s.paragraph.key: i for i, s in reversed(list(enumerate(chosen)))}
    return sorted(chosen, key=lambda s: (paragraph_order[s.paragraph.key], s.start))


def _cite(sentence: EvidenceSentence, labels: dict[str, str]) -> str:
    label = labels.get(sentence.paragraph.document, "") if len(labels) > 1 else ""
    return f"{sentence.text}{format_citation(sentence.paragraph.number, label)}"
