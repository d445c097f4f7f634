"""Run modes of the Slack bot. Its settings (SLACK_*) are read with all others in `assistant.settings`."""

from __future__ import annotations

from assistant.settings import SlackSettings

MODES = ("http", "socket")

__all__ = ["MODES", "SlackSettings"]
