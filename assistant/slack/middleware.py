"""Global middleware: Slack's retries of an event (same `event_id`, `X-Slack-Retry-Num` header)
are acknowledged and dropped, so a question is never answered twice.

It runs after Bolt's own signature check, so a forged request cannot mark an event id as seen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from assistant.slack.service import SeenEvents

log = logging.getLogger(__name__)


def deduplicate_events(seen: SeenEvents) -> Callable[..., BoltResponse | None]:
    def drop_retried_events(
        body: dict[str, Any], request: BoltRequest, next_: Callable[[], None]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not seen.first_time(str(event_id)):
            retry = (request.headers.get("x-slack-retry-num") or ["-"])[0]
            reason = (request.headers.get("x-slack-retry-reason") or ["-"])[0]
            log.info("event %s already handled; dropping retry %s (%s)", event_id, retry, reason)
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        next_()
        return None

    return drop_retried_events
