"""Decide whether the report addresses a question at all.

Similarity scores alone do not separate the cases here: every question about international
politics lands close to some paragraph of this report. What does separate them is whether the
question's *distinctive* words occur in the report: 「维和行动的预算」 shares 「维和」 with paragraph
29 but 「预算」 occurs nowhere. The main signal is therefore the IDF-weighted share of the
question's words that the best paragraphs contain (a word the report never uses weighs the most);
for English questions, which have no Chinese words to compare, the best sentence's embedding
similarity is used. Thresholds are learned on the development gold set (`python -m eval tune`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.evidence import term_coverage
from assistant.retrieval import Hit, Retriever, Signals

REFUSAL_FILE = Path(__file__).with_name("data") / "refusal.json"
COVERAGE_PARAGRAPHS = 3


@dataclass(frozen=True)
class RefusalThresholds:
    min_coverage: float = 0.6
    min_english_similarity: float = 0.85

    @classmethod
    def load(cls, path: Path = REFUSAL_FILE) -> RefusalThresholds:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: float(v) for k, v in data.get("thresholds", {}).items()})


@dataclass(frozen=True)
class RefusalFeatures:
    coverage: float
    best_sentence_similarity: float
    chinese: bool
    has_terms: bool


def refusal_features(retriever: Retriever, signals: Signals, hits: list[Hit]) -> RefusalFeatures:
    top = hits[:COVERAGE_PARAGRAPHS]
    text = " ".join(hit.paragraph.searchable_text + hit.paragraph.section_title for hit in top)
    coverage = term_coverage(retriever, signals.query_tokens, text)
    best = max((float(signals.sentence[retriever.position[h.paragraph.key]]) for h in top), default=0.0)
    return RefusalFeatures(coverage, best, signals.chinese, bool(signals.query_tokens))


def should_refuse(features: RefusalFeatures, thresholds: RefusalThresholds) -> bool:
    if features.chinese and features.has_terms:
        return features.coverage < thresholds.min_coverage
    return features.best_sentence_similarity < thresholds.min_english_similarity
