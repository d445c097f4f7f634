"""The `openai` backend for real: LangChain `ChatOpenAI` → `python -m llama_cpp.server` on 127.0.0.1 → the local GGUF.

No double here: the server is llama-cpp-python's own OpenAI-compatible server running the real model,
so requests, streaming (server-sent events), the model name, follow-up condensing and connection
failures are what a user pointing OPENAI_BASE_URL at a local server gets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.backends import create_backend
from assistant.citations import check_citations
from assistant.engine import Engine
from assistant.result import AnswerResult, Turn
from assistant.retrieval import Retriever

if TYPE_CHECKING:
    from conftest import LlamaServer  # the fixtures' types; tests get the objects through fixtures

FALLBACK_NOTE = "openai 模型暂不可用"


def assert_cites_retrieved(result: AnswerResult) -> None:
    assert result.citations, result.answer
    assert set(result.citations) <= {r.paragraph.number for r in result.retrieved}


def openai_engine(server: LlamaServer, retriever: Retriever, data_dir: Path) -> Engine:
    settings = server.settings(data_dir)
    return Engine(retriever, create_backend("openai", settings), settings.retrieval_k)


def test_a_plain_answer_comes_from_the_local_server(
    llama_server: LlamaServer, retriever: Retriever, tmp_path: Path
) -> None:
    engine = openai_engine(llama_server, retriever, tmp_path)
    assert engine.backend.description == "openai · qwen2.5-coder-1.5b-instruct"

    result = engine.ask("区域组织在预警方面能做什么？")

    assert not result.notice and not result.refused, result.notice
    assert result.backend == "openai" and result.model == "qwen2.5-coder-1.5b-instruct"
    assert re.search(r"[\u4e00-\u9fff]{10}", result.answer)
    assert_cites_retrieved(result)


def test_streaming_through_the_server(llama_server: LlamaServer, retriever: Retriever, tmp_path: Path) -> None:
    engine = openai_engine(llama_server, retriever, tmp_path)
    items = list(engine.stream("结构性预防和操作性预防有什么区别？"))

    pieces, result = items[:-1], items[-1]
    assert isinstance(result, AnswerResult) and not result.notice, getattr(result, "notice", "")
    assert len(pieces) >= 5  # token by token, not one block
    retrieved = {(r.paragraph.document, r.paragraph.number) for r in result.retrieved}
    assert result.answer == check_citations("".join(pieces), retrieved, engine.existing, engine.labels, "A/65/877").text
    assert "预防" in result.answer and not result.refused


def test_an_english_question_through_the_server(
    llama_server: LlamaServer, retriever: Retriever, tmp_path: Path
) -> None:
    result = openai_engine(llama_server, retriever, tmp_path).ask("What is structural prevention?")

    assert not result.notice and result.language == "en"
    words = re.sub(r"\[[^\]]*\]", "", result.answer)
    assert sum(c.isascii() and c.isalpha() for c in words) > 0.5 * sum(c.isalpha() for c in words), result.answer


def test_a_follow_up_through_the_server(llama_server: LlamaServer, retriever: Retriever, tmp_path: Path) -> None:
    engine = openai_engine(llama_server, retriever, tmp_path)
    first = engine.ask("非洲联盟智者小组是做什么的？")
    history = [Turn(first.question, first.answer, tuple(first.citations))]

    result = engine.ask("它可以帮助加强哪方面的宣传？", history)

    # the server answered both requests (condensing, then answering); what a 1.5B model makes of the
    # rewrite varies, so only what the engine guarantees is checked
    assert not result.notice and result.standalone_question.strip()
    assert result.refused or set(result.citations) <= {r.paragraph.number for r in result.retrieved}


def test_a_server_stopped_mid_conversation_falls_back_with_a_clear_error(
    doomed_server: LlamaServer, retriever: Retriever, tmp_path: Path
) -> None:
    engine = openai_engine(doomed_server, retriever, tmp_path)
    before = engine.ask("什么是结构性预防？")
    assert not before.notice

    doomed_server.stop()
    after = engine.ask("什么是操作性预防？", [Turn(before.question, before.answer, tuple(before.citations))])

    assert after.notice == f"cannot reach the model server at {doomed_server.base_url}"
    assert FALLBACK_NOTE in after.answer and after.notice in after.answer
    assert not after.refused
    assert_cites_retrieved(after)
