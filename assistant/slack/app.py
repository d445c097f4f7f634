"""Build the Bolt app: a Web API client that honours `Retry-After`, the retry de-duplication
middleware and each surface's listeners. Wiring only; the logic lives in the modules it registers."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from assistant.slack import actions, commands, events
from assistant.slack.delivery import SLACK_ERRORS, api_error
from assistant.slack.middleware import deduplicate_events
from assistant.slack.service import SlackAssistant
from assistant.slack.settings import SlackSettings

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 3


class SlackTokenError(RuntimeError):
    """Slack refused the bot token; the message names the setting, never the token."""


def web_client(settings: SlackSettings, token: str | None = None) -> WebClient:
    """A WebClient on `settings.api_base_url` that waits out HTTP 429 (`Retry-After`) and retries a lost connection."""
    return WebClient(
        token=settings.bot_token if token is None else token,
        base_url=settings.api_base_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def build_app(
    settings: SlackSettings,
    assistant: SlackAssistant,
    *,
    mode: str = "http",
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """In HTTP mode the acknowledgement runs before the response is sent (`process_before_response`)
    and every answer in a lazy listener; Socket Mode skips signature checks (the socket is authenticated)."""
    app = App(
        client=client or web_client(settings),
        signing_secret=settings.signing_secret,
        token_verification_enabled=False,
        request_verification_enabled=mode == "http",
        process_before_response=mode == "http",
        listener_executor=listener_executor,
        logger=logging.getLogger("assistant.slack.bolt"),
    )
    app.use(deduplicate_events(assistant.seen_events))
    events.register(app, assistant)
    commands.register(app, assistant)
    actions.register(app, assistant)
    return app


def check_token(client: WebClient) -> str:
    """auth.test at start-up, so a wrong token fails now with a clear message; returns the bot's user id."""
    try:
        response = client.auth_test()
    except SLACK_ERRORS as error:
        raise SlackTokenError(
            f"Slack refused SLACK_BOT_TOKEN ({api_error(error)}); copy the Bot User OAuth Token (xoxb-…) "
            "from the app's OAuth & Permissions page"
        ) from None
    return str(response.get("user_id", ""))
