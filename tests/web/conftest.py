"""Fixtures of the web UI tests: the session's real engine (tests/conftest.py), a served page, a browser,
and a small OpenAI-compatible model server for the streaming and failure paths.

`ModelServer` listens on a real socket on 127.0.0.1 and speaks the chat-completions protocol with
server-sent events, so the real `openai` backend (langchain-openai → openai → httpx) streams from it.
It quotes the first sentence of the first paragraph in the prompt and cites it, a few characters per
event; in "drop" mode it sends two events and then cuts the connection, as a crashing server would.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

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
PROMPT_PARAGRAPH = re.compile(r"^\[第(\d+)段\]（[^）]*）(.+?[。！？])", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ModelServer:
    def __init__(self) -> None:
        self.mode = "quote"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _model_handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="model-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def backend(self) -> OpenAIBackend:
        return OpenAIBackend(model="test-model", base_url=self.url, timeout_s=10)


def _model_handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            prompt = body["messages"][-1]["content"]
            found = PROMPT_PARAGRAPH.search(prompt)
            reply = f"{found.group(2)}[第{found.group(1)}段]" if found else "报告中没有涉及这个问题。"
            if not body.get("stream"):
                payload = {"choices": [{"index": 0, "message": {"role": "assistant", "content": reply}}]}
                data = json.dumps({"id": "c", "object": "chat.completion", "model": "test-model", **payload})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data.encode())))
                self.end_headers()
                self.wfile.write(data.encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            pieces = [reply[i : i + 6] for i in range(0, len(reply), 6)]
            for sent, piece in enumerate(pieces):
                if server.mode == "drop" and sent == 2:
                    self.wfile.write(b"ff\r\ndata: {broken")
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._event(json.dumps(_chunk({"content": piece}, None)))
            self._event(json.dumps(_chunk({}, "stop")))
            self._event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _event(self, data: str) -> None:
            payload = f"data: {data}\n\n".encode()
            self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            self.wfile.flush()

    return Handler


def _chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "test-model", "choices": [choice]}


@pytest.fixture(scope="session")
def model_server() -> Iterator[ModelServer]:
    server = ModelServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def llm_engine(engine: Engine, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The session's retriever answering through the real `openai` backend and the local model server."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    model_server.mode = "quote"
    return Engine(engine.retriever, model_server.backend(), engine.k, engine.max_question_chars)


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
