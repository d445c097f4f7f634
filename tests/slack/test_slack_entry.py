"""`python -m assistant.slack` as an operator runs it, and the manifest a workspace admin installs."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import free_port
from slack_web_double import (
    ASKER,
    BOT_TOKEN,
    BOT_USER,
    CHANNEL,
    SIGNING_SECRET,
    SlackWebDouble,
    command_body,
    event_body,
    message_event,
    post,
    signed_headers,
)

from assistant.settings import SLACK_DEFAULT_COMMAND as DEFAULT_COMMAND
from assistant.settings import Settings
from assistant.slack.server import HTTP_PATH

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "slack" / "manifest.yml"


def bot_environment(data_dir: Path, **slack: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.upper().startswith(("SLACK_", "HTTP_PROXY", "HTTPS_PROXY"))}
    return {**keep, "ASSISTANT_DATA_DIR": str(data_dir), **slack}


class BotProcess:
    """The bot in its own process; its log lines are collected so a test can wait for one."""

    def __init__(self, arguments: list[str], environment: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.slack", *arguments],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            self.lines.put(line)

    def wait_for_line(self, text: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                if text in self.lines.get(timeout=remaining):
                    return
            except queue.Empty:
                break
        raise AssertionError(f"{text!r} not logged within {timeout} s:\n{''.join(self.log)}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


@pytest.fixture
def copied_index(built_settings: Settings, tmp_path: Path) -> Path:
    """A data dir of this test's own (a copy of the session's 1 MB index), so the bot's feedback DB lands here."""
    shutil.copytree(built_settings.index_dir, tmp_path / "data" / "index", symlinks=True)
    return tmp_path / "data"


@pytest.fixture
def running_bot(copied_index: Path, slack_double: SlackWebDouble) -> Iterator[tuple[BotProcess, str]]:
    port = free_port()
    environment = bot_environment(
        copied_index,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=slack_double.base_url,
        SLACK_COMMAND="/ask-r2p",
    )
    bot = BotProcess(["--mode", "http", "--port", str(port)], environment)
    bot.wait_for_line("listening for Slack on")
    yield bot, f"http://127.0.0.1:{port}{HTTP_PATH}"
    assert bot.stop() == 0


def test_the_entry_point_serves_events_and_the_configured_command(
    running_bot: tuple[BotProcess, str], slack_double: SlackWebDouble
) -> None:
    bot, url = running_bot
    question = slack_double.seed_message(CHANNEL, f"<@{BOT_USER}> 非洲联盟智者小组能发挥什么作用？")
    body = event_body(message_event(question, CHANNEL, kind="app_mention"), "EvP001")
    assert post(url, body, {"Content-Type": "application/json", **signed_headers(body)})[0] == 200
    [reply] = slack_double.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == question["ts"] and "[第27段]" in reply.params["text"]

    body = command_body("区域组织在预警方面能做什么？", slack_double.response_url("c"), command="/ask-r2p")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    status, ack = post(url, body, headers)
    assert status == 200 and json.loads(ack)["response_type"] == "ephemeral"
    [private] = slack_double.wait_for("chat.postEphemeral")
    assert private.params["user"] == ASKER
    assert bot.stop() == 0
    logged = "".join(bot.log)
    assert "answered in" in logged
    assert BOT_TOKEN not in logged and SIGNING_SECRET not in logged


def test_missing_settings_exit_2_naming_them(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.slack", "--mode", "socket"],
        cwd=ROOT,
        env=bot_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "SLACK_BOT_TOKEN" in done.stderr and "SLACK_APP_TOKEN" in done.stderr


def test_a_refused_token_exits_1_before_the_index_is_opened(tmp_path: Path, slack_double: SlackWebDouble) -> None:
    environment = bot_environment(
        tmp_path / "empty",
        SLACK_BOT_TOKEN="xoxb-revoked-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=slack_double.base_url,
    )
    done = subprocess.run(
        [sys.executable, "-m", "assistant.slack"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in done.stderr
    assert "xoxb-revoked-token" not in done.stderr
    assert not (tmp_path / "empty").exists()  # no index build was started


def test_the_manifest_asks_for_what_the_bot_uses() -> None:
    yaml = pytest.importorskip("yaml")  # PyYAML arrives with the dependencies; not worth one of its own
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    [command] = features["slash_commands"]
    assert command["command"] == DEFAULT_COMMAND
    assert features["app_home"]["messages_tab_enabled"] and not features["app_home"]["messages_tab_read_only_enabled"]
    urls = [command["url"], settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    assert all(url.endswith(HTTP_PATH) for url in urls) and len(set(urls)) == 1  # one path for everything
    assert settings["interactivity"]["is_enabled"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
    }
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "chat:write",
        "commands",
        "reactions:write",
    }
