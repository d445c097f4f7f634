"""Block Kit for answers, help and the paragraph modal, kept within Slack's limits.

Limits that matter here (Block Kit reference): 50 blocks per message and 100 per modal, 3,000
characters per text object, 10 elements per context block, 25 per actions block, 75 characters
per button label, 2,000 per button value, 24 per modal title. Long text is cut with "…"; a cut
paragraph excerpt always has a "full paragraph" button that opens the whole text in a modal.
"""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.result import AnswerResult
from assistant.slack.service import AnswerRef
from assistant.slack.threads import ANSWER_EVENT_TYPE
from index.parser import Paragraph

Block = dict[str, Any]
MAX_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
MAX_TEXT = 3000
MAX_ANSWER_BLOCKS = 10
MAX_SOURCES = 10
MAX_FALLBACK_TEXT = 39_000
SNIPPET_CHARS = 280
NEAREST_SHOWN = 3
SHOW_PARAGRAPH = "show_paragraph"
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
SHARE = "share_answer"
_PARTIAL_ENTITY = re.compile(r"&[a-z]*$")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "paragraph": "第{number}段",
        "section": "第{number}节 {title}",
        "sources": "*来源*",
        "nearest": "*最接近的段落*",
        "show": "第{number}段全文",
        "up": "👍 有用",
        "down": "👎 没用",
        "share": "分享到频道",
        "shared": "<@{user}> 分享了对这个问题的回答：{question}",
        "close": "关闭",
        "footnote": "脚注 {mark}：{text}",
        "working": "正在查阅报告…",
        "failed": "抱歉，回答时出错了（{error}）。请再试一次。",
        "thanks": "谢谢，已记录你的反馈（{rating}）。",
        "unknown_paragraph": "报告中没有第{number}段。",
        "expired": "这个回答已无法找回，请重新提问。",
        "cannot_post": "无法在这个频道发言：请先邀请我加入（/invite），再分享。",
    },
    "en": {
        "paragraph": "Paragraph {number}",
        "section": "Section {number}: {title}",
        "sources": "*Sources*",
        "nearest": "*Nearest paragraphs*",
        "show": "Full paragraph {number}",
        "up": "👍 Helpful",
        "down": "👎 Not helpful",
        "share": "Share to channel",
        "shared": "<@{user}> shared the answer to: {question}",
        "close": "Close",
        "footnote": "Footnote {mark}: {text}",
        "working": "Reading the report…",
        "failed": "Sorry, answering failed ({error}). Please try again.",
        "thanks": "Thanks, your feedback ({rating}) is recorded.",
        "unknown_paragraph": "The report has no paragraph {number}.",
        "expired": "This answer can no longer be found; please ask again.",
        "cannot_post": "I cannot post in this channel: invite me first (/invite), then share.",
    },
}


def label(language: str, key: str, **values: object) -> str:
    return LABELS["en" if language == "en" else "zh"][key].format(**values)


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn and plain text fields."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut (never inside an entity)."""
    if len(text) <= limit:
        return text
    return _PARTIAL_ENTITY.sub("", text[: limit - 1].rstrip()) + "…"


def chunks(text: str, limit: int = MAX_TEXT, max_chunks: int = MAX_ANSWER_BLOCKS) -> list[str]:
    """Split on line breaks into pieces of at most `limit` characters; beyond `max_chunks`, cut with "…"."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = _PARTIAL_ENTITY.sub("", line[:limit])
            pieces.append(cut)
            line = line[len(cut) :]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    if len(pieces) > max_chunks:
        pieces = pieces[:max_chunks]
        pieces[-1] = _PARTIAL_ENTITY.sub("", pieces[-1][: limit - 1]) + "…"
    return pieces


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(t, MAX_TEXT)} for t in texts[:10]]}


def button(text: str, action_id: str, value: str, style: str = "") -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, 75), "emoji": True},
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        element["style"] = style
    return element


def supporting_sentences(result: AnswerResult, paragraph: Paragraph) -> list[str]:
    """The sentences of `paragraph` behind the answer, in order."""
    return [paragraph.plain_text[start:end].strip() for start, end in result.supporting_spans_in(paragraph)]


def source_line(paragraph: Paragraph, sentences: list[str], language: str) -> str:
    """One paragraph under an answer: number, section, and the supporting sentence (or its opening)."""
    heading = label(language, "paragraph", number=paragraph.number)
    where = label(language, "section", number=paragraph.section_number, title=paragraph.section_title)
    excerpt = " … ".join(sentences) if sentences else paragraph.plain_text
    return f"*{heading}* · {escape(where)}\n「{escape(truncate(excerpt, SNIPPET_CHARS))}」"


def paragraph_value(paragraph: Paragraph, language: str) -> str:
    return json.dumps({"p": paragraph.key, "l": language}, ensure_ascii=False)


def answer_blocks(result: AnswerResult, ref: AnswerRef, *, shareable: bool = False, shared_by: str = "") -> list[Block]:
    """The answer (mrkdwn, [第N段] citations kept), a context line per cited paragraph (or, for a
    refusal, per nearest paragraph), "full paragraph" buttons, then 👍/👎 (and "share" when private)."""
    language = result.language
    blocks: list[Block] = []
    if shared_by:
        question = escape(truncate(result.question, 500))
        blocks.append(context(label(language, "shared", user=shared_by, question=question)))
    blocks += [section(piece) for piece in chunks(escape(result.answer)) if piece.strip()] or [section("…")]
    if result.refused:
        paragraphs = [r.paragraph for r in result.retrieved[:NEAREST_SHOWN]]
    else:
        by_number = {r.paragraph.number: r.paragraph for r in result.retrieved}
        paragraphs = [by_number[n] for n in result.citations if n in by_number][:MAX_SOURCES]
    if paragraphs:
        blocks.append(context(label(language, "nearest" if result.refused else "sources")))
        for paragraph in paragraphs:
            sentences = [] if result.refused else supporting_sentences(result, paragraph)
            blocks.append(context(source_line(paragraph, sentences, language)))
        show = [
            button(label(language, "show", number=p.number), f"{SHOW_PARAGRAPH}_{i}", paragraph_value(p, language))
            for i, p in enumerate(paragraphs)
        ]
        blocks.append({"type": "actions", "block_id": "paragraphs", "elements": show})
    value = ref.encode()
    feedback = [
        button(label(language, "up"), FEEDBACK_UP, value),
        button(label(language, "down"), FEEDBACK_DOWN, value),
    ]
    if shareable:
        feedback.append(button(label(language, "share"), SHARE, value, style="primary"))
    blocks.append({"type": "actions", "block_id": "answer", "elements": feedback})
    return blocks[:MAX_BLOCKS]


def answer_message(result: AnswerResult, ref: AnswerRef, **options: Any) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.postEphemeral: fallback text, blocks, metadata."""
    return {
        "text": truncate(escape(result.answer), MAX_FALLBACK_TEXT),
        "blocks": answer_blocks(result, ref, **options),
        "metadata": {
            "event_type": ANSWER_EVENT_TYPE,
            "event_payload": {"question": truncate(result.question, 2000), "answer_id": ref.answer_id},
        },
        "unfurl_links": False,
        "unfurl_media": False,
    }


def paragraph_modal(paragraph: Paragraph, language: str) -> Block:
    """A modal with the whole paragraph (views.open), its section and footnotes."""
    where = label(language, "section", number=paragraph.section_number, title=paragraph.section_title)
    blocks: list[Block] = [context(escape(where))]
    pieces = chunks(escape(paragraph.text), max_chunks=MAX_MODAL_BLOCKS - 12)
    blocks += [section(piece) for piece in pieces if piece.strip()]
    for note in paragraph.footnotes[:10]:
        blocks.append(context(escape(label(language, "footnote", mark=note.mark, text=note.text))))
    return {
        "type": "modal",
        "callback_id": "paragraph_view",
        "title": {"type": "plain_text", "text": truncate(label(language, "paragraph", number=paragraph.number), 24)},
        "close": {"type": "plain_text", "text": label(language, "close")},
        "blocks": blocks[:MAX_MODAL_BLOCKS],
    }


def help_text(report_title: str, report_symbol: str, command: str, bot_user_id: str = "") -> str:
    """What an empty mention (or an empty slash command) gets: what the bot knows and the ways to ask."""
    mention = f"<@{bot_user_id}>" if bot_user_id else "@bot"
    return (
        f"我回答关于联合国报告《{escape(report_title)}》（{escape(report_symbol)}）的问题，"
        "每句回答都注明出处段落，如 [第27段]。\n"
        f"• 频道里：{mention} 区域组织在预警方面能做什么？ —— 在回答的线程里可以直接追问\n"
        "• 私信：直接发送问题\n"
        f"• 只给自己看：`{escape(command)} 问题`\n"
        f"I answer questions about UN report {escape(report_symbol)} in Chinese or English, citing its paragraphs: "
        f"mention me with a question, message me directly, or use `{escape(command)} question` for a private answer."
    )
