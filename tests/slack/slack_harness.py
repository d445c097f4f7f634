"""The bot under test as the tests drive it: served over real HTTP, its lazy listeners on an
executor that can say when all of them have finished.

Asynchronous work is awaited deterministically: the double's `wait_for` blocks on what it receives
(with a deadline), and `TrackingExecutor.wait_idle` blocks until every lazy listener has finished —
which is how a test knows that something did *not* happen (a retry answered twice, a forged request).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_web_double import SlackWebDouble, command_body, event_body, interaction_body, post, signed_headers

from assistant.feedback import FeedbackStore
from assistant.slack.service import SlackAssistant


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
