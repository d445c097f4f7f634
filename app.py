"""Serve the web UI: settings → engine → `build_ui` → launch (127.0.0.1:7860 unless told otherwise)."""

import argparse

from assistant.bootstrap import open_engine
from assistant.feedback import FeedbackStore, feedback_path
from assistant.settings import Settings
from assistant.web import build_ui

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve the research assistant's web UI.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port to listen on (default: 7860)")
    arguments = parser.parse_args()
    settings = Settings.from_env()
    page = build_ui(open_engine(settings), FeedbackStore(feedback_path(settings.data_dir)))
    page.launch(server_name=arguments.host, server_port=arguments.port)
