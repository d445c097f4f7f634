"""The question-answering engine: condense → retrieve → answer → validate citations.

The steps are plain methods composed into a LangChain (LCEL) runnable by `assistant.chain`; the
engine owns the loaded index, the retriever and the backend, and is what every surface (CLI, web
UI, Slack, eval) calls.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.addressing import Address, resolve
from assistant.backends import AnswerBackend, BackendError, Draft, Evidence, create_backend
from assistant.backends.base import EvidenceSentence
from assistant.backends.extractive import ExtractiveBackend
from assistant.citations import check_citations, cited_numbers
from assistant.evidence import naming_first, rank_sentences
from assistant.grounding import is_chinese
from assistant.injection import addresses_assistant
from assistant.partial import remove_names, split_absent
from assistant.refusal import (
    RefusalFeatures,
    RefusalThresholds,
    holds_all,
    not_mentioned_zh,
    refusal_features,
    refusal_reason,
    report_text,
    should_refuse,
)
from assistant.result import AnswerResult, Retrieved, Turn
from assistant.retrieval import Hit, Retriever, Signals
from assistant.settings import Settings
from index.bridge import ACRONYM_PREFIX, english_words
from index.embeddings import E5Embeddings
from index.normalize import strip_control_characters
from index.parser import Paragraph
from index.store import ChromaTarget, load_index
from index.tokenize import content_words

log = logging.getLogger(__name__)
FOLLOW_UP_BOOST = 0.15
# A word that points back to the conversation: a pronoun or demonstrative (not 「其他」「应该」「因此」「此前」「那么」
# 「这份报告」 "this report"), an elliptical 「……呢？」 "what about …", or an opening that continues (「另外……」
# 「那么……」 "And …"); `_is_follow_up` reads only the first clause, as a later one points back into the question
# itself (「……操作性预防？它们分别和……挂钩？」).
_FOLLOW_UP = re.compile(
    r"它|他们|她们|(?<!其)他(?![国人])|她|(?<![尤极])其(?!他|次|实)|(?<!应)该(?![不怎])|(?<![因彼如从由])此(?![外前后])|"
    r"这(?!份报告|篇报告|份文件|个报告)|那(?!么)|上述|前者|后者|别的|呢[？?！!。\s]*$|"
    r"\b(?:it|its|they|them|their|these|those|he|she|his|her|this(?! report| document)|what about|how about|"
    r"anything else)\b|"
    r"^(?:另外|还有|此外|那么|而且|并且|同样|具体)|^(?:and|also|so)\b",
    re.IGNORECASE,
)
_FIRST_CLAUSE = re.compile(r"[^，,。？?！!；;：:]*")
# a question this short naming at most one thing of its own (「为什么？」「有哪些例子？」) continues the conversation
SHORT_FOLLOW_UP_CHARS = 12
# a paragraph of this report is at most a few hundred characters (478 the longest): asked what it says, it is quoted
WHOLE_PARAGRAPH_CHARS = 600
_ONLY_ASKS_CONTENT = re.compile(
    r"^[\s\W]*(?:(?:本|这份|该)?报告(?:的)?)?[\s\W]*(?:和|及|与|、)?[\s\W]*(?:的|中|里)?(?:主要|大致|大概|具体|都|究竟|到底)?"
    r"(讲了?什么|说了?什么|写了?什么|谈了?什么|的?内容是?什么|的?主要内容|讲的是什么(?:问题|内容)?|是关于什么的?|"
    r"讲(?:的)?是?什么问题|概括一下|总结一下|"
    r"what does (it|this) say|what is it about|summari[sz]e( it)?|what does .{0,20} say)?[\s\W]*$",
    re.IGNORECASE,
)
REFUSAL_PREFIX_ZH = "报告中没有涉及"
REFUSAL_PREFIX_EN = "The report does not address"


class QuestionError(ValueError):
    """The question cannot be asked as it is (empty, too long); the message is for the user."""


@dataclass
class Condensed:
    query: str
    boost: dict[str, float] = field(default_factory=dict)
    rewritten_by_model: bool = False


@dataclass
class Retrieval:
    hits: list[Hit]
    signals: Signals | None
    address: Address
    refused: bool
    refusal_text: str = ""
    features: RefusalFeatures | None = None
    evidence: list[EvidenceSentence] = field(default_factory=list)
    query: str = ""  # the condensed query for `question`
    question: str = ""  # what was retrieved for, when not the question as asked (`assistant.partial`)
    note: str = ""  # opens the answer: names of the question the report never mentions
    verbatim: bool = False  # the evidence is the answer as it stands (`Evidence.verbatim`)


def clean_question(question: str, max_chars: int) -> str:
    text = strip_control_characters(question or "").strip()
    english = not is_chinese(text)
    if not text:
        raise QuestionError("Please enter a question." if english else "请输入问题。")
    if len(text) > max_chars:
        if english:
            raise QuestionError(f"The question is {len(text)} characters long; the limit is {max_chars}.")
        raise QuestionError(f"问题过长（{len(text)} 字），上限为 {max_chars} 字。")
    if not re.search(r"[^\W_]", text):  # 「？？？」, 「🙂🙂」: no word or number to search for (「¶12」 has one)
        # (without a Latin letter a question counts as Chinese, as the empty one does)
        raise QuestionError("请用文字提问：这个问题里没有可检索的字词或数字。")
    return text


def question_language(text: str) -> str:
    return "zh" if is_chinese(text) else "en"


class Engine:
    def __init__(
        self,
        retriever: Retriever,
        backend: AnswerBackend,
        k: int = 5,
        max_question_chars: int = 2000,
        thresholds: RefusalThresholds | None = None,
    ) -> None:
        from assistant.chain import build_chain

        self.retriever = retriever
        self.backend = backend
        self.fallback = ExtractiveBackend()
        self.k = k
        self.max_question_chars = max_question_chars
        self.thresholds = thresholds or RefusalThresholds.load()
        self.labels = {r.document: r.label for r in retriever.reports}
        self.existing = {(p.document, p.number) for p in retriever.paragraphs}
        self.chain = build_chain(self)

    @classmethod
    def from_settings(cls, settings: Settings, embeddings: E5Embeddings | None = None) -> Engine:
        """Open the index (it must exist: `ensure_index` builds it) and the configured backend."""
        embeddings = embeddings or E5Embeddings()
        target = ChromaTarget(settings.chroma_host, settings.chroma_port)
        stored = load_index(settings.index_dir, target, embeddings)
        backend = create_backend(settings.llm_backend, settings)
        return cls(Retriever(stored, embeddings), backend, settings.retrieval_k, settings.max_question_chars)

    @property
    def paragraph_count(self) -> int:
        return len(self.retriever.paragraphs)

    def paragraph(self, number: int, document: str | None = None) -> Paragraph | None:
        return self.retriever.paragraph(number, document)

    # -- public API -----------------------------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None) -> AnswerResult:
        text = clean_question(question, self.max_question_chars)
        return self.chain.invoke({"question": text, "history": list(history or []), "started": time.perf_counter()})

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | AnswerResult]:
        """Yield answer text pieces as they arrive, then the validated `AnswerResult` last."""
        state: dict[str, Any] = {
            "question": clean_question(question, self.max_question_chars),
            "history": list(history or []),
            "started": time.perf_counter(),
        }
        state["condensed"] = self.condense(state)
        state["retrieval"] = self.retrieve(state)
        state["retrieved_at"] = time.perf_counter()
        pieces: list[str] = []
        if state["retrieval"].refused:
            state["draft"] = Draft(state["retrieval"].refusal_text)
            yield state["draft"].text
        else:
            evidence = self._evidence(state)
            note = state["retrieval"].note
            if note:
                yield note + "\n"
            try:
                generator = self.backend.stream(evidence)
                while True:
                    try:
                        piece = next(generator)
                    except StopIteration as stop:  # a backend may return its finished Draft (supporting spans)
                        returned = stop.value
                        break
                    pieces.append(piece)
                    yield piece
                draft = (
                    returned
                    if isinstance(returned, Draft)
                    else Draft("".join(pieces), model=getattr(self.backend, "model", ""))
                )
            except BackendError as error:
                state["notice"] = str(error)
                draft = self._fallback(evidence, error)
                yield "\n\n" + draft.text if pieces else draft.text
            state["draft"] = _with_note(draft, note)
        yield self.finish(state)

    # -- chain steps ----------------------------------------------------------------------------
    def condense(self, state: dict[str, Any]) -> Condensed:
        question: str = state["question"]
        history: list[Turn] = state["history"]
        if not history:
            return Condensed(question)
        previous = history[-1]
        boost = {
            f"{self._default_document}#{n}": FOLLOW_UP_BOOST
            for n in (previous.citations or tuple(cited_numbers(previous.answer)))
        }
        try:
            rewritten = self.backend.condense(question, history)
        except BackendError as error:
            log.warning("condensing with %s failed (%s); using the previous question", self.backend.name, error)
            rewritten = None
        if rewritten:
            return Condensed(rewritten, boost, rewritten_by_model=True)
        if _is_follow_up(question):
            return Condensed(f"{previous.question} {question}", boost)
        return Condensed(question)

    def retrieve(self, state: dict[str, Any]) -> Retrieval:
        question: str = state["question"]
        condensed: Condensed = state["condensed"]
        address = resolve(
            question, {p.number for p in self.retriever.paragraphs}, self._sections, self._footnote_places
        )
        if not address.is_empty and not addresses_assistant(question):  # 「扮演……根据第12段」 is still refused
            return self._retrieve_addressed(question, condensed, address)
        retrieval = self._retrieve_similar(question, condensed, address)
        features = retrieval.features
        if features is not None and features.missing_names and not features.addresses_assistant:
            reduced_question = split_absent(question, features.missing_names, self._mentioned, features.chinese)
            if reduced_question is not None:  # 「叙利亚和斯里兰卡」: answer about Syria, say Sri Lanka is not mentioned
                reduced = Condensed(
                    remove_names(condensed.query, features.missing_names, features.chinese),
                    condensed.boost,
                    condensed.rewritten_by_model,
                )
                part = self._retrieve_similar(reduced_question, reduced, address)
                if not part.refused:
                    part.question, part.query = reduced_question, reduced.query
                    part.note = _absent_note(features.missing_names, features.chinese, rest=True)
                    return part
            if not retrieval.refused:
                retrieval.note = _absent_note(features.missing_names, features.chinese, rest=False)
        return retrieval

    def _mentioned(self, word: str) -> bool:
        """The reports name it: a Chinese word occurs in their text, an English one glosses one of their words."""
        if is_chinese(word):
            return word in report_text(self.retriever)
        if ACRONYM_PREFIX + word.lower() in self.retriever.stored.bridge:  # "AU", "UN"
            return True
        return any(stem in self.retriever.gloss_words for stem in english_words(word))

    def _retrieve_similar(self, question: str, condensed: Condensed, address: Address) -> Retrieval:
        signals = self.retriever.signals(condensed.query, question)
        hits = self.retriever.rank(signals, condensed.boost, limit=self.k)
        features = refusal_features(self.retriever, signals, hits, question)
        refused = should_refuse(features, self.thresholds)
        retrieval = Retrieval(hits, signals, address, refused, features=features)
        if refused:
            retrieval.refusal_text = self._refusal_text(question, hits, features)
        else:
            retrieval.evidence = rank_sentences(self.retriever, signals, hits[:3])
            if features.topic_covered:
                words = features.topic_words
                retrieval.evidence = naming_first(retrieval.evidence, lambda text: holds_all(text, words))
        return retrieval

    def draft(self, state: dict[str, Any]) -> Draft:
        retrieval: Retrieval = state["retrieval"]
        state["retrieved_at"] = time.perf_counter()
        if retrieval.refused:
            return Draft(retrieval.refusal_text)
        evidence = self._evidence(state)
        try:
            draft = self.backend.answer(evidence)
        except BackendError as error:
            state["notice"] = str(error)
            draft = self._fallback(evidence, error)
        return _with_note(draft, retrieval.note)

    def finish(self, state: dict[str, Any]) -> AnswerResult:
        question: str = state["question"]
        retrieval: Retrieval = state["retrieval"]
        draft: Draft = state["draft"]
        retrieved_keys = {(h.paragraph.document, h.paragraph.number) for h in retrieval.hits}
        checked = check_citations(draft.text, retrieved_keys, self.existing, self.labels, self._default_document)
        refused = retrieval.refused or _is_model_refusal(checked.text.removeprefix(retrieval.note))
        finished = time.perf_counter()
        return AnswerResult(
            question=question,
            answer=checked.text,
            citations=[] if refused else list(dict.fromkeys(number for _, number in checked.cited)),
            refused=refused,
            retrieved=[Retrieved(h.paragraph, h.score) for h in retrieval.hits],
            backend=self.backend.name,
            timings_ms={
                "retrieve": (state["retrieved_at"] - state["started"]) * 1000,
                "answer": (finished - state["retrieved_at"]) * 1000,
                "total": (finished - state["started"]) * 1000,
            },
            standalone_question=state["condensed"].query,
            cited_keys=[] if refused else [f"{d}#{n}" for d, n in checked.cited],
            removed_citations=checked.removed,
            notice=state.get("notice", ""),
            language=question_language(question),
            supporting={} if refused else (draft.supporting or _quoted_spans(retrieval.evidence, checked.text)),
            model=draft.model,
        )

    # -- helpers --------------------------------------------------------------------------------
    @property
    def _default_document(self) -> str:
        return self.retriever.reports[0].document

    @property
    def _sections(self):
        return self.retriever.reports[0].sections

    @functools.cached_property
    def _footnote_places(self) -> dict[str, int]:
        """The default document's footnote marks, each with the number of the paragraph it belongs to."""
        document = self._default_document
        return {
            note.mark: p.number for p in self.retriever.paragraphs if p.document == document for note in p.footnotes
        }

    def _evidence(self, state: dict[str, Any]) -> Evidence:
        retrieval: Retrieval = state["retrieval"]
        return Evidence(
            question=retrieval.question or state["question"],
            standalone_question=retrieval.query or state["condensed"].query,
            language=question_language(state["question"]),
            paragraphs=[hit.paragraph for hit in retrieval.hits],
            sentences=retrieval.evidence,
            history=state["history"],
            citation_labels=self.labels,
            verbatim=retrieval.verbatim,
        )

    def _fallback(self, evidence: Evidence, error: BackendError) -> Draft:
        log.warning("backend %s failed: %s; answering extractively", self.backend.name, error)
        draft = self.fallback.answer(evidence)
        note = (
            f"（{self.backend.name} 模型暂不可用：{error}。以下为直接摘自报告的回答。）"
            if evidence.language == "zh"
            else f"({self.backend.name} is unavailable: {error}. Showing sentences quoted from the report instead.)"
        )
        return Draft(f"{note}\n{draft.text}", draft.supporting)

    def _retrieve_addressed(self, question: str, condensed: Condensed, address: Address) -> Retrieval:
        numbers = list(address.paragraphs)
        for section in self._sections:
            if section.number in address.sections:
                numbers.extend(n for n in section.paragraph_numbers if n not in numbers)
        notes = [self._footnote_places[mark] for mark in address.footnotes]
        numbers.extend(n for n in dict.fromkeys(notes) if n not in numbers)
        if not numbers:
            return Retrieval([], None, address, True, refusal_text=self._missing_text(question, address))
        paragraphs = [p for n in numbers if (p := self.retriever.paragraph(n)) is not None]
        remainder = question
        for start, end in sorted(address.spans, reverse=True):
            remainder = remainder[:start] + " " + remainder[end:]
        footnotes = _footnote_sentences(self.retriever, paragraphs, address.footnotes)
        note = ""
        if address.no_footnote_there:
            english = question_language(question) == "en"
            note = "The paragraphs asked about have no footnote." if english else "所问的段落没有脚注。"
        if _ONLY_ASKS_CONTENT.match(remainder) or not remainder.strip():
            if footnotes:
                whole = sum(len(s.text) for s in footnotes) <= WHOLE_PARAGRAPH_CHARS
                evidence = footnotes
            else:
                whole = len(paragraphs) == 1 and len(paragraphs[0].plain_text) <= WHOLE_PARAGRAPH_CHARS
                evidence = _opening_sentences(self.retriever, paragraphs, whole)
            hits = [Hit(p, 1.0) for p in paragraphs]
            return Retrieval(hits, None, address, False, evidence=evidence, note=note, verbatim=whole)
        signals = self.retriever.signals(remainder)
        if len(paragraphs) > 1:  # 「第二节在谈到法律联系时……」: the section's paragraphs, best for the rest first
            order = {hit.paragraph.key: i for i, hit in enumerate(self.retriever.rank(signals, condensed.boost))}
            paragraphs.sort(key=lambda p: order.get(p.key, len(order)))
        hits = [Hit(p, 1.0) for p in paragraphs]
        ranked = rank_sentences(self.retriever, signals, hits)
        quoted = {(s.paragraph.key, s.start) for s in footnotes}
        rest = [s for s in ranked if (s.paragraph.key, s.start) not in quoted]
        # the note first, scored as the best of the rest, so the sentences answering the rest are still quoted
        best = rest[0].score if rest else 1.0
        evidence = [dataclasses.replace(s, score=best) for s in footnotes] + rest
        return Retrieval(hits, None, address, False, evidence=evidence, note=note)

    def _missing_text(self, question: str, address: Address) -> str:
        count = len(self.retriever.paragraphs)
        sections = len(self._sections)
        if question_language(question) == "en":
            parts = [f"The report has {count} paragraphs and {sections} sections"]
            if address.missing_paragraphs:
                parts.append(f"there is no paragraph {', '.join(map(str, address.missing_paragraphs))}")
            if address.missing_sections:
                parts.append(f"there is no section {', '.join(address.missing_sections)}")
            if address.missing_footnotes:
                marks = ", ".join(sorted(self._footnote_places, key=_mark_order)) or "none"
                parts.append(f"there is no footnote {', '.join(address.missing_footnotes)} (its footnotes: {marks})")
            return "; ".join(parts) + "."
        parts = [f"报告共有 {count} 段、{sections} 节"]
        if address.missing_paragraphs:
            parts.append("没有" + "、".join(f"第{n}段" for n in address.missing_paragraphs))
        if address.missing_sections:
            parts.append("没有" + "、".join(f"第{s}节" for s in address.missing_sections))
        if address.missing_footnotes:
            parts.append(
                f"只有 {len(self._footnote_places)} 个脚注，没有"
                + "、".join(f"脚注{m}" for m in address.missing_footnotes)
            )
        return "，".join(parts) + "。"

    def _refusal_text(self, question: str, hits: list[Hit], features: RefusalFeatures) -> str:
        nearest = hits[:3]
        english = question_language(question) == "en"
        reason = refusal_reason(question, features, english)
        if english:
            listed = ", ".join(f"paragraph {h.paragraph.number} ({h.paragraph.section_title})" for h in nearest)
            reason = f" ({reason})" if reason else ""
            return f"{REFUSAL_PREFIX_EN} this question{reason}. The nearest paragraphs are: {listed}."
        listed = "、".join(f"第{h.paragraph.number}段（{h.paragraph.section_title}）" for h in nearest)
        reason = f"，{reason}" if reason else ""  # no brackets: 「（…段…）」 would read as a citation
        return f"{REFUSAL_PREFIX_ZH}这个问题{reason}。最接近的段落是：{listed}。"


def _is_follow_up(question: str) -> bool:
    """A question that reads on from the previous turn: a word pointing back in its first clause (「它决定……」,
    「其中哪一种……」, 「那欧洲呢？」), or a short one with at most one word of its own (「为什么？」). Not a question
    that only contains 「为什么」 or 「这份报告」, nor a short one about something else (「红烧肉怎么做才能不油腻？」):
    asked after another question, those were read together with it and lost their own paragraph."""
    question = question.strip()
    first = _FIRST_CLAUSE.match(question).group()
    if any(match.start() < len(first) for match in _FOLLOW_UP.finditer(question)):
        return True
    return len(question) <= SHORT_FOLLOW_UP_CHARS and len(set(content_words(question))) <= 1


def _absent_note(names: tuple[str, ...], chinese: bool, rest: bool) -> str:
    """Opens an answer: the names of the question the reports never mention."""
    if not chinese:
        listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
        note = f"The report does not mention {listed}"
        return note + (
            "; the answer below covers the rest of the question." if rest else "; below is what it says nearest to it."
        )
    return not_mentioned_zh(names) + ("，以下只回答问题的其余部分。" if rest else "；以下是报告中与问题最接近的内容。")


def _with_note(draft: Draft, note: str) -> Draft:
    """The draft opened by the note (spans index paragraphs, not the answer, so they stay as they are)."""
    if not note:
        return draft
    return Draft(f"{note}\n{draft.text}", draft.supporting, model=draft.model)


def _mark_order(mark: str) -> tuple[int, str]:
    """Footnote marks in reading order: 2 before 10."""
    return (int(mark), mark) if mark.isdigit() else (10**6, mark)


def _paragraph_sentences(retriever: Retriever, paragraph: Paragraph) -> list[EvidenceSentence]:
    """Every sentence of the paragraph's searchable text (its body, then its footnotes), in order, scored 1.0."""
    _, spans = retriever.sentence_vectors_of(paragraph.key)
    text = paragraph.searchable_text
    return [EvidenceSentence(paragraph, text[start:end], int(start), int(end), 1.0) for start, end in spans]


def _footnote_sentences(
    retriever: Retriever, paragraphs: list[Paragraph], marks: tuple[str, ...]
) -> list[EvidenceSentence]:
    """The 「脚注1：……」 sentences of the named footnotes (after each paragraph's body in its searchable text)."""
    return [
        sentence
        for paragraph in paragraphs
        for sentence in _paragraph_sentences(retriever, paragraph)
        if not sentence.in_body and any(sentence.text.lstrip().startswith(f"脚注{mark}") for mark in marks)
    ]


def _opening_sentences(
    retriever: Retriever, paragraphs: list[Paragraph], whole: bool = False
) -> list[EvidenceSentence]:
    """For 「第四节讲了什么」: each paragraph's first sentences, in order, scored so all are kept; for
    「第12段讲了什么」 (`whole`), every sentence of the paragraph's body."""
    evidence = []
    for paragraph in paragraphs[:4]:
        sentences = _paragraph_sentences(retriever, paragraph)
        if whole:
            evidence.extend(sentence for sentence in sentences if sentence.in_body)  # not its footnotes
        else:
            evidence.extend(sentences[: 2 if len(paragraphs) == 1 else 1])
    return evidence


def _quoted_spans(evidence: list[EvidenceSentence], answer: str) -> dict[str, list[tuple[int, int]]]:
    """Where a backend gave no spans (a streamed answer), the evidence sentences it quotes verbatim."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for sentence in evidence:
        if sentence.text in answer:
            spans.setdefault(sentence.paragraph.key, []).append((sentence.start, sentence.end))
    return spans


def _is_model_refusal(text: str) -> bool:
    head = text.strip()[:40]
    return head.startswith((REFUSAL_PREFIX_ZH, REFUSAL_PREFIX_EN, "The report does not cover"))
