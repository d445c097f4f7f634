"""Fixtures of the Slack tests: the session's real engine (built once, tests/conftest.py), the
local Web API double (slack_web_double.py) and the bot itself (slack_harness.py), served over real
HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_harness import SlackBot, TrackingExecutor
from slack_web_double import BOT_TOKEN, SIGNING_SECRET, SlackWebDouble

from assistant.engine import Engine
from assistant.feedback import FeedbackStore, feedback_path
from assistant.slack.app import build_app, web_client
from assistant.slack.server import SlackHTTPServer
from assistant.slack.service import SlackAssistant
from assistant.slack.settings import SlackSettings


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk would send even 127.0.0.1 through a proxy named in the environment."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def slack_double() -> Iterator[SlackWebDouble]:
    double = SlackWebDouble()
    double.thread.start()
    yield double
    double.httpd.shutdown()
    double.httpd.server_close()


@pytest.fixture
def slack_settings(slack_double: SlackWebDouble) -> SlackSettings:
    return SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_base_url=slack_double.base_url)


@pytest.fixture
def slack_assistant(engine: Engine, tmp_path: Path) -> SlackAssistant:
    """The session's engine; feedback in this test's own data dir (never the shared index's)."""
    return SlackAssistant(engine, FeedbackStore(feedback_path(tmp_path)), command="/r2p")


@pytest.fixture
def client(slack_settings: SlackSettings):
    """The bot's WebClient, pointed at the double (for calling listener functions directly)."""
    return web_client(slack_settings)


@pytest.fixture
def slack_bot(
    slack_settings: SlackSettings, slack_assistant: SlackAssistant, slack_double: SlackWebDouble
) -> Iterator[SlackBot]:
    executor = TrackingExecutor()
    app = build_app(slack_settings, slack_assistant, mode="http", listener_executor=executor)
    server = SlackHTTPServer(app, "127.0.0.1", 0).start()
    yield SlackBot(server.url, app, slack_assistant, executor, slack_assistant.feedback, slack_double)
    server.stop()
    executor.wait_idle()
    executor.shutdown(wait=True)
