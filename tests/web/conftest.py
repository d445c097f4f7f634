"""Fixtures of the web UI tests: the session's real engine (tests/conftest.py), a served page, a browser,
and a small OpenAI-compatible model server for the streaming and failure paths.

The model server is the shared double of tests/openai_double.py: it listens on a real socket on
127.0.0.1 and speaks the chat-completions protocol with server-sent events (OpenAI itself cannot be
reached from here), so the real `openai` backend (langchain-openai → openai → httpx) streams from it.
It quotes the first sentence of the first paragraph in the prompt and cites it, a few characters per
event; in "drop" mode it sends two events and then cuts the connection, as a crashing server would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import free_port
from openai_double import ChatServer

from assistant.backends.openai_chat import OpenAIBackend
from assistant.engine import Engine
from assistant.feedback import FeedbackStore, feedback_path
from assistant.settings import Settings
from assistant.web.handlers import WebContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def model_server() -> Iterator[ChatServer]:
    server = ChatServer(mode="quote", name="model-server")
    server.start()
    yield server
    server.close()


@pytest.fixture
def llm_engine(engine: Engine, model_server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The session's retriever answering through the real `openai` backend and the local model server."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    model_server.reset("quote")
    backend = OpenAIBackend(model="test-model", base_url=model_server.url, timeout_s=10)
    return Engine(engine.retriever, backend, engine.k, engine.max_question_chars)


@pytest.fixture
def feedback_store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "feedback.sqlite3")


@pytest.fixture
def context(engine: Engine, feedback_store: FeedbackStore, tmp_path: Path) -> WebContext:
    return WebContext(engine, feedback_store, export_root=tmp_path / "exports")


@pytest.fixture(scope="session")
def served(engine: Engine, built_settings: Settings) -> Iterator[tuple[str, FeedbackStore]]:
    """The real page, launched as app.py launches it, on a free loopback port; yields (url, store)."""
    from assistant.web import build_ui

    store = FeedbackStore(feedback_path(built_settings.data_dir))
    page = build_ui(engine, store)
    port = free_port()
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/", store
    page.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def contacted_hosts() -> set[str]:
    """Every host:port the test's page sent a request to."""
    return set()


@pytest.fixture
def page(browser: Any, served: tuple[str, FeedbackStore], contacted_hosts: set[str]) -> Iterator[Any]:
    """A fresh browser context (its own Gradio session), the page loaded and ready for a question."""
    browser_context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    tab = browser_context.new_page()
    tab.on("request", lambda request: contacted_hosts.add(request.url.split("/")[2]))
    tab.goto(served[0])
    tab.wait_for_selector("#question textarea")
    yield tab
    browser_context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
