"""Hybrid retrieval: dense vectors from Chroma, sentence-level similarity, BM25 over jieba tokens and, for
Chinese questions, BM25 over character bigrams.

Each signal is scaled to [0, 1] across the candidates of one query and they are mixed with
weights learned on the pooled gold splits (`assistant/data/fusion.json`, written by
`python -m eval tune`). English questions share no words with a Chinese report: their lexical signal
is BM25 over the Chinese words a CC-CEDICT bridge gives for their English words (`index/bridge.py`),
with its own learned weights. A Chinese question's words that no paragraph uses are looked for by BM25 as their
thesaurus synonyms too (`index/synonyms.py`: 「学界」 as 「学术界」).

A question that asks for a kind of answer (a document number, a date, a name: `assistant/answertype.py`)
may have its first place changed: when the best paragraph holds no answer of that kind, the best of the next
four that does gets a learned bonus, which puts it first if it is close enough: 「安理会就利比亚通过了哪两项决议？」
wants the paragraph that gives 「第1970(2011)号和第1973(2011)号决议」, not the one that only discusses Libya.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.answertype import AnswerType, expected_types, missing_types
from assistant.tuned import load_tuned
from index.bridge import english_concepts, gloss_words
from index.embeddings import E5Embeddings
from index.normalize import cjk_share
from index.parser import Paragraph, Report
from index.store import StoredIndex
from index.synonyms import expand
from index.tokenize import character_bigrams, tokenize

FUSION_FILE = Path(__file__).with_name("data") / "fusion.json"
CANDIDATES = 50
# How many of the best paragraphs the answer-type bonus can reorder: the answer must already be near the top.
ANSWER_TYPE_DEPTH = 5


@dataclass(frozen=True)
class FusionWeights:
    """How much each signal counts; `english_*` apply when the question has no Chinese."""

    paragraph: float = 0.3
    sentence: float = 0.3
    lexical: float = 0.4
    characters: float = 0.0
    english_paragraph: float = 0.5
    english_sentence: float = 0.5
    english_lexical: float = 0.0
    # added to a top paragraph that holds the kind of answer the question asks for (both languages)
    answer_type: float = 0.0

    @classmethod
    def load(cls, path: Path = FUSION_FILE) -> FusionWeights:
        return load_tuned(cls, path, "weights")

    def for_question(self, chinese: bool) -> tuple[float, float, float, float]:
        """(paragraph, sentence, lexical, characters); an English question has no character signal."""
        if chinese:
            return self.paragraph, self.sentence, self.lexical, self.characters
        return self.english_paragraph, self.english_sentence, self.english_lexical, 0.0


@dataclass
class Signals:
    """Raw per-paragraph scores for one query, over the whole index (arrays aligned with paragraphs)."""

    paragraph: np.ndarray
    sentence: np.ndarray
    lexical: np.ndarray
    characters: np.ndarray  # BM25 over character bigrams (all zeros for an English question)
    best_sentence: np.ndarray
    query_tokens: list[str]
    chinese: bool
    query_vector: np.ndarray
    # an English question's words bridged to the report's words, one list per concept ([] when untranslatable)
    concepts: list[list[str]] = field(default_factory=list)
    # the question (not the condensed query) and the kinds of answer it asks for
    question: str = ""
    expected: frozenset[AnswerType] = frozenset()
    # paragraph position → whether it holds every expected kind; filled as `rank` asks
    holds_expected: dict[int, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    score: float
    signals: dict[str, float] = field(default_factory=dict)


class Retriever:
    """Scores every paragraph of the loaded index for a question."""

    def __init__(self, stored: StoredIndex, embeddings: E5Embeddings, weights: FusionWeights | None = None) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
        self.stored = stored
        self.embeddings = embeddings
        self.weights = weights or FusionWeights.load()
        self.reports: list[Report] = stored.reports
        self.paragraphs: list[Paragraph] = [p for r in stored.reports for p in r.paragraphs]
        self.position = {p.key: i for i, p in enumerate(self.paragraphs)}
        corpus_tokens = [stored.paragraph_tokens[p.key] or ["∅"] for p in self.paragraphs]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus_tokens, show_progress=False)
        self.vocabulary = set(self.bm25.vocab_dict)
        self.bigram_bm25 = bm25s.BM25()
        bigrams = [character_bigrams(p.searchable_text) or ["∅"] for p in self.paragraphs]
        self.bigram_bm25.index(bigrams, show_progress=False)
        self.bigram_vocabulary = set(self.bigram_bm25.vocab_dict)
        self.gloss_words = gloss_words(stored.bridge)
        self.document_frequency = _document_frequency(corpus_tokens)
        self.token_sets = [set(tokens) for tokens in corpus_tokens]
        self.sentence_owner = np.array([self.position[k] for k in stored.sentence_keys], dtype=np.int64)

    # -- signals -------------------------------------------------------------------------------
    def signals(self, query: str, question: str | None = None) -> Signals:
        """Every signal for `query`; `question` (default: the query) is what the answer-type bonus reads — a
        follow-up's condensed query also holds the previous question, whose kind of answer is not asked now."""
        count = len(self.paragraphs)
        query_vector = self.embeddings.query_vector(query)
        paragraph = np.zeros(count, dtype=np.float32)
        hits = self.stored.vectorstore.similarity_search_by_vector_with_relevance_scores(
            query_vector.tolist(), k=min(CANDIDATES, count)
        )
        for document, cosine_distance in hits:  # langchain-chroma returns the raw distance here
            paragraph[self.position[document.id]] = 1.0 - cosine_distance
        sentence_scores = self.stored.sentence_vectors @ query_vector
        sentence = np.zeros(count, dtype=np.float32)
        best_sentence = np.full(count, -1, dtype=np.int64)
        order = np.argsort(sentence_scores)
        sentence[self.sentence_owner[order]] = sentence_scores[order]
        best_sentence[self.sentence_owner[order]] = order
        tokens = tokenize(query)
        chinese = cjk_share(query) >= 0.3
        concepts = [] if chinese else english_concepts(query, self.stored.bridge, self.vocabulary, keep_unknown=True)
        if chinese:  # words the report never uses are also looked for as its synonyms (`index.synonyms`)
            lexical = _bm25_scores(self.bm25, self.vocabulary, tokens + expand(tokens, self.vocabulary), count)
            characters = _bm25_scores(self.bigram_bm25, self.bigram_vocabulary, character_bigrams(query), count)
        else:
            lexical = self._bridged_bm25(concepts)
            characters = np.zeros(count, np.float32)
        question = query if question is None else question
        return Signals(
            paragraph,
            sentence,
            lexical,
            characters,
            best_sentence,
            tokens,
            chinese,
            query_vector,
            concepts,
            question,
            frozenset(expected_types(question)),
        )

    def _bridged_bm25(self, concepts: list[list[str]]) -> np.ndarray:
        """BM25 of an English question through the dictionary bridge: each concept counts once, by its best
        Chinese word, so a gloss with many translations does not outweigh one with a single exact one; a concept
        with no word in the index adds nothing."""
        total = np.zeros(len(self.paragraphs), dtype=np.float32)
        for words in concepts:
            known = [w for w in words if w in self.vocabulary]
            if known:
                total += np.max([_bm25_scores(self.bm25, self.vocabulary, [w], len(total)) for w in known], axis=0)
        return total

    def rank(self, signals: Signals, boost: dict[str, float] | None = None, limit: int | None = None) -> list[Hit]:
        """Paragraphs with a fused score, best first (the best `limit`, or all); `boost` adds to named ones."""
        w_paragraph, w_sentence, w_lexical, w_characters = self.weights.for_question(signals.chinese)
        fused = (
            w_paragraph * _scale(signals.paragraph)
            + w_sentence * _scale(signals.sentence)
            + w_lexical * _scale(signals.lexical)
            + w_characters * _scale(signals.characters)
        )
        for key, amount in (boost or {}).items():
            if key in self.position:
                fused[self.position[key]] += amount
        if self.weights.answer_type and signals.expected:
            self._answer_type_bonus(signals, fused)
        if limit is not None and limit < len(fused):
            best = np.argpartition(-fused, limit)[:limit]
            order = best[np.argsort(-fused[best], kind="stable")]
        else:
            order = np.argsort(-fused, kind="stable")
        return [
            Hit(
                self.paragraphs[i],
                float(fused[i]),
                {
                    "paragraph": float(signals.paragraph[i]),
                    "sentence": float(signals.sentence[i]),
                    "lexical": float(signals.lexical[i]),
                    "characters": float(signals.characters[i]),
                },
            )
            for i in order
        ]

    def _answer_type_bonus(self, signals: Signals, fused: np.ndarray) -> None:
        """When the best paragraph holds no instance of a kind the question asks for (one the question does not
        already contain), the best of the next ANSWER_TYPE_DEPTH - 1 that holds every kind gets the answer-type
        weight if that makes it first; the order of the others is left alone. Only the first place can change: a
        bonus to every holder also lifted unrelated ones into the top three, where refusal reads the evidence ("In
        which country was Ratko Mladić arrested?" found a place in paragraph 11 and was no longer refused)."""
        depth = min(ANSWER_TYPE_DEPTH, len(fused))
        best = np.argpartition(-fused, depth - 1)[:depth]
        best = best[np.argsort(-fused[best], kind="stable")]
        if self._holds_expected(signals, int(best[0])):
            return
        for i in best[1:]:
            if self._holds_expected(signals, int(i)):
                if fused[i] + self.weights.answer_type > fused[best[0]]:
                    fused[i] += self.weights.answer_type
                return

    def _holds_expected(self, signals: Signals, position: int) -> bool:
        if position not in signals.holds_expected:
            text = self.paragraphs[position].searchable_text
            signals.holds_expected[position] = not missing_types(signals.question, text)
        return signals.holds_expected[position]

    def search(self, query: str, k: int = 5, boost: dict[str, float] | None = None) -> list[Hit]:
        return self.rank(self.signals(query), boost, limit=k)

    # -- lookups -------------------------------------------------------------------------------
    def paragraph(self, number: int, document: str | None = None) -> Paragraph | None:
        for paragraph in self.paragraphs:
            if paragraph.number == number and (document is None or paragraph.document == document):
                return paragraph
        return None

    def idf(self, token: str) -> float:
        """Inverse document frequency; a token the report never uses gets the largest value."""
        total = len(self.paragraphs)
        return math.log((total + 1) / (self.document_frequency.get(token, 0) + 0.5))

    def sentence_vectors_of(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Row indices and (start, end) spans of a paragraph's sentences."""
        rows = np.flatnonzero(self.sentence_owner == self.position[key])
        return rows, self.stored.sentence_spans[rows]


def _bm25_scores(index, vocabulary: set[str], tokens: list[str], count: int) -> np.ndarray:
    """BM25 of every paragraph for the tokens the index knows; zeros when it knows none."""
    known = [token for token in tokens if token in vocabulary]
    if not known:
        return np.zeros(count, dtype=np.float32)
    return np.asarray(index.get_scores(known), dtype=np.float32)


def _document_frequency(corpus_tokens: Iterable[list[str]]) -> dict[str, int]:
    frequency: dict[str, int] = {}
    for tokens in corpus_tokens:
        for token in set(tokens):
            frequency[token] = frequency.get(token, 0) + 1
    return frequency


def _scale(values: np.ndarray) -> np.ndarray:
    """Min–max over the candidates; a flat signal (no information) becomes all zeros."""
    top = float(values.max()) if values.size else 0.0
    floor = float(values.min()) if values.size else 0.0
    if top - floor < 1e-9:
        return np.zeros_like(values)
    return (values - floor) / (top - floor)
