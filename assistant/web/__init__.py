"""The Gradio web UI: `build_ui(engine, feedback)` returns the page; `app.py` launches it."""

from assistant.web.ui import build_ui

__all__ = ["build_ui"]
