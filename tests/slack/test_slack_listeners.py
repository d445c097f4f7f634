"""The listener functions called directly, with Bolt's own objects (`BoltContext`, `Ack`, `Respond`)
and the bot's real `WebClient` pointed at the Web API double."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_web_double import (
    ASKER,
    BOT_ID,
    BOT_USER,
    CHANNEL,
    DM_CHANNEL,
    SlackWebDouble,
    block_actions,
    find_button,
    message_event,
)

from assistant.slack import actions, commands, events
from assistant.slack.service import AnswerRef, SlackAssistant

QUESTION = "区域组织在预警方面能做什么？"


@pytest.fixture
def context() -> BoltContext:
    return BoltContext({"bot_user_id": BOT_USER, "bot_id": BOT_ID})


def posted_texts(double: SlackWebDouble) -> list[str]:
    return [c.params["text"] for c in double.calls_to("chat.postMessage")]


def mention_event(double: SlackWebDouble, text: str, channel: str = CHANNEL) -> dict[str, Any]:
    return message_event(double.seed_message(channel, text), channel, kind="app_mention")


def test_an_empty_mention_gets_the_help_text(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble, context: BoltContext
) -> None:
    event = mention_event(slack_double, f"<@{BOT_USER}>  ")
    assert events.handle_mention(slack_assistant, event, client, context) == "help"
    [help_text] = posted_texts(slack_double)
    assert "/r2p" in help_text and "A/65/877" in help_text
    assert slack_double.calls_to("chat.postMessage")[0].params["thread_ts"] == event["ts"]


def test_an_over_long_question_is_told_the_limit(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble, context: BoltContext
) -> None:
    event = mention_event(slack_double, f"<@{BOT_USER}> " + "预警" * 1001)
    assert events.handle_mention(slack_assistant, event, client, context) == "rejected"
    [reply] = posted_texts(slack_double)
    assert "上限为 2000 字" in reply
    assert slack_double.calls_to("reactions.add") == []  # nothing was worked on


def test_a_mention_is_answered_and_the_working_reaction_removed(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble, context: BoltContext
) -> None:
    event = mention_event(slack_double, f"<@{BOT_USER}> {QUESTION}")
    assert events.handle_mention(slack_assistant, event, client, context) == "answered"
    [answer] = slack_double.calls_to("chat.postMessage")
    assert answer.params["thread_ts"] == event["ts"] and "[第27段]" in answer.params["text"]
    assert answer.params["metadata"]["event_payload"]["question"] == QUESTION
    [added], [removed] = slack_double.calls_to("reactions.add"), slack_double.calls_to("reactions.remove")
    assert added.params["name"] == removed.params["name"] == "eyes"
    assert added.at <= answer.at <= removed.at


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        ({"bot_id": "BOTHER01"}, "ignored: bot"),
        ({"user": BOT_USER}, "ignored: bot"),
        ({"subtype": "message_changed"}, "ignored: subtype"),
        ({"text": f"<@{BOT_USER}> {QUESTION}", "thread_ts": "1.0"}, "ignored: answered as app_mention"),
        ({}, "ignored: not in a thread"),
    ],
)
def test_messages_that_are_not_for_the_bot_are_ignored(
    slack_assistant: SlackAssistant,
    client: WebClient,
    slack_double: SlackWebDouble,
    context: BoltContext,
    change: dict[str, str],
    outcome: str,
) -> None:
    event = {**message_event(slack_double.seed_message(CHANNEL, QUESTION), CHANNEL), **change}
    assert events.handle_message(slack_assistant, event, client, context) == outcome
    assert slack_double.calls_to("chat.postMessage") == []


def test_a_reply_in_a_thread_the_bot_is_not_part_of_is_left_alone(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble, context: BoltContext
) -> None:
    root = slack_double.seed_message(CHANNEL, "今天的会改到几点？")
    reply = slack_double.seed_message(CHANNEL, QUESTION, thread_ts=root["ts"])
    outcome = events.handle_message(slack_assistant, message_event(reply, CHANNEL), client, context)
    assert outcome == "ignored: not the bot's thread"
    assert slack_double.calls_to("chat.postMessage") == []


def test_a_direct_message_is_answered(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble, context: BoltContext
) -> None:
    event = message_event(slack_double.seed_message(DM_CHANNEL, QUESTION), DM_CHANNEL, channel_type="im")
    assert events.handle_message(slack_assistant, event, client, context) == "answered"
    assert slack_double.calls_to("chat.postMessage")[0].params["channel"] == DM_CHANNEL


def test_a_failing_engine_is_reported_in_the_thread(
    slack_assistant: SlackAssistant,
    client: WebClient,
    slack_double: SlackWebDouble,
    context: BoltContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(question: str, history: list) -> None:
        raise ConnectionError("backend down")

    monkeypatch.setattr(slack_assistant, "ask", broken)
    event = mention_event(slack_double, f"<@{BOT_USER}> {QUESTION}")
    assert events.handle_mention(slack_assistant, event, client, context) == "failed"
    assert "出错了（ConnectionError）" in posted_texts(slack_double)[0]
    assert len(slack_double.calls_to("reactions.remove")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "help"), ("预警" * 1001, "rejected"), (QUESTION, "working")],
)
def test_the_slash_command_acknowledgement_is_private_and_immediate(
    slack_assistant: SlackAssistant, text: str, expected: str
) -> None:
    ack = Ack()
    assert commands.acknowledge(slack_assistant, ack, {"text": text}) == expected
    assert ack.response is not None and ack.response.status == 200
    body = json.loads(ack.response.body)
    assert body["response_type"] == "ephemeral"
    assert {"help": "/r2p", "rejected": "上限为 2000 字", "working": "正在查阅报告"}[expected] in body["text"]


def test_a_private_answer_falls_back_to_the_response_url_where_the_bot_is_not_a_member(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble
) -> None:
    slack_double.not_a_member.add("C0PRIVATE")
    command = {"text": QUESTION, "channel_id": "C0PRIVATE", "user_id": ASKER}
    respond = Respond(response_url=slack_double.response_url("command"))
    assert commands.handle_command(slack_assistant, command, client, respond) == "answered"
    [delivered] = slack_double.calls_to("response_url")
    assert delivered.params["response_type"] == "ephemeral" and "[第27段]" in delivered.params["text"]
    find_button(delivered.params["blocks"], "share_answer")

    share = block_actions(find_button(delivered.params["blocks"], "share_answer"), respond.response_url, None)
    share["channel"]["id"] = share["container"]["channel_id"] = "C0PRIVATE"
    assert actions.handle_share(slack_assistant, share, client, respond) == "shared"
    in_channel = slack_double.calls_to("response_url")[1]
    assert in_channel.params["response_type"] == "in_channel" and "[第27段]" in in_channel.params["text"]
    assert slack_double.calls_to("response_url")[2].params["delete_original"] is True


def test_feedback_on_an_answer_from_before_a_restart_is_still_recorded(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble
) -> None:
    ref = AnswerRef("gone-after-restart", QUESTION, (18, 27), "extractive", "zh")
    button = {"type": "button", "action_id": "feedback_up", "value": ref.encode(), "text": {"text": "👍"}}
    message = {"type": "message", "ts": "1.5", "thread_ts": "1.4", "text": "其他区域也可以设立类似职位。[第18段]"}
    body = block_actions(button, slack_double.response_url("rate"), message)
    assert actions.handle_feedback(slack_assistant, body, client, None) is not None
    [row] = slack_assistant.feedback.items()
    assert (row.rating, row.question, row.citations, row.conversation) == (1, QUESTION, [18, 27], "1.4")
    assert row.answer == message["text"]


def test_an_unknown_paragraph_button_says_so_instead_of_opening_a_modal(
    slack_assistant: SlackAssistant, client: WebClient, slack_double: SlackWebDouble
) -> None:
    button = {"type": "button", "action_id": "show_paragraph_0", "value": json.dumps({"p": "A/65/877#99", "l": "en"})}
    body = block_actions(button, slack_double.response_url("show"), {"type": "message", "ts": "1.5"})
    assert actions.handle_show_paragraph(slack_assistant, body, client, None) is False
    assert slack_double.calls_to("views.open") == []
    assert "no paragraph 99" in slack_double.calls_to("chat.postEphemeral")[0].params["text"]
