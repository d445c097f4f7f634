"""Fixtures of the Slack tests: the session's real engine (built once, tests/conftest.py), the
local Web API double (slack_web_double.py) and the bot itself, served over real HTTP on 127.0.0.1.

Asynchronous work is awaited deterministically: the double's `wait_for` blocks on what it receives
(with a deadline), and `TrackingExecutor.wait_idle` blocks until every lazy listener has finished —
which is how a test knows that something did *not* happen (a retry answered twice, a forged request).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_web_double import (
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackWebDouble,
    command_body,
    event_body,
    interaction_body,
    post,
    signed_headers,
)

from assistant.engine import Engine
from assistant.feedback import FeedbackStore, feedback_path
from assistant.slack.app import build_app, web_client
from assistant.slack.server import SlackHTTPServer
from assistant.slack.service import SlackAssistant
from assistant.slack.settings import SlackSettings


class TrackingExecutor(ThreadPoolExecutor):
    """The bot's listener executor, counting unfinished tasks so a test can wait until all are done."""

    def __init__(self, max_workers: int = 4) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="slack-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 60.0) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._pending == 0, timeout), "listeners still running"


@dataclass
class SlackBot:
    """The bot under test, reachable at `url`, with the collaborators the tests inspect."""

    url: str
    app: App
    assistant: SlackAssistant
    executor: TrackingExecutor
    feedback: FeedbackStore
    double: SlackWebDouble

    def send(self, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **signed_headers(body), **(extra or {})}
        return post(self.url, body, headers)

    def send_event(self, event: dict[str, Any], event_id: str, retry: int | None = None) -> int:
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        status, _ = self.send(event_body(event, event_id), "application/json", extra)
        return status

    def send_command(self, text: str, response_url: str) -> tuple[int, dict[str, Any]]:
        status, body = self.send(command_body(text, response_url), "application/x-www-form-urlencoded")
        return status, json.loads(body) if body else {}

    def click(self, payload: dict[str, Any]) -> int:
        status, _ = self.send(interaction_body(payload), "application/x-www-form-urlencoded")
        return status


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
