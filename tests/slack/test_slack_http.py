"""End to end over real HTTP on 127.0.0.1: signed requests into the bot's server, Web API calls
out to the double. What a Slack user would notice: where the answer lands, that a thread keeps its
context, that nothing is answered twice or answered for a forger, and that private stays private."""

from __future__ import annotations

import json
import logging
import time

import pytest
from slack_harness import SlackBot
from slack_web_double import (
    ASKER,
    BOT_TOKEN,
    BOT_USER,
    CHANNEL,
    DM_CHANNEL,
    SIGNING_SECRET,
    block_actions,
    event_body,
    find_button,
    message_event,
    post,
    signed_headers,
)

from assistant.engine import Engine

FIRST = "非洲联盟智者小组能发挥什么作用？"
FOLLOW_UP = "它决定采用什么框架？"


def mention(bot: SlackBot, question: str, event_id: str, thread_ts: str | None = None) -> dict:
    message = bot.double.seed_message(CHANNEL, f"<@{BOT_USER}> {question}", thread_ts=thread_ts)
    assert bot.send_event(message_event(message, CHANNEL, kind="app_mention"), event_id) == 200
    return message


def test_a_mention_is_answered_in_a_thread_under_the_question_with_citations(slack_bot: SlackBot) -> None:
    question = mention(slack_bot, FIRST, "Ev0001")
    [reply] = slack_bot.double.wait_for("chat.postMessage")
    assert reply.params["channel"] == CHANNEL
    assert reply.params["thread_ts"] == question["ts"]
    assert "[第27段]" in reply.params["text"]
    blocks = reply.params["blocks"]
    assert any("第27段" in json.dumps(block, ensure_ascii=False) for block in blocks if block["type"] == "context")
    buttons = {element["action_id"] for b in blocks if b["type"] == "actions" for element in b["elements"]}
    assert {"feedback_up", "feedback_down", "show_paragraph_0"} <= buttons
    reactions = slack_bot.double.calls_to("reactions.add")
    assert reactions and reactions[0].params["timestamp"] == question["ts"]  # the "working" sign


def test_a_follow_up_in_the_thread_is_answered_with_the_threads_context(slack_bot: SlackBot, engine: Engine) -> None:
    alone = engine.ask("还有呢？")  # on its own this has no subject; only the thread gives it one
    assert 27 not in alone.citations
    question = mention(slack_bot, FIRST, "Ev0101")
    slack_bot.double.wait_for("chat.postMessage")
    root = question["ts"]

    follow_up = slack_bot.double.seed_message(CHANNEL, FOLLOW_UP, thread_ts=root)  # no mention
    assert slack_bot.send_event(message_event(follow_up, CHANNEL), "Ev0102") == 200
    second = slack_bot.double.wait_for("chat.postMessage", 2)[1]
    assert second.params["thread_ts"] == root
    assert "分析框架" in second.params["text"] and "[第27段]" in second.params["text"]
    assert slack_bot.double.calls_to("conversations.replies")[0].params["ts"] == root

    vague = slack_bot.double.seed_message(CHANNEL, f"<@{BOT_USER}> 还有呢？", thread_ts=root)
    assert slack_bot.send_event(message_event(vague, CHANNEL, kind="app_mention"), "Ev0103") == 200
    assert slack_bot.send_event(message_event(vague, CHANNEL), "Ev0104") == 200  # Slack sends both; answer once
    third = slack_bot.double.wait_for("chat.postMessage", 3)[2]
    assert third.params["thread_ts"] == root
    assert "[第27段]" in third.params["text"] and "没有涉及" not in third.params["text"]
    slack_bot.executor.wait_idle()
    assert len(slack_bot.double.calls_to("chat.postMessage")) == 3


def test_a_direct_message_is_answered_in_its_thread(slack_bot: SlackBot) -> None:
    message = slack_bot.double.seed_message(DM_CHANNEL, "区域组织在预警方面能做什么？")
    assert slack_bot.send_event(message_event(message, DM_CHANNEL, channel_type="im"), "Ev0201") == 200
    [reply] = slack_bot.double.wait_for("chat.postMessage")
    assert reply.params["channel"] == DM_CHANNEL and reply.params["thread_ts"] == message["ts"]
    assert "[第27段]" in reply.params["text"]


def test_a_retried_event_is_not_answered_twice(slack_bot: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assistant.slack")
    question = mention(slack_bot, FIRST, "Ev0301")
    slack_bot.double.wait_for("chat.postMessage")
    retry = message_event(question, CHANNEL, kind="app_mention")
    assert slack_bot.send_event(retry, "Ev0301", retry=1) == 200
    assert slack_bot.send_event(retry, "Ev0301", retry=2) == 200
    slack_bot.executor.wait_idle()
    assert len(slack_bot.double.calls_to("chat.postMessage")) == 1
    assert "Ev0301 already handled" in caplog.text


def test_the_slash_command_answers_privately_and_can_share(slack_bot: SlackBot) -> None:
    status, ack = slack_bot.send_command("区域组织在预警方面能做什么？", slack_bot.double.response_url("command"))
    assert status == 200 and ack["response_type"] == "ephemeral" and "正在查阅报告" in ack["text"]  # "working"
    [private] = slack_bot.double.wait_for("chat.postEphemeral")
    assert private.params["user"] == ASKER and private.params["channel"] == CHANNEL
    assert "[第27段]" in private.params["text"]
    slack_bot.executor.wait_idle()
    assert slack_bot.double.calls_to("chat.postMessage") == []  # nobody else saw it

    share = find_button(private.params["blocks"], "share_answer")
    assert slack_bot.click(block_actions(share, slack_bot.double.response_url("share"))) == 200
    [shared] = slack_bot.double.wait_for("chat.postMessage")
    assert shared.params["channel"] == CHANNEL and "thread_ts" not in shared.params
    assert "[第27段]" in shared.params["text"]
    assert f"<@{ASKER}>" in json.dumps(shared.params["blocks"])
    [removed] = slack_bot.double.wait_for("response_url")
    assert removed.params.get("delete_original") is True


def test_a_thumbs_down_click_lands_in_the_feedback_table(slack_bot: SlackBot) -> None:
    question = mention(slack_bot, FIRST, "Ev0401")
    [reply] = slack_bot.double.wait_for("chat.postMessage")
    message = slack_bot.double.thread_messages(CHANNEL, question["ts"])[-1]
    down = find_button(reply.params["blocks"], "feedback_down")
    assert slack_bot.click(block_actions(down, slack_bot.double.response_url("rate"), message)) == 200
    [thanks] = slack_bot.double.wait_for("chat.postEphemeral")
    assert thanks.params["user"] == ASKER and thanks.params["thread_ts"] == question["ts"]
    [row] = slack_bot.feedback.items()
    assert (row.source, row.rating, row.question, row.conversation) == ("slack", -1, FIRST, question["ts"])
    assert row.citations == [27] and "[第27段]" in row.answer


def test_a_full_paragraph_button_opens_a_modal(slack_bot: SlackBot) -> None:
    question = mention(slack_bot, FIRST, "Ev0501")
    [reply] = slack_bot.double.wait_for("chat.postMessage")
    show = find_button(reply.params["blocks"], "show_paragraph_0")
    message = slack_bot.double.thread_messages(CHANNEL, question["ts"])[-1]
    assert slack_bot.click(block_actions(show, slack_bot.double.response_url("show"), message)) == 200
    [opened] = slack_bot.double.wait_for("views.open")
    assert opened.params["trigger_id"] == "3333.4444.trigger"
    view = json.dumps(opened.params["view"], ensure_ascii=False)
    assert "第27段" in view and "分析框架" in view


def forged_headers(kind: str, body: bytes) -> dict[str, str]:
    if kind == "bad-signature":
        return {"X-Slack-Signature": "v0=" + "0" * 64, "X-Slack-Request-Timestamp": str(int(time.time()))}
    if kind == "wrong-secret":
        return signed_headers(body, secret="not-the-signing-secret")
    if kind == "older-than-5-minutes":
        return signed_headers(body, timestamp=int(time.time()) - 6 * 60)  # correctly signed, but old
    return {}


@pytest.mark.parametrize("kind", ["bad-signature", "wrong-secret", "older-than-5-minutes", "unsigned"])
def test_a_forged_or_stale_request_gets_401_and_no_answer(slack_bot: SlackBot, kind: str) -> None:
    message = slack_bot.double.seed_message(CHANNEL, f"<@{BOT_USER}> {FIRST}")
    body = event_body(message_event(message, CHANNEL, kind="app_mention"), "Ev0601")
    status, _ = post(slack_bot.url, body, {"Content-Type": "application/json", **forged_headers(kind, body)})
    assert status == 401
    slack_bot.executor.wait_idle()
    assert slack_bot.double.calls == []  # not even auth.test: nothing was processed
    assert slack_bot.send_event(message_event(message, CHANNEL, kind="app_mention"), "Ev0601") == 200
    slack_bot.double.wait_for("chat.postMessage")  # the forgery did not use up the event id


def test_a_429_from_the_web_api_is_waited_out_as_retry_after_says(slack_bot: SlackBot) -> None:
    slack_bot.double.rate_limit_once("chat.postMessage", retry_after=1)
    mention(slack_bot, FIRST, "Ev0701")
    [reply] = slack_bot.double.wait_for("chat.postMessage")
    limited = [c for c in slack_bot.double.calls if c.method == "chat.postMessage" and c.status == 429]
    assert len(limited) == 1
    assert reply.at - limited[0].at >= 1.0  # Retry-After: 1 was honoured before trying again
    assert "[第27段]" in reply.params["text"]


def test_url_verification_is_answered_and_secrets_never_logged(
    slack_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}).encode()
    status, text = post(slack_bot.url, body, {"Content-Type": "application/json", **signed_headers(body)})
    assert status == 200 and "c-123" in text
    mention(slack_bot, FIRST, "Ev0801")
    slack_bot.double.wait_for("chat.postMessage")
    slack_bot.executor.wait_idle()
    assert BOT_TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text
