"""Deterministic evaluation metrics: pure functions of gold data and an answer, no model needed.

Retrieval metrics take the gold paragraph numbers and the retrieved numbers (best first); citation
metrics take the cited numbers; grounding metrics take the answer text and the texts of paragraphs
(see eval/README.md for why character-bigram containment was chosen). A function returns `None`
when a metric does not apply to the case (e.g. citation precision of an answer with no citation);
`mean` skips those.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.grounding import SUPPORT_THRESHOLD, is_chinese, support_score
from index.normalize import compact, normalize

_TERMINATORS = "。！？!?"
_CLOSERS = "”’\"'」』）)】"
_SENTENCE = re.compile(rf".*?(?:[{_TERMINATORS}]+[{_CLOSERS}]*|$)")
_CITATION = re.compile(r"\s*[\[【]([^\[\]【】]{0,80}?段)[\]】]")
_CITATION_NUMBER = re.compile(r"(?:第\s*(\d{1,4})|[、,，和及]\s*(\d{1,4}))")
_CITATION_AFTER_TERMINATOR = re.compile(rf"([{_TERMINATORS}][{_CLOSERS}]*)((?:\s*[\[【][^\[\]【】]{{0,80}}?段[\]】])+)")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# Order matters: the first alternative that matches at a position wins, so a document symbol is
# one token (not three numbers) and a date is one token (not a year, a month and a day).
_FIGURE = re.compile(
    # A/63/677, SG/SM/13385, S/RES/1970(2011)
    r"(?<![a-z0-9])[a-z]{1,5}(?:/[a-z][a-z0-9.]{0,5})*(?:/\d+)+(?:\(\d{4}\))?"
    rf"|\d{{1,2}} (?:{_MONTHS}) \d{{4}}|(?:{_MONTHS}) \d{{1,2}}, \d{{4}}"  # 9 August 2010, August 9, 2010
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日"  # 2010年8月9日, 2011年7月, 8月9日
    r"|\d+\(\d{4}\)"  # 1970(2011)
    r"|(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])"  # 1,000,000
    r"|\d+(?:\.\d+)?(?:/\d+)*%?",  # 60/1, 3.5, 139, 40%
    re.IGNORECASE,
)


# -- retrieval ------------------------------------------------------------------------------------
def gold_rank(gold: Iterable[int], retrieved: Sequence[int]) -> int | None:
    """1-based rank of the first gold paragraph among the retrieved ones, None when none was retrieved."""
    wanted = set(gold)
    return next((rank for rank, number in enumerate(retrieved, start=1) if number in wanted), None)


def hit_at_k(gold: Iterable[int], retrieved: Sequence[int], k: int) -> float:
    """1.0 when a gold paragraph is among the top k retrieved, else 0.0."""
    return 1.0 if set(gold) & set(retrieved[:k]) else 0.0


def recall_at_k(gold: Iterable[int], retrieved: Sequence[int], k: int) -> float | None:
    """Share of the gold paragraphs found in the top k; None without gold paragraphs."""
    wanted = set(gold)
    if not wanted:
        return None
    return len(wanted & set(retrieved[:k])) / len(wanted)


def reciprocal_rank(gold: Iterable[int], retrieved: Sequence[int]) -> float:
    rank = gold_rank(gold, retrieved)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(gold: Iterable[int], retrieved: Sequence[int], k: int) -> float | None:
    """Binary-relevance nDCG@k (a paragraph retrieved twice counts once); None without gold paragraphs."""
    wanted = set(gold)
    if not wanted:
        return None
    seen: set[int] = set()
    dcg = 0.0
    for rank, number in enumerate(retrieved[:k], start=1):
        if number in wanted and number not in seen:
            dcg += 1.0 / math.log2(rank + 1)
        seen.add(number)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


# -- citations ------------------------------------------------------------------------------------
def citation_validity(cited: Sequence[int], retrieved: Iterable[int], existing: Iterable[int]) -> float | None:
    """1.0 when every cited paragraph exists and was retrieved, 0.0 otherwise; None without citations."""
    if not cited:
        return None
    allowed = set(retrieved) & set(existing)
    return 1.0 if all(number in allowed for number in cited) else 0.0


def citation_precision(cited: Sequence[int], gold: Iterable[int]) -> float | None:
    """|cited ∩ gold| / |cited|; None without citations."""
    unique = set(cited)
    if not unique:
        return None
    return len(unique & set(gold)) / len(unique)


def citation_recall(cited: Sequence[int], gold: Iterable[int]) -> float | None:
    """|cited ∩ gold| / |gold|; None without gold paragraphs."""
    wanted = set(gold)
    if not wanted:
        return None
    return len(set(cited) & wanted) / len(wanted)


# -- answer ---------------------------------------------------------------------------------------
def must_include_coverage(answer: str, must_include: Sequence[str]) -> float | None:
    """Share of the must-include strings found in the answer, both sides through `index.normalize.compact`
    (whitespace removed, width/case/dashes folded); None when the item lists none."""
    if not must_include:
        return None
    text = compact(answer)
    return sum(1 for needle in must_include if compact(needle) in text) / len(must_include)


# -- grounding ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citations: tuple[int, ...]
    own_citations: bool = True


@dataclass(frozen=True)
class SentenceSupport:
    text: str
    citations: tuple[int, ...]
    support: float | None  # None: not scored (too short, or a different language from the cited text)
    violations: tuple[str, ...] = ()

    @property
    def unsupported(self) -> bool:
        return self.support is not None and self.support < SUPPORT_THRESHOLD


@dataclass(frozen=True)
class Grounding:
    sentences: tuple[SentenceSupport, ...] = field(default_factory=tuple)

    @property
    def scored(self) -> list[SentenceSupport]:
        return [s for s in self.sentences if s.support is not None]

    @property
    def unsupported(self) -> list[SentenceSupport]:
        return [s for s in self.sentences if s.unsupported]

    @property
    def violations(self) -> list[str]:
        return [v for s in self.sentences for v in s.violations]

    @property
    def unsupported_rate(self) -> float | None:
        scored = self.scored
        return len(self.unsupported) / len(scored) if scored else None

    @property
    def mean_support(self) -> float | None:
        return mean(s.support for s in self.sentences)


def citation_numbers(marker: str) -> list[int]:
    """Paragraph numbers in one citation marker such as 「第12段、第13段」 or 「A/65/877 第27段」."""
    return [int(next(g for g in groups if g)) for groups in _CITATION_NUMBER.findall(marker)]


def split_sentences(answer: str) -> list[AnswerSentence]:
    """Split on 。！？ and newlines; citation markers are removed from the text and attached to their sentence.

    A marker written after the full stop (「……。[第27段]」) belongs to the sentence before it. A sentence
    without a marker of its own takes the citations of the next cited sentence in the same line
    (「A。B。[第3段]」 cites paragraph 3 for both); one with none after it either cites nothing.
    """
    moved = _CITATION_AFTER_TERMINATOR.sub(lambda m: m.group(2) + m.group(1), answer)
    sentences: list[AnswerSentence] = []
    for line in moved.splitlines():
        pending: list[str] = []
        for piece in _SENTENCE.findall(line):
            numbers = [n for marker in _CITATION.findall(piece) for n in citation_numbers(marker)]
            text = _CITATION.sub("", piece).strip()
            if not text or not re.search(r"\w", text):
                continue
            if not numbers:
                pending.append(text)
                continue
            cited = tuple(dict.fromkeys(numbers))
            sentences.extend(AnswerSentence(p, cited, own_citations=False) for p in pending)
            pending = []
            sentences.append(AnswerSentence(text, cited))
        sentences.extend(AnswerSentence(p, ()) for p in pending)
    return sentences


def figures(text: str) -> list[str]:
    """Numbers, dates and document symbols in a text (normalised: width folded, lower case), in order."""
    return list(dict.fromkeys(match.group(0) for match in _FIGURE.finditer(normalize(text))))


def figure_violations(sentence: str, sources: Sequence[str]) -> list[str]:
    """Figures of the sentence that appear in none of the source texts (digits must not continue either side)."""
    haystack = " ".join(compact(source) for source in sources)
    missing = []
    for figure in figures(sentence):
        needle = compact(figure)
        if not re.search(rf"(?<!\d){re.escape(needle)}(?!\d)", haystack):
            missing.append(figure)
    return missing


def grounding(answer: str, paragraph_texts: dict[int, str]) -> Grounding:
    """Support and figure violations of each answer sentence against the paragraphs it cites.

    `paragraph_texts` maps paragraph number to its text. A sentence citing nothing (or only unknown
    numbers) is scored against nothing: support 0, unsupported. A sentence in another language than
    the text it is compared with (its cited paragraphs, or the report when it cites none) is not scored.
    """
    report_chinese = is_chinese(" ".join(paragraph_texts.values())) if paragraph_texts else True
    results = []
    for sentence in split_sentences(answer):
        sources = [paragraph_texts[n] for n in sentence.citations if n in paragraph_texts]
        # the language to compare with: the cited paragraphs', or the report's when nothing is cited
        cross = is_chinese(sentence.text) != (is_chinese(" ".join(sources)) if sources else report_chinese)
        support = None if cross else support_score(sentence.text, sources)
        violations = tuple(figure_violations(sentence.text, sources))
        results.append(SentenceSupport(sentence.text, sentence.citations, support, violations))
    return Grounding(tuple(results))


# -- aggregation ----------------------------------------------------------------------------------
def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rate(flags: Iterable[bool]) -> float | None:
    """Share of True among the flags; None for no flags."""
    values = list(flags)
    return sum(1 for v in values if v) / len(values) if values else None
