"""Buttons on answers: 👍/👎 (into the web UI's feedback table, source = slack), "full paragraph"
(a modal via views.open) and, on a private answer, "share to channel".

Every button is acknowledged at once; the work happens in a lazy listener. The buttons carry an
`AnswerRef` (or a paragraph key) in their value, so they still work after the bot restarts.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from assistant.slack import blocks
from assistant.slack.delivery import SLACK_ERRORS, api_error, tell_privately
from assistant.slack.service import AnswerRef, SlackAssistant, StoredAnswer

log = logging.getLogger(__name__)
RATINGS = {blocks.FEEDBACK_UP: 1, blocks.FEEDBACK_DOWN: -1}


def register(app: App, assistant: SlackAssistant) -> None:
    def rate_answer(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        handle_feedback(assistant, body, client, respond)

    def open_paragraph(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        handle_show_paragraph(assistant, body, client, respond)

    def share_answer(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        handle_share(assistant, body, client, respond)

    app.action(re.compile(f"^({blocks.FEEDBACK_UP}|{blocks.FEEDBACK_DOWN})$"))(ack=acknowledge, lazy=[rate_answer])
    app.action(re.compile(rf"^{blocks.SHOW_PARAGRAPH}_\d+$"))(ack=acknowledge, lazy=[open_paragraph])
    app.action(blocks.SHARE)(ack=acknowledge, lazy=[share_answer])


def acknowledge(ack: Ack) -> None:
    ack()


def _where(body: dict[str, Any]) -> tuple[str, str, str]:
    """(channel, user, thread) of a click; the thread is "" for a private answer."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    thread = "" if container.get("is_ephemeral") else message.get("thread_ts") or message.get("ts") or ""
    return channel, (body.get("user") or {}).get("id", ""), thread


def handle_feedback(
    assistant: SlackAssistant, body: dict[str, Any], client: WebClient, respond: Respond | None
) -> int | None:
    """Record 👍/👎; returns the feedback row id (None when the button's value is unreadable)."""
    action = body["actions"][0]
    ref = AnswerRef.decode(action.get("value", ""))
    if ref is None or action.get("action_id") not in RATINGS:
        log.warning("a feedback click carried no readable answer reference")
        return None
    rating = RATINGS[action["action_id"]]
    channel, user, thread = _where(body)
    answer_text = html.unescape((body.get("message") or {}).get("text", ""))
    feedback_id = assistant.record_feedback(rating, ref, assistant.answers.get(ref.answer_id), answer_text, thread)
    log.info("feedback %+d recorded (row %d)", rating, feedback_id)
    thanks = blocks.label(ref.language, "thanks", rating="👍" if rating > 0 else "👎")
    tell_privately(client, respond, channel, user, thanks, thread_ts=thread or None)
    return feedback_id


def handle_show_paragraph(
    assistant: SlackAssistant, body: dict[str, Any], client: WebClient, respond: Respond | None
) -> bool:
    """Open the whole paragraph in a modal; True when views.open accepted it."""
    action = body["actions"][0]
    try:
        value = json.loads(action.get("value", ""))
        document, _, number_text = str(value["p"]).rpartition("#")
        number, language = int(number_text), "en" if value.get("l") == "en" else "zh"
    except (ValueError, KeyError, TypeError):
        log.warning("a paragraph button carried an unreadable value")
        return False
    paragraph = assistant.engine.paragraph(number, document or None)
    channel, user, thread = _where(body)
    if paragraph is None:
        unknown = blocks.label(language, "unknown_paragraph", number=number)
        tell_privately(client, respond, channel, user, unknown, thread_ts=thread or None)
        return False
    try:
        client.views_open(trigger_id=body["trigger_id"], view=blocks.paragraph_modal(paragraph, language))
    except SLACK_ERRORS as error:
        log.error("views.open for paragraph %s failed: %s", number, api_error(error))
        return False
    return True


def handle_share(assistant: SlackAssistant, body: dict[str, Any], client: WebClient, respond: Respond | None) -> str:
    """Post a private answer to the channel, visibly, then remove the private copy."""
    ref = AnswerRef.decode(body["actions"][0].get("value", ""))
    if ref is None:
        return "ignored"
    channel, user, _ = _where(body)
    stored = assistant.answers.get(ref.answer_id) or _ask_again(assistant, ref)
    if stored is None:
        tell_privately(client, respond, channel, user, blocks.label(ref.language, "expired"))
        return "expired"
    message = blocks.answer_message(stored.result, AnswerRef.of(stored), shared_by=user)
    try:
        client.chat_postMessage(channel=channel, **message)
    except SLACK_ERRORS as error:
        log.info("sharing with chat.postMessage in %s failed (%s); using the response_url", channel, api_error(error))
        if not _respond(respond, response_type="in_channel", replace_original=False, **_webhook(message)):
            tell_privately(client, respond, channel, user, blocks.label(ref.language, "cannot_post"))
            return "failed"
    _respond(respond, delete_original=True)
    return "shared"


def _ask_again(assistant: SlackAssistant, ref: AnswerRef) -> StoredAnswer | None:
    """After a restart the answer is gone from memory: ask its question again (the bot's own words)."""
    if not ref.question:
        return None
    try:
        return assistant.answers.add(assistant.ask(ref.question, []))
    except Exception:  # a failed re-ask is reported to the user as an expired answer
        log.exception("asking a shared question again failed")
        return None


def _webhook(message: dict[str, Any]) -> dict[str, Any]:
    return {key: message[key] for key in ("text", "blocks", "metadata", "unfurl_links", "unfurl_media")}


def _respond(respond: Respond | None, **payload: Any) -> bool:
    if respond is None or respond.response_url is None:
        return False
    try:
        return respond(**payload).status_code == 200
    except SLACK_ERRORS as error:
        log.info("posting to the response_url failed: %s", type(error).__name__)
        return False
