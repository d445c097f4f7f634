"""A Slack thread is the conversation: its messages become the engine's `Turn` history.

The bot's answers carry their question in message metadata (`r2p_answer`); a bot message without
it (metadata stripped, say) still counts when it cites paragraphs, paired with the user message
just before it. Help texts and error notes are not answers and never enter the history.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from assistant.citations import cited_numbers
from assistant.result import Turn

log = logging.getLogger(__name__)
ANSWER_EVENT_TYPE = "r2p_answer"
MAX_THREAD_PAGES = 5
MAX_HISTORY_TURNS = 10
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<![^>]*>")


@dataclass(frozen=True)
class Thread:
    turns: list[Turn]
    bot_participates: bool


def question_text(text: str, bot_user_id: str = "") -> str:
    """A message's text as a question: the bot's mention removed, Slack's markup turned back into words."""
    text = _MENTION.sub(lambda m: "" if m.group(1) == bot_user_id else f"@{m.group(2) or m.group(1)}", text or "")
    text = _CHANNEL.sub(lambda m: f"#{m.group(1) or ''}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _SPECIAL.sub("", text)
    return html.unescape(text).strip()


def mentions(text: str, user_id: str) -> bool:
    return bool(user_id) and f"<@{user_id}" in (text or "")


def is_from_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id")) or message.get("subtype") == "bot_message"


def is_own(message: dict[str, Any], bot_user_id: str, bot_id: str) -> bool:
    return (bool(bot_user_id) and message.get("user") == bot_user_id) or (
        bool(bot_id) and message.get("bot_id") == bot_id
    )


def thread_messages(client: WebClient, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """The thread's messages, oldest first (the parent included), a few pages at most."""
    messages: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_THREAD_PAGES):
        response = client.conversations_replies(
            channel=channel, ts=thread_ts, limit=200, cursor=cursor, include_all_metadata=True
        )
        messages.extend(response.get("messages") or [])
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return sorted(messages, key=lambda m: float(m.get("ts", "0")))


def turns_from_messages(messages: list[dict[str, Any]], bot_user_id: str, bot_id: str, before_ts: str = "") -> Thread:
    """The answered questions before `before_ts`, as turns; and whether the bot has spoken in the thread."""
    turns: list[Turn] = []
    pending = ""
    participates = False
    limit = float(before_ts) if before_ts else float("inf")
    for message in messages:
        if float(message.get("ts", "0")) >= limit:
            break
        text = message.get("text") or ""
        if is_own(message, bot_user_id, bot_id):
            participates = True
            metadata = message.get("metadata") or {}
            asked = ""
            if metadata.get("event_type") == ANSWER_EVENT_TYPE:
                asked = str((metadata.get("event_payload") or {}).get("question", ""))
            cited = tuple(cited_numbers(text))
            question = asked or (pending if cited else "")  # without metadata, only a cited answer counts
            if question and text:
                turns.append(Turn(question, text, cited))
            pending = ""
        elif not is_from_bot(message) and not message.get("subtype"):
            pending = question_text(text, bot_user_id)
    return Thread(turns[-MAX_HISTORY_TURNS:], participates)


def thread_history(
    client: WebClient, channel: str, thread_ts: str, before_ts: str, bot_user_id: str, bot_id: str
) -> Thread:
    return turns_from_messages(thread_messages(client, channel, thread_ts), bot_user_id, bot_id, before_ts)
