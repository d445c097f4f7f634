"""A thread becomes the engine's history; Slack's markup becomes plain question text; settings
name what is missing and never show a secret."""

from __future__ import annotations

import pytest
from slack_web_double import BOT_ID, BOT_USER

from assistant.result import Turn
from assistant.settings import SettingsError
from assistant.slack.service import AnswerRef, SeenEvents
from assistant.slack.settings import SlackSettings
from assistant.slack.threads import ANSWER_EVENT_TYPE, question_text, turns_from_messages


def user(ts: str, text: str) -> dict:
    return {"type": "message", "user": "UASKER01", "text": text, "ts": ts}


def bot(ts: str, text: str, question: str = "") -> dict:
    message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "text": text, "ts": ts}
    if question:
        message["metadata"] = {"event_type": ANSWER_EVENT_TYPE, "event_payload": {"question": question}}
    return message


def test_slack_markup_is_turned_back_into_the_question() -> None:
    text = f"<@{BOT_USER}> <@U2|alice> 和 <#C1|general> 说 <https://un.org|联合国> &lt;报告&gt; &amp; 预警？ <!here>"
    assert question_text(text, BOT_USER) == "@alice 和 #general 说 联合国 <报告> & 预警？"
    assert question_text(f"<@{BOT_USER}>", BOT_USER) == ""


def test_a_thread_gives_its_answered_questions_as_turns() -> None:
    messages = [
        user("1.000001", f"<@{BOT_USER}> 非洲联盟智者小组能发挥什么作用？"),
        bot("1.000002", "……分析框架。[第27段]", question="非洲联盟智者小组能发挥什么作用？"),
        user("1.000003", f"<@{BOT_USER}>"),
        bot("1.000004", "我回答关于联合国报告的问题……"),  # help text: not an answer
        user("1.000005", "区域组织在预警方面能做什么？"),
        bot("1.000006", "其他区域也可以设立类似职位。[第18段]"),  # no metadata, but cites: paired with 1.000005
        {"type": "message", "bot_id": "BOTHER01", "text": "another bot [第3段]", "ts": "1.000007"},
        user("1.000008", "它决定采用什么框架？"),  # the message being answered
        bot("1.000009", "later [第40段]", question="later"),
    ]
    thread = turns_from_messages(messages, BOT_USER, BOT_ID, before_ts="1.000008")
    assert thread.bot_participates
    assert thread.turns == [
        Turn("非洲联盟智者小组能发挥什么作用？", "……分析框架。[第27段]", (27,)),
        Turn("区域组织在预警方面能做什么？", "其他区域也可以设立类似职位。[第18段]", (18,)),
    ]


def test_a_thread_without_the_bot_is_not_the_bots_conversation() -> None:
    thread = turns_from_messages([user("1.1", "午饭？"), user("1.2", "好")], BOT_USER, BOT_ID, before_ts="1.2")
    assert thread == type(thread)([], False)


def test_an_answer_reference_survives_the_button_round_trip_and_a_bad_value_is_refused() -> None:
    ref = AnswerRef("abc", "问" * 3000, (27, 18), "openai", "en")
    decoded = AnswerRef.decode(ref.encode())
    assert decoded == AnswerRef("abc", "问" * 500, (27, 18), "openai", "en")
    assert len(ref.encode()) <= 2000
    assert AnswerRef.decode("not json") is None and AnswerRef.decode('{"q": "no id"}') is None


def test_event_ids_are_remembered_within_capacity() -> None:
    seen = SeenEvents(capacity=2)
    assert seen.first_time("E1") and not seen.first_time("E1")
    assert seen.first_time("E2") and seen.first_time("E3")
    assert seen.first_time("E1")  # forgotten once capacity pushed it out


def test_settings_default_the_command_and_keep_secrets_out_of_repr() -> None:
    settings = SlackSettings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_SIGNING_SECRET": "sign-secret-2", "SLACK_APP_TOKEN": "xapp-3"}
    )
    assert settings.command == "/r2p" and settings.api_base_url == "https://slack.com/api/"
    assert "secret" not in repr(settings) and "xapp" not in repr(settings)
    settings.check("http")
    settings.check("socket")
    custom = SlackSettings.from_env({"SLACK_COMMAND": "/ask-report", "SLACK_API_BASE_URL": "http://127.0.0.1:9/api"})
    assert custom.command == "/ask-report" and custom.api_base_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("environ", "mode", "named"),
    [
        ({}, "http", "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "http", "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "socket", "SLACK_APP_TOKEN"),
        ({"SLACK_COMMAND": "r2p"}, "http", "SLACK_COMMAND"),
    ],
)
def test_a_missing_or_wrong_setting_is_named(environ: dict[str, str], mode: str, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        SlackSettings.from_env(environ).check(mode)
