"""Events API: a mention, a follow-up in a thread the bot is part of, or a direct message → an
answer in the thread under the question, with the thread as the conversation history.

`register` acknowledges every event at once and answers in a lazy listener (Slack wants the HTTP
response within 3 seconds); `handle_mention` and `handle_message` are what the lazy listeners run,
and what tests call with Bolt's own `BoltContext` and a `WebClient`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from assistant.engine import QuestionError, clean_question, question_language
from assistant.slack import blocks
from assistant.slack.delivery import SLACK_ERRORS, add_reaction, api_error, post_in_thread, remove_reaction
from assistant.slack.service import AnswerRef, SlackAssistant
from assistant.slack.threads import Thread, is_from_bot, mentions, question_text, thread_history

log = logging.getLogger(__name__)
ANSWERED_SUBTYPES = (None, "thread_broadcast", "file_share")


def register(app: App, assistant: SlackAssistant) -> None:
    def answer_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        handle_mention(assistant, event, client, context)

    def answer_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        handle_message(assistant, event, client, context)

    app.event("app_mention")(ack=acknowledge, lazy=[answer_mention])
    app.event("message")(ack=acknowledge, lazy=[answer_message])


def acknowledge(ack: Ack) -> None:
    ack()


def handle_mention(assistant: SlackAssistant, event: dict[str, Any], client: WebClient, context: BoltContext) -> str:
    """`@bot 问题` in a channel (in or out of a thread). Returns what happened, for logs and tests."""
    if is_from_bot(event):
        return "ignored: bot"
    return answer_in_thread(assistant, event, client, context, follow_up_only=False)


def handle_message(assistant: SlackAssistant, event: dict[str, Any], client: WebClient, context: BoltContext) -> str:
    """A message without the mention: answered in a DM, or in a channel thread the bot has answered in.

    A channel message that mentions the bot also arrives as `app_mention` and is answered there.
    """
    if event.get("subtype") not in ANSWERED_SUBTYPES:
        return "ignored: subtype"
    if is_from_bot(event) or event.get("user") == context.bot_user_id:
        return "ignored: bot"
    if event.get("channel_type") == "im":
        return answer_in_thread(assistant, event, client, context, follow_up_only=False)
    if mentions(event.get("text", ""), context.bot_user_id or ""):
        return "ignored: answered as app_mention"
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return "ignored: not in a thread"
    return answer_in_thread(assistant, event, client, context, follow_up_only=True)


def answer_in_thread(
    assistant: SlackAssistant, event: dict[str, Any], client: WebClient, context: BoltContext, follow_up_only: bool
) -> str:
    channel: str = event["channel"]
    ts: str = event["ts"]
    thread_ts: str = event.get("thread_ts") or ts
    bot_user_id = context.bot_user_id or ""
    question = question_text(event.get("text", ""), bot_user_id)
    thread = Thread([], False)
    if thread_ts != ts:
        try:
            thread = thread_history(client, channel, thread_ts, ts, bot_user_id, context.bot_id or "")
        except SLACK_ERRORS as error:
            log.warning(
                "reading thread %s in %s failed (%s); answering without history", thread_ts, channel, api_error(error)
            )
            if follow_up_only:
                return "ignored: thread unreadable"
        if follow_up_only and not thread.bot_participates:
            return "ignored: not the bot's thread"
    if not question:
        report = assistant.engine.retriever.reports[0]
        post_in_thread(
            client, channel, thread_ts, blocks.help_text(report.title, report.symbol, assistant.command, bot_user_id)
        )
        return "help"
    try:
        clean_question(question, assistant.max_question_chars)
    except QuestionError as error:
        post_in_thread(client, channel, thread_ts, blocks.escape(str(error)))
        return "rejected"
    working = add_reaction(client, channel, ts)
    try:
        return _answer_and_post(assistant, client, channel, thread_ts, question, thread)
    finally:
        if working:
            remove_reaction(client, channel, ts)


def _answer_and_post(
    assistant: SlackAssistant, client: WebClient, channel: str, thread_ts: str, question: str, thread: Thread
) -> str:
    try:
        result = assistant.ask(question, thread.turns)
    except Exception as error:  # the bot must say so rather than fall silent
        log.exception("answering in %s (thread %s) failed", channel, thread_ts)
        language = question_language(question)
        post_in_thread(client, channel, thread_ts, blocks.label(language, "failed", error=type(error).__name__))
        return "failed"
    stored = assistant.answers.add(result, conversation=thread_ts)
    posted = post_in_thread(client, channel, thread_ts, **blocks.answer_message(result, AnswerRef.of(stored)))
    log.info(
        "answered in %s thread %s: %d earlier turns, cited %s%s, %.0f ms",
        channel,
        thread_ts,
        len(thread.turns),
        result.citations,
        " (refused)" if result.refused else "",
        result.timings_ms.get("total", 0.0),
    )
    return "answered" if posted else "failed"
