"""The Slack bot's settings, read from the environment in this one place.

Kept apart from `assistant.settings.Settings` for now so the two can be merged later without
touching any listener: everything below this module receives a `SlackSettings` object.
Secrets are excluded from `repr`, so printing or logging the object never reveals them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from assistant.settings import SettingsError

DEFAULT_COMMAND = "/r2p"
DEFAULT_API_BASE_URL = "https://slack.com/api/"
MODES = ("http", "socket")


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    command: str = DEFAULT_COMMAND
    api_base_url: str = DEFAULT_API_BASE_URL

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SlackSettings:
        env = dict(os.environ if environ is None else environ)
        command = env.get("SLACK_COMMAND", "").strip() or DEFAULT_COMMAND
        if not command.startswith("/") or len(command) < 2 or " " in command:
            raise SettingsError(f"SLACK_COMMAND={command!r} must be one word starting with '/', e.g. /r2p")
        base_url = env.get("SLACK_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            command=command,
            api_base_url=base_url if base_url.endswith("/") else base_url + "/",
        )

    def check(self, mode: str) -> None:
        """Fail before anything slow starts when `mode` lacks a setting; the message names the variables."""
        missing = []
        if not self.bot_token:
            missing.append("SLACK_BOT_TOKEN (xoxb-…, OAuth & Permissions)")
        if mode == "http" and not self.signing_secret:
            missing.append("SLACK_SIGNING_SECRET (Basic Information → App Credentials)")
        if mode == "socket" and not self.app_token:
            missing.append("SLACK_APP_TOKEN (xapp-…, Basic Information → App-Level Tokens, scope connections:write)")
        if missing:
            raise SettingsError(f"--mode {mode} needs " + "; ".join(missing) + ". See slack/README.md.")
