"""Posting to Slack without letting one failed call end a listener: each helper logs and reports
success, so the caller can fall back (an ephemeral message falls back to the `response_url`)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)
WORKING_REACTION = "eyes"
SLACK_ERRORS = (SlackClientError, OSError)  # slack_sdk lets urllib's connection errors through as they are


def api_error(error: Exception) -> str:
    """The `error` code of a failed Web API call ("not_in_channel", "ratelimited", …), never a token."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "unknown_error"))
    return type(error).__name__


def post_in_thread(client: WebClient, channel: str, thread_ts: str, text: str, **message: Any) -> str | None:
    """chat.postMessage in a thread; returns the new message's ts, or None when Slack refused it."""
    try:
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, **message)
    except SLACK_ERRORS as error:
        log.error("chat.postMessage to %s failed: %s", channel, api_error(error))
        return None
    return str(response.get("ts", ""))


def tell_privately(
    client: WebClient,
    respond: Respond | None,
    channel: str,
    user: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
) -> bool:
    """An ephemeral message to `user`: chat.postEphemeral, or the interaction's `response_url` when
    the bot may not post in that conversation (not a member, a DM between two other people)."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts)
        return True
    except SLACK_ERRORS as error:
        log.info("chat.postEphemeral in %s failed (%s); trying the response_url", channel, api_error(error))
    if respond is None or respond.response_url is None:
        return False
    try:
        reply = respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    except SLACK_ERRORS as error:
        log.error("posting to the response_url failed: %s", type(error).__name__)
        return False
    return reply.status_code == 200


def add_reaction(client: WebClient, channel: str, timestamp: str, name: str = WORKING_REACTION) -> bool:
    """The "working on it" sign on the question; best effort (a missing scope must not stop the answer)."""
    try:
        client.reactions_add(channel=channel, timestamp=timestamp, name=name)
        return True
    except SLACK_ERRORS as error:
        log.info("reactions.add failed: %s", api_error(error))
        return False


def remove_reaction(client: WebClient, channel: str, timestamp: str, name: str = WORKING_REACTION) -> None:
    try:
        client.reactions_remove(channel=channel, timestamp=timestamp, name=name)
    except SLACK_ERRORS as error:
        log.info("reactions.remove failed: %s", api_error(error))
