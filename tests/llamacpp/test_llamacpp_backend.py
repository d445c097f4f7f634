"""The `llamacpp` backend through the real engine, with the real local model (Qwen2.5-Coder-1.5B Q4_K_M).

Greedy decoding makes the model's words repeatable on one machine, but not its exact wording across
builds and CPUs, so the assertions are about what a user relies on: the answer is grounded in and
cites the retrieved paragraphs, comes in the question's language, streams, and falls back or refuses
where it must.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.attribution import STATS
from assistant.backends.base import Evidence
from assistant.backends.extractive import ExtractiveBackend
from assistant.citations import check_citations
from assistant.engine import Engine
from assistant.result import AnswerResult, Turn
from eval.metrics import grounding

MakeEngine = Callable[..., Engine]
EARLY_WARNING = "区域组织在预警方面能做什么？"


def assert_cites_retrieved(result: AnswerResult) -> None:
    """Cited, and only paragraphs that were retrieved (the engine removed any other)."""
    assert result.citations, result.answer
    assert set(result.citations) <= {r.paragraph.number for r in result.retrieved}


def paragraph_texts(engine: Engine) -> dict[int, str]:
    return {p.number: p.searchable_text for p in engine.retriever.paragraphs}


def test_a_chinese_answer_cites_paragraphs_that_support_every_sentence(make_engine: MakeEngine) -> None:
    engine = make_engine(drop_unsupported=True)
    result = engine.ask(EARLY_WARNING)

    assert not result.refused and not result.notice
    assert_cites_retrieved(result)
    assert result.backend == "llamacpp" and result.model == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    texts = paragraph_texts(engine)
    assert all("预警" in texts[n] for n in result.citations)  # it cites paragraphs about early warning
    judged = grounding(result.answer, texts)
    assert judged.unsupported == [] and judged.violations == []
    assert all(sentence.citations for sentence in judged.sentences)
    assert engine.backend.last_generation is not None and engine.backend.last_generation.tokens > 0


def test_streaming_shows_words_before_the_answer_is_complete(make_engine: MakeEngine) -> None:
    engine = make_engine()
    items = list(engine.stream("结构性预防和操作性预防有什么区别？"))

    pieces, result = items[:-1], items[-1]
    assert isinstance(result, AnswerResult) and not result.notice
    assert len(pieces) >= 5 and all(isinstance(piece, str) and piece for piece in pieces)
    assert "[" not in pieces[0]  # words first; citations follow their sentence
    joined = "".join(pieces)
    retrieved = {(r.paragraph.document, r.paragraph.number) for r in result.retrieved}
    assert result.answer == check_citations(joined, retrieved, engine.existing, engine.labels, "A/65/877").text
    assert 21 in result.citations  # ¶21 defines both kinds of prevention
    assert_cites_retrieved(result)


def test_an_english_question_gets_an_english_answer_citing_the_chinese_paragraphs(make_engine: MakeEngine) -> None:
    result = make_engine().ask("What can regional organizations do for early warning?")

    assert not result.refused and not result.notice and result.language == "en"
    words = re.sub(r"\[[^\]]*\]", "", result.answer)
    latin = sum(1 for c in words if c.isascii() and c.isalpha())
    assert latin > 0.8 * sum(1 for c in words if c.isalpha()), result.answer
    assert re.search(r"\[第\d+段\]", result.answer)
    assert_cites_retrieved(result)


def test_a_follow_up_is_answered_about_the_earlier_subject(make_engine: MakeEngine) -> None:
    engine = make_engine()
    first = engine.ask("非洲联盟智者小组是做什么的？")
    history = [Turn(first.question, first.answer, tuple(first.citations))]

    result = engine.ask("它可以帮助加强哪方面的宣传？", history)

    assert "智者小组" in result.standalone_question  # rewritten by the model, or by the engine's rule
    assert 27 in {r.paragraph.number for r in result.retrieved}
    assert not result.refused and not result.notice
    assert_cites_retrieved(result)


def test_an_unanswerable_question_is_refused_without_calling_the_model(make_engine: MakeEngine) -> None:
    engine = make_engine()  # a fresh backend: it has not generated anything yet
    result = engine.ask("宫保鸡丁怎么做？")

    assert result.refused and result.answer.startswith("报告中没有涉及")
    assert engine.backend.last_generation is None


def test_when_the_model_declines_relevant_paragraphs_the_report_is_quoted(make_engine: MakeEngine) -> None:
    engine = make_engine()
    paragraphs = [p for n in (27, 18) if (p := engine.paragraph(n)) is not None]
    evidence = Evidence("宫保鸡丁怎么做？", "宫保鸡丁怎么做？", "zh", paragraphs, [], citation_labels=engine.labels)
    declined = STATS.declined_replaced

    draft = engine.backend.answer(evidence)

    assert STATS.declined_replaced == declined + 1  # the model said 「报告中没有涉及…」
    assert draft.text == ExtractiveBackend().answer(evidence).text


def test_a_model_failure_falls_back_to_the_extractive_answer(make_engine: MakeEngine) -> None:
    engine = make_engine(max_question_chars=20_000)
    question = EARLY_WARNING * 700  # longer than the model's 4096-token context

    result = engine.ask(question)

    assert "llamacpp 模型暂不可用" in result.answer and "the local model failed" in result.notice
    assert not result.refused
    assert_cites_retrieved(result)
