"""Socket Mode end to end: the bot opens its socket with apps.connections.open (on the Web API
double), receives envelopes over a real WebSocket on 127.0.0.1, acknowledges them and answers.

Slack's Socket Mode endpoint (wss://wss-primary.slack.com) needs an app-level token and the
network, so `SocketModeDouble` stands in for it: a WebSocket server (the `websockets` library)
that says hello, sends envelopes as Slack does and collects the bot's acknowledgements.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_harness import TrackingExecutor
from slack_web_double import (
    APP_TOKEN,
    ASKER,
    BOT_TOKEN,
    BOT_USER,
    CHANNEL,
    SlackWebDouble,
    event_body,
    message_event,
)

from assistant.slack.app import build_app, web_client
from assistant.slack.service import SlackAssistant
from assistant.slack.settings import SlackSettings

websockets_server = pytest.importorskip("websockets.sync.server")


class SocketModeDouble:
    def __init__(self, executor: TrackingExecutor) -> None:
        self.executor = executor  # the bot's listener executor, to wait until its work is done
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self._connection: Any = None
        self.server = websockets_server.serve(self._session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, name="socket-mode-double", daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link/?ticket=test"

    def _session(self, connection: Any) -> None:
        self._connection = connection
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP001"}}))
        self.connected.set()
        for message in connection:
            self.acks.put(json.loads(message))

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send one envelope and return the bot's acknowledgement of it."""
        self._connection.send(json.dumps(envelope))
        ack = self.acks.get(timeout=30)
        assert ack["envelope_id"] == envelope["envelope_id"]
        return ack


@pytest.fixture
def socket_bot(
    slack_double: SlackWebDouble,
    slack_settings: SlackSettings,
    slack_assistant: SlackAssistant,
    caplog: pytest.LogCaptureFixture,
) -> Iterator[SocketModeDouble]:
    caplog.set_level(logging.DEBUG)  # from the start, so connecting (the app token's one use) is in the log too
    executor = TrackingExecutor()
    socket_double = SocketModeDouble(executor)
    socket_double.thread.start()
    slack_double.socket_url = socket_double.url
    settings = SlackSettings(
        bot_token=slack_settings.bot_token, app_token=APP_TOKEN, api_base_url=slack_double.base_url
    )
    app = build_app(settings, slack_assistant, mode="socket", listener_executor=executor)
    handler = SocketModeHandler(app, APP_TOKEN, web_client=web_client(settings, token=""))
    handler.connect()
    assert socket_double.connected.wait(30), "the bot did not open its socket"
    yield socket_double
    handler.close()
    executor.wait_idle()
    executor.shutdown(wait=True)
    socket_double.server.shutdown()


def test_a_mention_over_socket_mode_is_acknowledged_and_answered_once(
    socket_bot: SocketModeDouble, slack_double: SlackWebDouble, caplog: pytest.LogCaptureFixture
) -> None:
    question = slack_double.seed_message(CHANNEL, f"<@{BOT_USER}> 非洲联盟智者小组能发挥什么作用？")
    payload = json.loads(event_body(message_event(question, CHANNEL, kind="app_mention"), "EvS001"))
    envelope = {"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False, "payload": payload}
    socket_bot.send({**envelope, "retry_attempt": 0, "retry_reason": ""})
    [reply] = slack_double.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == question["ts"] and "[第27段]" in reply.params["text"]
    socket_bot.send({**envelope, "envelope_id": "env-2", "retry_attempt": 1, "retry_reason": "timeout"})
    socket_bot.executor.wait_idle()
    assert len(slack_double.calls_to("chat.postMessage")) == 1
    assert slack_double.calls_to("apps.connections.open")  # the socket URL came from the Web API
    logged = "\n".join(r.getMessage() for phase in ("setup", "call") for r in caplog.get_records(phase))
    assert "apps.connections.open" in logged  # the connection (the app token's one use) was logged…
    assert APP_TOKEN not in logged and BOT_TOKEN not in logged  # …without either token


def test_the_slash_command_over_socket_mode_answers_privately(
    socket_bot: SocketModeDouble, slack_double: SlackWebDouble
) -> None:
    command = {
        "command": "/r2p",
        "text": "区域组织在预警方面能做什么？",
        "user_id": ASKER,
        "channel_id": CHANNEL,
        "team_id": "T0TEAM01",
        "response_url": slack_double.response_url("socket-command"),
        "trigger_id": "5555.trigger",
    }
    envelope = {"envelope_id": "env-9", "type": "slash_commands", "accepts_response_payload": True, "payload": command}
    ack = socket_bot.send(envelope)
    assert ack["payload"]["response_type"] == "ephemeral" and "正在查阅报告" in ack["payload"]["text"]
    [private] = slack_double.wait_for("chat.postEphemeral")
    assert private.params["user"] == ASKER and "[第27段]" in private.params["text"]
