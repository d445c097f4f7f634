"""The web UI's handlers called directly, as the Gradio events call them, on the real engine."""

from __future__ import annotations

import json
import re
import sqlite3
from itertools import pairwise
from pathlib import Path

from assistant.engine import Engine
from assistant.feedback import FeedbackStore
from assistant.web import handlers
from assistant.web.handlers import ChatView, Session, WebContext
from assistant.web.i18n import LABELS

EARLY_WARNING = "区域组织在预警方面能做什么？"
CHIP = re.compile(r'<a class="cite cite-turn-(\d+)" href="#para-(\d+)"')


def ask(context: WebContext, session: Session, question: str) -> list[ChatView]:
    return list(handlers.respond(context, session, question))


def test_an_answer_has_citation_chips_sources_and_fills_the_source_panel(context: WebContext) -> None:
    session = Session()
    views = ask(context, session, EARLY_WARNING)

    first, final = views[0], views[-1]
    assert first.messages[-1]["role"] == "assistant" and "正在查找" in first.messages[-1]["content"]
    answer = final.messages[-1]["content"]
    result = session.exchanges[0].result
    assert result is not None and result.citations
    chips = {int(number) for turn, number in CHIP.findall(answer) if turn == "0"}
    assert chips == set(result.citations)
    assert "来源：" in answer
    assert final.question == "" and final.note == ""
    cited = context.engine.paragraph(result.citations[0])
    assert f"第{cited.number}段" in final.source and cited.section_title in final.source
    assert "<mark>" in final.source


def test_clicking_a_citation_shows_the_whole_paragraph_with_its_supporting_sentence(context: WebContext) -> None:
    session = Session()
    ask(context, session, EARLY_WARNING)
    result = session.exchanges[0].result
    number = result.citations[-1]
    paragraph = context.engine.paragraph(number)

    session, panel = handlers.show_citation(context, session, f"{number}:0:1712345678")

    assert f"第{number}段" in panel and paragraph.section_title in panel
    visible = re.sub(r"<[^>]+>", "", panel)
    assert paragraph.plain_text in visible
    marked = re.findall(r"<mark>(.*?)</mark>", panel)
    assert marked and all(sentence in result.answer for sentence in marked)
    assert f'href="#para-{number}"' in panel.replace("'", '"')


def test_a_citation_click_for_a_missing_paragraph_or_garbage_is_harmless(context: WebContext) -> None:
    session = Session()
    _, panel = handlers.show_citation(context, session, "999:0:1")
    assert "报告中没有第999段" in panel
    _, panel = handlers.show_citation(context, session, "<script>:x")
    assert "报告中没有第999段" in panel


def test_follow_up_questions_use_the_conversation(context: WebContext) -> None:
    session = Session()
    ask(context, session, EARLY_WARNING)
    final = ask(context, session, "那非洲呢？")[-1]

    follow_up = session.exchanges[1].result
    assert EARLY_WARNING in follow_up.standalone_question
    assert follow_up.citations
    assert [m["role"] for m in final.messages] == ["user", "assistant"] * 2
    assert CHIP.search(final.messages[-1]["content"]).group(1) == "1"


def test_sessions_do_not_share_conversations(context: WebContext) -> None:
    first, second = Session(), Session()
    ask(context, first, EARLY_WARNING)
    view = ask(context, second, "第12段讲了什么？")[-1]

    assert len(first.exchanges) == len(second.exchanges) == 1
    assert EARLY_WARNING not in json.dumps(view.messages, ensure_ascii=False)
    assert second.exchanges[0].result.citations == [12]


def test_empty_whitespace_and_over_long_input_get_a_friendly_inline_message(context: WebContext) -> None:
    session = Session()
    for blank in ("", "   \n\t "):
        (view,) = ask(context, session, blank)
        assert view.note == "请输入问题。" and view.messages == []

    too_long = "预警" * context.engine.max_question_chars
    (view,) = ask(context, session, too_long)
    assert "问题过长" in view.note and str(context.engine.max_question_chars) in view.note
    assert view.question == too_long, "the question stays in the box to be shortened"
    assert session.exchanges == []

    session.language = "en"
    (view,) = ask(context, session, " ")
    assert view.note == "Please enter a question."


def test_a_refusal_lists_and_shows_the_nearest_paragraphs(context: WebContext) -> None:
    session = Session()
    final = ask(context, session, "月球上有什么矿产？")[-1]

    result = session.exchanges[0].result
    assert result.refused
    assert "最接近的段落：" in final.messages[-1]["content"]
    nearest = [r.paragraph for r in result.retrieved[:3]]
    assert final.source.count("source-card") == 3
    for paragraph in nearest:
        assert f"第{paragraph.number}段" in final.source


def test_an_llm_answer_streams_in_pieces(llm_engine: Engine, feedback_store: FeedbackStore, tmp_path: Path) -> None:
    context = WebContext(llm_engine, feedback_store, export_root=tmp_path)
    session = Session()
    views = ask(context, session, EARLY_WARNING)

    partial = [v.messages[-1]["content"] for v in views if v.messages[-1]["content"].endswith("▍")]
    assert len(partial) >= 3, "the answer arrives piece by piece"
    assert all(len(a) < len(b) for a, b in pairwise(partial))
    result = session.exchanges[0].result
    assert result.backend == "openai" and result.citations and not result.notice


def test_a_backend_failing_mid_answer_shows_the_extractive_answer_with_a_note(
    llm_engine: Engine, model_server, feedback_store: FeedbackStore, tmp_path: Path
) -> None:
    model_server.mode = "drop"
    context = WebContext(llm_engine, feedback_store, export_root=tmp_path)
    session = Session()
    final = ask(context, session, EARLY_WARNING)[-1]

    answer = final.messages[-1]["content"]
    assert "模型暂不可用" in answer
    assert CHIP.search(answer), "the extractive answer still cites paragraphs"
    assert final.note == "" and session.exchanges[0].result.citations


def test_feedback_is_stored_in_sqlite_with_the_exchange(context: WebContext, feedback_store: FeedbackStore) -> None:
    session = Session()
    ask(context, session, EARLY_WARNING)
    ask(context, session, "那非洲呢？")

    view = handlers.rate(context, session, 3, False)
    assert view.comment_open and "👎" in view.note
    handlers.add_comment(context, session, "没有提到欧安组织")

    with sqlite3.connect(feedback_store.path) as connection:
        rows = connection.execute(
            "SELECT source, rating, question, answer, citations, backend, comment, conversation FROM feedback"
        ).fetchall()
    (row,) = rows
    follow_up = session.exchanges[1].result
    assert row[:4] == ("web", -1, "那非洲呢？", follow_up.answer)
    assert json.loads(row[4]) == follow_up.citations and row[5] == "extractive"
    assert row[6] == "没有提到欧安组织"
    assert json.loads(row[7])[0]["question"] == EARLY_WARNING


def test_feedback_on_a_question_or_a_missing_message_records_nothing(
    context: WebContext, feedback_store: FeedbackStore
) -> None:
    session = Session()
    ask(context, session, EARLY_WARNING)
    assert not handlers.rate(context, session, 0, True).comment_open
    assert not handlers.rate(context, session, 7, False).comment_open
    assert handlers.rate(context, session, 1, True).note.startswith("已记录 👍")
    assert [item.rating for item in feedback_store.items()] == [1]


def test_export_quotes_every_cited_paragraph(context: WebContext) -> None:
    session = Session()
    ask(context, session, EARLY_WARNING)
    final = ask(context, session, "第12段讲了什么？")[-1]

    exported = Path(final.export).read_text(encoding="utf-8")
    assert exported.startswith("# 对话记录 — ")
    assert "## 问题 1" in exported and EARLY_WARNING in exported and "## 问题 2" in exported
    for exchange in session.exchanges:
        assert exchange.result.answer in exported
        for number in exchange.result.citations:
            paragraph = context.engine.paragraph(number)
            assert f"> **第{number}段**（{paragraph.section_number}. {paragraph.section_title}）" in exported
            assert f"> {paragraph.text}" in exported


def test_new_conversation_clears_the_chat_and_its_export(context: WebContext) -> None:
    session = Session(language="en")
    export = Path(ask(context, session, EARLY_WARNING)[-1].export)

    view = handlers.new_conversation(context, session)

    assert view.messages == [] and view.export is None and not export.exists()
    assert view.session.exchanges == [] and view.session.language == "en"
    assert "Click a citation" in view.source


def test_the_english_toggle_relabels_the_conversation(context: WebContext) -> None:
    session = Session()
    ask(context, session, EARLY_WARNING)

    view = handlers.switch_language(context, session, "en")

    assert "Sources: " in view.messages[-1]["content"] and "来源：" not in view.messages[-1]["content"]
    assert "Show in the full report" in view.source
    assert Path(view.export).name.startswith("conversation-")
    assert "## Question 1" in Path(view.export).read_text(encoding="utf-8")


def test_answers_cannot_inject_html(context: WebContext) -> None:
    from assistant.web.render import with_chips

    rendered = with_chips("<img src=x onerror=alert(1)> 见[第3段]", turn=2)
    assert "<img" not in rendered and "&lt;img" in rendered
    assert '<a class="cite cite-turn-2" href="#para-3">第3段</a>' in rendered


def test_every_label_exists_in_both_languages() -> None:
    assert LABELS["zh"].keys() == LABELS["en"].keys()


def test_the_browser_language_picks_the_interface_language() -> None:
    from assistant.web.i18n import preferred_language

    assert preferred_language("en-US,en;q=0.9") == "en"
    assert preferred_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert preferred_language("fr-FR,fr;q=0.9,en;q=0.5") == "en"
    assert preferred_language("zh-TW;q=0.3, EN-us;q=0.7") == "en"
    assert preferred_language("de-DE") == "zh"
    assert preferred_language("en;q=0, zh;q=abc") == "zh"
    assert preferred_language("EN;Q=0.1, zh;Q=0.9") == "zh"
    assert preferred_language("en;q=inf, zh") == "zh"
    assert preferred_language("zh_CN, en;q=0.5") == "zh"
    assert preferred_language(None) == "zh"
