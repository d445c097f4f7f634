"""Citation attribution after generation: every answer sentence ends up citing a paragraph that supports it.

Small models often omit or misplace 「[第N段]」. Each sentence of a generated answer is checked against
the retrieved paragraphs with the eval's grounding measure (character-bigram containment,
`assistant.grounding.support_score`, supported at ≥ 0.5 — so what attribution accepts is what the eval counts
as supported):

* the model cited a retrieved paragraph that supports the sentence → kept as written (`model`);
* it cited nothing valid → the best-supporting retrieved paragraph (or pair) is cited (`attributed`);
* it cited a paragraph that does not support the sentence but another one does → re-cited (`corrected`);
* no retrieved paragraph supports it → flagged (`unsupported`), and dropped when asked to;
* a sentence in another script than the report (an English answer about the Chinese report) cannot be
  compared character by character: without a citation it gets the paragraph closest in meaning when a
  cross-lingual `similarity` is given (`attributed_by_meaning`), and is never flagged;
* too short to score (「是的。」) → left alone (`unscored`).

`StreamAttributor` does this on a token stream: text is passed through as it arrives, and only the end of
each sentence (from its first bracket or full stop) is held back until the sentence is complete, so
citations can be added or replaced without delaying the words. `attribute()` runs the same code on a
whole text, so a streamed answer and a whole one are identical.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.backends.base import EvidenceSentence
from assistant.citations import check_citations, format_citation
from assistant.grounding import SUPPORT_THRESHOLD, is_chinese, support_score
from index.parser import Paragraph

log = logging.getLogger(__name__)

Similarity = Callable[[str, Sequence[str]], Sequence[float]]
STATUSES = ("model", "attributed", "corrected", "attributed_by_meaning", "unsupported", "unscored")
HELPED = ("attributed", "corrected", "attributed_by_meaning")
_TERMINATORS = "。！？!?"
_CLOSERS = "”’\"'」』）)】"
_OPENERS = "[【（("
_MARKER = re.compile(
    r"[\[【（(]\s*[^\[\]【】（）()]{0,80}?(?:段|¶\s*\d+|paragraphs?\s*\d+|para\.?\s*\d+)[^\[\]【】（）()]{0,40}[\]】）)]",
    re.IGNORECASE,
)
_MARKER_MAX = 130
SINGLE_ENOUGH = 0.8  # one paragraph containing this much of a sentence is its source
PAIR_GAIN = 0.25
REFUSALS = ("报告中没有涉及", "The report does not")  # the model declining (prompts/system.md rule 3): never judged
_LEADING_CITATIONS = re.compile(r"^(?:\s*\[[^\[\]]{0,40}\])+")
_CITATION_START = re.compile(r"\[[^\[\]]{0,40}")
_END = re.compile(rf"[{_TERMINATORS}]+[{_CLOSERS}]*|\.(?=\s)|\n")


@dataclass(frozen=True)
class SentenceAttribution:
    text: str  # the sentence as emitted, with its final citations ("" when dropped)
    claim: str  # the sentence without citation markers (what was scored)
    cited: tuple[str, ...]  # paragraph keys cited in the end
    status: str
    support: float | None = None
    model_cited: bool = False  # the model itself wrote a valid citation for this sentence


@dataclass
class AttributionResult:
    sentences: list[SentenceAttribution] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)

    @property
    def dropped(self) -> int:
        return sum(1 for s in self.sentences if s.status == "unsupported" and not s.text.strip())

    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUSES} | {"dropped": self.dropped}


class AttributionStats:
    """Running totals over answers (thread-safe): how often the model cited by itself, how often attribution had to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.answers = 0
            self.answers_cited_by_model_only = 0  # every scored sentence kept the model's own citation
            self.answers_without_model_citation = 0  # the model cited nothing valid at all
            self.declined_replaced = 0  # the model declined a question retrieval found relevant: quoted instead
            self.sentences = dict.fromkeys((*STATUSES, "dropped"), 0)

    def add(self, result: AttributionResult) -> None:
        counts = result.counts()
        with self._lock:
            self.answers += 1
            for status, number in counts.items():
                self.sentences[status] += number
            if not any(counts[status] for status in HELPED) and counts["unsupported"] == 0:
                self.answers_cited_by_model_only += 1
            if not any(s.model_cited for s in result.sentences) and any(s.claim for s in result.sentences):
                self.answers_without_model_citation += 1

    def add_declined(self) -> None:
        with self._lock:
            self.declined_replaced += 1

    def as_dict(self) -> dict[str, object]:
        with self._lock:
            judged = sum(self.sentences[s] for s in STATUSES if s != "unscored")
            helped = sum(self.sentences[status] for status in HELPED)
            return {
                "answers": self.answers,
                "answers_cited_by_model_only": self.answers_cited_by_model_only,
                "answers_without_model_citation": self.answers_without_model_citation,
                "declined_replaced_by_quotes": self.declined_replaced,
                "sentences": dict(self.sentences),
                "model_cited_share": round(self.sentences["model"] / judged, 4) if judged else None,
                "attribution_share": round(helped / judged, 4) if judged else None,
                "unsupported_share": round(self.sentences["unsupported"] / judged, 4) if judged else None,
            }


STATS = AttributionStats()


class Attributor:
    """Judges one sentence at a time against the retrieved paragraphs."""

    def __init__(
        self,
        paragraphs: Sequence[Paragraph],
        labels: dict[str, str] | None = None,
        similarity: Similarity | None = None,
        threshold: float = SUPPORT_THRESHOLD,
    ) -> None:
        self.paragraphs = list(dict.fromkeys(paragraphs))
        self.labels = dict(labels or {})
        self.similarity = similarity
        self.threshold = threshold
        self.by_key = {(p.document, p.number): p for p in self.paragraphs}
        self.texts = {key: p.searchable_text for key, p in self.by_key.items()}
        self.default_document = next(iter(self.labels), self.paragraphs[0].document if self.paragraphs else "")
        self.report_is_chinese = is_chinese(" ".join(self.texts.values())) if self.texts else True

    def judge(self, sentence: str) -> tuple[SentenceAttribution, list[tuple[str, int]], bool]:
        """The verdict on one raw sentence, the citations it should end with, and whether its own ones go."""
        retrieved = set(self.by_key)
        own = list(check_citations(sentence, retrieved, retrieved, self.labels, self.default_document).cited)
        claim = " ".join(_MARKER.sub("", sentence).split())

        def verdict(keys: list[tuple[str, int]], status: str, support: float | None = None) -> SentenceAttribution:
            rounded = None if support is None else round(support, 4)
            cited = tuple(f"{doc}#{number}" for doc, number in keys)
            return SentenceAttribution(sentence, claim, cited, status, rounded, model_cited=bool(own))

        if not re.search(r"\w", claim) or claim.startswith(REFUSALS):
            return verdict(own, "unscored"), own, False
        if is_chinese(claim) != self.report_is_chinese:  # another script: bigrams cannot compare it
            if own or self.similarity is None or not self.paragraphs:
                return verdict(own, "model" if own else "unscored"), own, False
            keys = list(self.by_key)
            scores = list(self.similarity(claim, [self.texts[k] for k in keys]))
            best = max(range(len(scores)), key=lambda i: (scores[i], -i))
            return verdict([keys[best]], "attributed_by_meaning"), [keys[best]], False
        own_support = self._support(claim, own) if own else None
        if own and (own_support is None or own_support >= self.threshold):
            return verdict(own, "model", own_support), own, False
        if support_score(claim, ["x"]) is None:  # too short to score
            return verdict(own, "unscored"), own, False
        chosen, support = self.best_support(claim)
        if chosen and support >= self.threshold:
            return verdict(chosen, "corrected" if own else "attributed", support), chosen, bool(own)
        return verdict(own, "unsupported", max(own_support or 0.0, support)), own, False

    def best_support(self, claim: str) -> tuple[list[tuple[str, int]], float]:
        """The retrieved paragraph that best supports the claim — or two, when the claim is made of both
        (the pair covers `PAIR_GAIN` more of it than the best one alone, which covers it only partly)."""
        singles = [(self._support(claim, [key]) or 0.0, index, key) for index, key in enumerate(self.by_key)]
        if not singles:
            return [], 0.0
        support, _, key = max(singles, key=lambda item: (item[0], -item[1]))
        if support >= SINGLE_ENOUGH:
            return [key], support
        ranked = sorted(singles, key=lambda item: (-item[0], item[1]))[:4]
        pairs = [
            (self._support(claim, [a[2], b[2]]) or 0.0, a[2], b[2])
            for i, a in enumerate(ranked)
            for b in ranked[i + 1 :]
        ]
        if pairs:
            pair_support, first, second = max(pairs, key=lambda item: item[0])
            if pair_support >= self.threshold and pair_support >= support + PAIR_GAIN:
                return sorted([first, second]), pair_support
        return [key], support

    def is_valid(self, marker: str) -> bool:
        """The marker cites a retrieved paragraph."""
        retrieved = set(self.by_key)
        return bool(check_citations(marker, retrieved, retrieved, self.labels, self.default_document).cited)

    def markers(self, keys: Iterable[tuple[str, int]]) -> str:
        show_label = len(self.labels) > 1
        return "".join(format_citation(number, self.labels.get(doc, "") if show_label else "") for doc, number in keys)

    def _support(self, claim: str, keys: Sequence[tuple[str, int]]) -> float | None:
        return support_score(claim, [self.texts[k] for k in keys if k in self.texts])


class StreamAttributor:
    """Feed model text piece by piece; get back what may be shown now, with citations attributed.

    Words are passed through as they arrive. Citation markers are lifted out as soon as they are
    complete and the full stop is held until the sentence is known to be over; then the sentence's
    final citations follow it (「……风险。[第27段]」), wherever the model had put its own.
    """

    def __init__(self, attributor: Attributor, drop_unsupported: bool = False) -> None:
        self.attributor = attributor
        self.drop_unsupported = drop_unsupported
        self.result = AttributionResult()
        self._sentence = ""  # raw model text of the current sentence
        self._scanned = 0  # how far into it the words have been passed through
        self._shown = ""  # what of it was shown (its words, without citations)

    def feed(self, piece: str) -> str:
        self._sentence += piece
        out: list[str] = []
        while (end := _sentence_end(self._sentence, final=False)) is not None:
            if not self.drop_unsupported:
                out.append(self._pass_words(self._sentence[:end]))
            out.append(self._close(self._sentence[:end]))
            self._sentence = self._sentence[end:]
        if not self.drop_unsupported:
            out.append(self._pass_words(self._sentence))
        return "".join(out)

    def finish(self) -> str:
        """The held-back rest, once the model has stopped."""
        return self._close(self._sentence) if self._sentence else ""

    def _pass_words(self, text: str) -> str:
        """Advance through `text` up to its full stop or an unfinished bracket; return the words passed."""
        words = []
        index = self._scanned
        while index < len(text):
            char = text[index]
            if char in _TERMINATORS or char == "\n" or (char == "." and not _inside_word(text, index)):
                break
            if char in _OPENERS:
                marker = _MARKER.match(text, index)
                if marker is not None:
                    index = marker.end()
                    continue
                if not _bracket_settled(text, index):
                    break
            words.append(char)
            index += 1
        self._scanned = index
        passed = "".join(words)
        self._shown += passed
        return passed

    def _close(self, raw: str) -> str:
        """Judge a complete sentence; return what of it was not shown yet, its final citations after it."""
        verdict, keys, replace_own = self.attributor.judge(raw)
        shown = self._shown
        self._scanned, self._shown = 0, ""
        words = _MARKER.sub("", raw)
        rest = words[len(shown) :] if words.startswith(shown) else words
        markers = [m.group(0).strip() for m in _MARKER.finditer(raw)]
        if verdict.status == "unsupported":
            log.info("unsupported sentence%s: %s", " (dropped)" if self.drop_unsupported else "", verdict.claim[:60])
            if self.drop_unsupported:
                self.result.sentences.append(_replace_text(verdict, ""))
                return "\n" if raw.endswith("\n") and shown else ""
        if verdict.status in HELPED:
            kept = [m for m in markers if not (replace_own and self.attributor.is_valid(m))]
            markers = [*kept, self.attributor.markers(keys)]
        body = rest.rstrip()
        rest = body + "".join(markers) + rest[len(body) :]
        self.result.sentences.append(_replace_text(verdict, shown + rest))
        return rest


def attribute(
    text: str,
    paragraphs: Sequence[Paragraph],
    labels: dict[str, str] | None = None,
    drop_unsupported: bool = False,
    similarity: Similarity | None = None,
) -> AttributionResult:
    """Attribute a whole answer (the same steps as streaming it)."""
    stream = StreamAttributor(Attributor(paragraphs, labels, similarity), drop_unsupported)
    stream.feed(text)
    stream.finish()
    return stream.result


def opening_verdict(opening: str) -> str:
    """ "declined" when the answer starts with the refusal sentence, "undecided" while it still may. Citations
    the model puts first (「[第18段] 报告中没有涉及……」, measured on the dev split) are looked past."""
    text = _LEADING_CITATIONS.sub("", opening).lstrip()
    if _CITATION_START.fullmatch(text):  # 「[」, 「[第1」: perhaps a citation still being written
        return "undecided"
    if text.startswith(REFUSALS):
        return "declined"
    if any(phrase.startswith(text) for phrase in REFUSALS):
        return "undecided"
    return "answer"


def supporting_spans(
    result: AttributionResult, evidence: Sequence[EvidenceSentence]
) -> dict[str, list[tuple[int, int]]]:
    """For each cited paragraph, the evidence sentences an answer sentence citing it is made of (for highlighting)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for sentence in result.sentences:
        for key in sentence.cited:
            for candidate in (e for e in evidence if e.paragraph.key == key):
                score = support_score(candidate.text, [sentence.claim])
                span = (candidate.start, candidate.end)
                if score is not None and score >= SUPPORT_THRESHOLD and span not in spans.get(key, []):
                    spans.setdefault(key, []).append(span)
    return spans


def e5_similarity() -> Similarity:
    """Cross-lingual closeness (multilingual-e5, the index's own model) for attributing English sentences."""
    import numpy as np

    from index.embeddings import E5Embeddings

    embeddings = E5Embeddings()
    cache: dict[tuple[str, ...], Any] = {}

    def similarity(claim: str, texts: Sequence[str]) -> list[float]:
        key = tuple(texts)
        if key not in cache:
            vectors = embeddings.passage_vectors(list(texts))
            cache.clear()
            cache[key] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        query = embeddings.query_vector(claim)
        query = query / max(float(np.linalg.norm(query)), 1e-9)
        return (cache[key] @ query).tolist()

    return similarity


def _replace_text(verdict: SentenceAttribution, text: str) -> SentenceAttribution:
    return SentenceAttribution(text, verdict.claim, verdict.cited, verdict.status, verdict.support, verdict.model_cited)


def _inside_word(text: str, index: int) -> bool:
    """A dot followed by a non-space (3.5, e.g., A/65/877.) does not end an English sentence."""
    return index + 1 < len(text) and not text[index + 1].isspace()


def _bracket_settled(text: str, index: int) -> bool:
    """The bracket at `index` is known not to open a citation: it closed, or ran too long to be one."""
    tail = text[index + 1 : index + _MARKER_MAX]
    return any(c in tail for c in "]】）)") or len(text) - index >= _MARKER_MAX


def _sentence_end(text: str, final: bool) -> int | None:
    """Where the first complete sentence of `text` ends (after its full stop and any citations following
    it), or None while that cannot be known yet."""
    match = _END.search(text)
    if match is None:
        return None
    end = match.end()
    if match.group(0) == "\n":
        return end
    while True:
        spaces = len(text[end:]) - len(text[end:].lstrip(" \t"))
        position = end + spaces
        if position >= len(text):
            return len(text) if final else None
        if text[position] == "\n":
            return position + 1
        if text[position] not in _OPENERS:
            return end
        marker = _MARKER.match(text, position)
        if marker is not None:
            end = marker.end()
            continue
        closed = any(c in text[position + 1 : position + _MARKER_MAX] for c in "]】）)")
        if closed or len(text) - position >= _MARKER_MAX or final:
            return end  # a bracket that is not a citation starts the next sentence
        return None
