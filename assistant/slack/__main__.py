"""`python -m assistant.slack [--mode http|socket] [--host H] [--port N]`: settings → engine → Bolt app → serve.

Exit codes: 0 stopped normally, 1 the index or Slack refused to start, 2 a setting is missing or wrong.
"""

from __future__ import annotations

import argparse
import logging
import sys

from assistant.settings import Settings, SettingsError
from assistant.slack.settings import MODES

log = logging.getLogger("assistant.slack")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.slack", description="Run the Slack bot.")
    parser.add_argument("--mode", choices=MODES, default="http", help="http: Events API on a URL; socket: Socket Mode")
    parser.add_argument("--host", default="127.0.0.1", help="interface for --mode http (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port for --mode http (default: 3000)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=arguments.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        slack_settings = settings.slack
        slack_settings.check(arguments.mode)
    except SettingsError as error:
        log.error("%s", error)
        return 2

    from assistant.bootstrap import open_engine
    from assistant.feedback import FeedbackStore, feedback_path
    from assistant.slack.app import SlackTokenError, build_app, check_token, web_client
    from assistant.slack.service import SlackAssistant
    from index.store import IndexCorruptError, IndexMissingError, VectorStoreUnavailableError

    try:
        check_token(web_client(slack_settings))  # before the index: a wrong token should fail in a second
    except SlackTokenError as error:
        log.error("%s", error)
        return 1
    try:
        engine = open_engine(settings)
    except (IndexMissingError, IndexCorruptError, VectorStoreUnavailableError, OSError, ValueError) as error:
        log.error("cannot open the assistant: %s", error)  # these messages name the command that fixes them
        return 1
    assistant = SlackAssistant(engine, FeedbackStore(feedback_path(settings.data_dir)), command=slack_settings.command)
    app = build_app(slack_settings, assistant, mode=arguments.mode)
    try:
        if arguments.mode == "http":
            from assistant.slack.server import SlackHTTPServer

            SlackHTTPServer(app, arguments.host, arguments.port).serve_forever()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(app, slack_settings.app_token, web_client=web_client(slack_settings, token="")).start()
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
