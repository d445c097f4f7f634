"""The slash command (`/r2p 问题`; the name comes from `SLACK_COMMAND`): a private answer.

The acknowledgement is itself the first reply — the help text, the length limit, or "reading the
report…" — and the answer follows as an ephemeral message with a "share to channel" button.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from assistant.engine import QuestionError, clean_question, question_language
from assistant.slack import blocks
from assistant.slack.delivery import tell_privately
from assistant.slack.service import AnswerRef, SlackAssistant
from assistant.slack.threads import question_text

log = logging.getLogger(__name__)


def register(app: App, assistant: SlackAssistant) -> None:
    def acknowledge_command(ack: Ack, command: dict[str, Any]) -> None:
        acknowledge(assistant, ack, command)

    def answer_command(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        handle_command(assistant, command, client, respond)

    app.command(assistant.command)(ack=acknowledge_command, lazy=[answer_command])


def acknowledge(assistant: SlackAssistant, ack: Ack, command: dict[str, Any]) -> str:
    """Answer Slack within 3 seconds with what the user should see first."""
    question = question_text(command.get("text", ""))
    if not question:
        report = assistant.engine.retriever.reports[0]
        ack(text=blocks.help_text(report.title, report.symbol, assistant.command), response_type="ephemeral")
        return "help"
    try:
        clean_question(question, assistant.max_question_chars)
    except QuestionError as error:
        ack(text=blocks.escape(str(error)), response_type="ephemeral")
        return "rejected"
    ack(text=f":mag: {blocks.label(question_language(question), 'working')}", response_type="ephemeral")
    return "working"


def handle_command(assistant: SlackAssistant, command: dict[str, Any], client: WebClient, respond: Respond) -> str:
    question = question_text(command.get("text", ""))
    try:
        clean_question(question, assistant.max_question_chars)
    except QuestionError:
        return "rejected"  # the acknowledgement already said why
    channel, user = command["channel_id"], command["user_id"]
    try:
        result = assistant.ask(question, [])
    except Exception as error:  # the user is waiting for a reply, so tell them
        log.exception("answering %s for a slash command failed", assistant.command)
        failed = blocks.label(question_language(question), "failed", error=type(error).__name__)
        tell_privately(client, respond, channel, user, failed)
        return "failed"
    stored = assistant.answers.add(result)
    message = blocks.answer_message(result, AnswerRef.of(stored), shareable=True)
    delivered = tell_privately(client, respond, channel, user, message["text"], message["blocks"])
    log.info("answered %s privately in %s, cited %s", assistant.command, channel, result.citations)
    return "answered" if delivered else "failed"
