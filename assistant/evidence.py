"""Pick the sentences that best answer a question from the top paragraphs.

Used by every backend: the extractive one quotes them, the generative ones receive them as
context. A sentence's score mixes its embedding similarity to the question (vectors computed at
index time), the IDF-weighted share of the question's words it contains, and its paragraph's rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from assistant.backends.base import EvidenceSentence
from assistant.retrieval import Hit, Retriever, Signals
from index.normalize import compact

SIMILARITY_WEIGHT = 0.55
COVERAGE_WEIGHT = 0.30
PARAGRAPH_WEIGHT = 0.15


def term_coverage(retriever: Retriever, tokens: list[str], text: str) -> float:
    """IDF-weighted share of the question's tokens found in `text` (0 when there are none)."""
    if not tokens:
        return 0.0
    haystack = compact(text)
    unique = list(dict.fromkeys(tokens))
    weights = np.array([retriever.idf(t) for t in unique])
    found = np.array([1.0 if t in haystack else 0.0 for t in unique])
    return float((weights * found).sum() / weights.sum()) if weights.sum() > 0 else 0.0


def rank_sentences(retriever: Retriever, signals: Signals, hits: list[Hit]) -> list[EvidenceSentence]:
    """Every sentence of the given paragraphs, best first."""
    if not hits:
        return []
    top_score = max(hit.score for hit in hits) or 1.0
    candidates: list[tuple[float, EvidenceSentence]] = []
    for hit in hits:
        rows, spans = retriever.sentence_vectors_of(hit.paragraph.key)
        similarity = retriever.stored.sentence_vectors[rows] @ signals.query_vector
        text = hit.paragraph.searchable_text
        for similarity_value, (start, end) in zip(similarity, spans, strict=True):
            sentence = text[start:end]
            score = (
                SIMILARITY_WEIGHT * float(similarity_value)
                + COVERAGE_WEIGHT * term_coverage(retriever, signals.query_tokens, sentence)
                + PARAGRAPH_WEIGHT * max(hit.score, 0.0) / top_score
            )
            candidates.append((score, EvidenceSentence(hit.paragraph, sentence, int(start), int(end), score)))
    candidates.sort(key=lambda item: -item[0])
    return [sentence for _, sentence in candidates]


def naming_first(ranked: list[EvidenceSentence], holds: Callable[[str], bool]) -> list[EvidenceSentence]:
    """For 「报告对叙利亚说了什么」: the sentences that name the topic (`holds`), best first, then the rest —
    each sentence keeping its score, so the answer quotes the topic's sentences and stops where they do."""
    names = [holds(compact(s.text)) for s in ranked]
    naming = [s for s, named in zip(ranked, names, strict=True) if named]
    if not naming:
        return ranked
    top = naming[0].score
    rest = [replace(s, score=min(s.score, top * 0.5)) for s, named in zip(ranked, names, strict=True) if not named]
    return naming + rest
