"""Block Kit output stays within Slack's limits — a message over them is rejected by Slack
(`invalid_blocks`), so the user would get no answer at all."""

from __future__ import annotations

import json
from typing import Any

from assistant.engine import Engine
from assistant.result import AnswerResult, Retrieved
from assistant.slack import blocks
from assistant.slack.service import AnswerRef
from index.parser import Paragraph

REF = AnswerRef("a1", "问题", (27,), "extractive", "zh")


def texts(block_list: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in block_list:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element["text"]["text"] if isinstance(element.get("text"), dict) else element.get("text", ""))
    return found


def assert_within_limits(block_list: list[dict[str, Any]], max_blocks: int = blocks.MAX_BLOCKS) -> None:
    assert 0 < len(block_list) <= max_blocks
    assert all(len(text) <= blocks.MAX_TEXT for text in texts(block_list))
    for block in block_list:
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000
            assert len({e["action_id"] for e in block["elements"]}) == len(block["elements"])


def test_a_real_answer_cites_its_paragraph_with_the_supporting_sentence(engine: Engine) -> None:
    result = engine.ask("非洲联盟智者小组能发挥什么作用？")
    rendered = blocks.answer_blocks(result, REF)
    assert_within_limits(rendered)
    assert "[第27段]" in rendered[0]["text"]["text"]
    source = next(t for t in texts(rendered) if t.startswith("*第27段*"))
    assert "第四节 国际援助和能力建设" in source and "分析框架" in source  # number, section, supporting sentence
    [show] = [e for b in rendered if b.get("block_id") == "paragraphs" for e in b["elements"]]
    assert json.loads(show["value"])["p"].endswith("#27") and show["text"]["text"] == "第27段全文"


def test_a_very_long_answer_is_cut_with_an_ellipsis_and_keeps_every_limit(engine: Engine) -> None:
    paragraphs = list(engine.retriever.paragraphs)
    answer = "\n".join(f"{p.plain_text}[第{p.number}段]" for p in paragraphs) * 3  # ~60,000 characters
    result = AnswerResult(
        question="全部内容？" * 300,
        answer=answer,
        citations=[p.number for p in paragraphs],
        refused=False,
        retrieved=[Retrieved(p, 1.0) for p in paragraphs],
        backend="openai",
        timings_ms={},
    )
    ref = AnswerRef("a2", result.question, tuple(result.citations), "openai", "zh")
    rendered = blocks.answer_blocks(result, ref, shareable=True)
    assert_within_limits(rendered)
    sections = [b for b in rendered if b["type"] == "section"]
    assert len(sections) == blocks.MAX_ANSWER_BLOCKS and sections[-1]["text"]["text"].endswith("…")
    sources = [t for t in texts(rendered) if t.startswith("*第")]
    assert len(sources) == blocks.MAX_SOURCES
    longest = max(paragraphs, key=lambda p: len(p.plain_text))
    assert len(longest.plain_text) > blocks.SNIPPET_CHARS
    shown = [json.loads(e["value"])["p"] for b in rendered if b.get("block_id") == "paragraphs" for e in b["elements"]]
    assert len(shown) == blocks.MAX_SOURCES  # every excerpt shown has its "full paragraph" button
    assert any(t.endswith("…」") for t in sources)
    assert len(ref.encode()) <= 2000


def test_a_refusal_lists_the_nearest_paragraphs(engine: Engine) -> None:
    result = engine.ask("火星上有水吗？")
    assert result.refused
    rendered = blocks.answer_blocks(result, AnswerRef("a3", result.question))
    assert_within_limits(rendered)
    assert rendered[0]["text"]["text"].startswith("报告中没有涉及")
    assert "*最接近的段落*" in texts(rendered)
    assert sum(t.startswith("*第") for t in texts(rendered)) == blocks.NEAREST_SHOWN


def test_slack_control_characters_are_escaped_and_never_cut_in_half() -> None:
    assert blocks.escape("<@U1> & <script>") == "&lt;@U1&gt; &amp; &lt;script&gt;"
    pieces = blocks.chunks("a" * 2998 + "&amp;b", limit=3000)
    assert pieces == ["a" * 2998, "&amp;b"]
    assert blocks.truncate("a" * 10 + "&amp;", 13) == "a" * 10 + "…"


def test_every_paragraph_and_a_huge_one_fit_a_modal(engine: Engine) -> None:
    for paragraph in engine.retriever.paragraphs:
        view = blocks.paragraph_modal(paragraph, "zh")
        assert len(view["title"]["text"]) <= 24
        assert_within_limits(view["blocks"], blocks.MAX_MODAL_BLOCKS)
    huge = Paragraph("DOC", 7, "长" * 10_000, "一", "导言")
    view = blocks.paragraph_modal(huge, "en")
    assert_within_limits(view["blocks"], blocks.MAX_MODAL_BLOCKS)
    assert "".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section") == huge.text
    assert view["title"]["text"] == "Paragraph 7"


def test_the_help_text_names_every_way_to_ask() -> None:
    text = blocks.help_text("区域和次区域安排对履行保护责任的作用", "A/65/877–S/2011/393", "/r2p", "UBOT")
    assert "<@UBOT>" in text and "/r2p" in text and "A/65/877" in text and "私信" in text
    assert len(text) <= blocks.MAX_TEXT
