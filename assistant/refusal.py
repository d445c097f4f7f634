"""Decide whether the report addresses a question at all.

Similarity alone does not separate the cases here: every question about international politics
lands close to some paragraph of this report (answerable and unanswerable questions both reach a
best-sentence cosine of 0.84–0.94). Three lexical signals help, because an unanswerable question
usually asks about something the report never names (「维和行动的预算」 shares 「维和」 with
paragraph 29, but 「预算」 occurs nowhere):

* `coverage` — the IDF-weighted share of the question's words found in the best paragraphs
  (a word the report never uses weighs the most);
* `char_coverage` — the same over single characters, which forgives paraphrase (「学界」/「学术界」);
* `focus_missing` — the word the question asks about (next to 「多少」「什么」「哪个」…) is nowhere in
  the report;
* `number_missing` — the question asks for a quantity (「多少」「几」"how many") but the best sentences
  hold no number other than those in the question (「7月几号」 against 「2011 年 7 月」).

They are combined linearly with the best sentence's similarity; the weights (a feature may get 0) and
the threshold are learned on the development gold set with cross-validation (`python -m eval tune`), keeping false
refusals of answerable questions at or below 5 %. English questions have no Chinese words to
compare, so only similarity is used for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.evidence import term_coverage
from assistant.retrieval import Hit, Retriever, Signals
from assistant.tuned import load_tuned
from index.normalize import compact
from index.tokenize import segment, stopwords

REFUSAL_FILE = Path(__file__).with_name("data") / "refusal.json"
COVERAGE_PARAGRAPHS = 3
_QUESTION_WORD = re.compile(r"^(多少|几|什么|哪|哪个|哪些|哪里|哪儿|哪一|哪一个|谁|怎么样|怎样)$")
_LINKING_WORDS = {"是", "有", "为", "在", "的"}
_ASKS_QUANTITY = re.compile(
    r"多少|几[个名项次年月日号票人位天岁]|几\S{0,2}[？?]|how (many|much)|what (number|percentage)", re.IGNORECASE
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+(?=[个名项次年月日号票人位天岁多余])")


@dataclass(frozen=True)
class RefusalThresholds:
    char_weight: float = 0.05
    coverage_weight: float = 0.0
    focus_penalty: float = 0.0
    number_penalty: float = 0.0
    min_score: float = 0.88
    min_english_similarity: float = 0.76

    @classmethod
    def load(cls, path: Path = REFUSAL_FILE) -> RefusalThresholds:
        return load_tuned(cls, path, "thresholds")


@dataclass(frozen=True)
class RefusalFeatures:
    coverage: float
    char_coverage: float
    best_sentence_similarity: float
    focus_missing: bool
    number_missing: bool
    chinese: bool
    has_terms: bool

    def score(self, thresholds: RefusalThresholds) -> float:
        return (
            self.best_sentence_similarity
            + thresholds.char_weight * self.char_coverage
            + thresholds.coverage_weight * self.coverage
            - thresholds.focus_penalty * float(self.focus_missing)
            - thresholds.number_penalty * float(self.number_missing)
        )


def refusal_features(retriever: Retriever, signals: Signals, hits: list[Hit], question: str = "") -> RefusalFeatures:
    top = hits[:COVERAGE_PARAGRAPHS]
    text = " ".join(hit.paragraph.searchable_text + hit.paragraph.section_title for hit in top)
    coverage = term_coverage(retriever, signals.query_tokens, text)
    best = max((float(signals.sentence[retriever.position[h.paragraph.key]]) for h in top), default=0.0)
    return RefusalFeatures(
        coverage=coverage,
        char_coverage=_char_coverage(retriever, signals.query_tokens, compact(text)),
        best_sentence_similarity=best,
        focus_missing=any(word not in _corpus_text(retriever) for word in question_focus(question)),
        number_missing=bool(_ASKS_QUANTITY.search(question)) and not _new_numbers(retriever, signals, top, question),
        chinese=signals.chinese,
        has_terms=bool(signals.query_tokens),
    )


def should_refuse(features: RefusalFeatures, thresholds: RefusalThresholds) -> bool:
    if features.chinese and features.has_terms:
        return features.score(thresholds) < thresholds.min_score
    return (
        features.best_sentence_similarity - thresholds.number_penalty * float(features.number_missing)
        < thresholds.min_english_similarity
    )


def _new_numbers(retriever: Retriever, signals: Signals, top: list[Hit], question: str) -> set[str]:
    """Numbers in the best sentence of each top paragraph that the question does not already contain."""
    asked = set(_NUMBER.findall(question))
    found: set[str] = set()
    for hit in top:
        row = int(signals.best_sentence[retriever.position[hit.paragraph.key]])
        if row < 0:
            continue
        start, end = retriever.stored.sentence_spans[row]
        found.update(_NUMBER.findall(hit.paragraph.searchable_text[start:end]))
    return found - asked


def question_focus(question: str) -> list[str]:
    """The content word next to each question word: 「多少兵力」→兵力, 「预算是多少」→预算."""
    words = [w for w in segment(question) if re.search(r"[\w\u4e00-\u9fff]", w)]
    stop = stopwords()
    focus = []
    for i, word in enumerate(words):
        if not _QUESTION_WORD.match(word):
            continue
        after = [w for w in words[i + 1 : i + 3] if w not in stop and not _QUESTION_WORD.match(w)]
        before = [w for w in words[max(0, i - 3) : i][::-1] if w not in stop and w not in _LINKING_WORDS]
        focus.extend(compact(w) for w in (after[:1] or before[:1]))
    return focus


def _char_coverage(retriever: Retriever, tokens: list[str], top_text: str) -> float:
    characters = {c for c in compact("".join(tokens)) if "\u4e00" <= c <= "\u9fff"}
    weights = {c: _character_idf(retriever, c) for c in characters}
    total = sum(weights.values())
    return sum(w for c, w in weights.items() if c in top_text) / total if total else 0.0


@lru_cache(maxsize=4)
def _corpus_text(retriever: Retriever) -> str:
    return compact(" ".join(p.searchable_text for p in retriever.paragraphs))


def _character_idf(retriever: Retriever, character: str) -> float:
    return _character_table(retriever).get(character, retriever.idf("\u0000"))


@lru_cache(maxsize=4)
def _character_table(retriever: Retriever) -> dict[str, float]:
    import math

    total = len(retriever.paragraphs)
    frequency: dict[str, int] = {}
    for paragraph in retriever.paragraphs:
        for character in set(compact(paragraph.searchable_text)):
            frequency[character] = frequency.get(character, 0) + 1
    return {c: math.log((total + 1) / (n + 0.5)) for c, n in frequency.items()}
