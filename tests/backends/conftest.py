"""Fixtures for the OpenAI backend tests: a local OpenAI-compatible chat server and a built index.

`ChatServer` is a test double for the OpenAI API, which cannot be reached from here (and must not
be: the tests run offline). It is not a mock of our code: it listens on a real socket on 127.0.0.1
and speaks the real chat-completions protocol — `POST /v1/chat/completions`, a JSON reply, or with
`"stream": true` server-sent events (`data: {chunk}` … `data: [DONE]`) in chunked transfer encoding
— so the whole client stack (langchain-openai → openai → httpx) runs as it would against OpenAI or
llama.cpp. Its replies are computed from the request the way a grounded model would answer: it
quotes the first sentence of the first 「[第N段]」 paragraph of the prompt and cites it, and it
rewrites a follow-up by replacing 「它」 with the subject of the previous question.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.backends import create_backend
from assistant.bootstrap import open_engine
from assistant.engine import Engine
from assistant.settings import Settings

PARAGRAPH_LINE = re.compile(r"^\[第(\d+)段\]（[^）]*）(.+)$", re.MULTILINE)
CONDENSE_MARK = "改写后的问题"
MODES = ("normal", "error", "slow", "bad_cite", "refuse", "condense_error", "garbage")


def model_reply(prompt: str, mode: str = "normal") -> str:
    """What the double answers to the last user message of a request."""
    if CONDENSE_MARK in prompt:
        previous = re.findall(r"^用户：(.+)$", prompt, re.MULTILINE)[-1]
        follow_up = re.search(r"^最新追问：(.+)$", prompt, re.MULTILINE).group(1).strip()
        subject = re.split(r"是|有|在|如何|怎样|为什么|的作用", previous, maxsplit=1)[0].strip()
        return follow_up.replace("它", subject, 1) if "它" in follow_up else f"{subject}{follow_up}"
    found = PARAGRAPH_LINE.findall(prompt)
    if mode == "refuse" or not found:
        return "报告中没有涉及这个问题。"
    number, text = found[0]
    sentence = re.match(r".+?[。！？]|.+", text).group(0)
    reply = f"{sentence}[第{number}段]"
    if mode == "bad_cite":
        shown = {int(n) for n, _ in found}
        absent = min(n for n in range(1, 45) if n not in shown)
        reply += f"另见[第99段]和[第{absent}段]。"
    if "回答语言：English" in prompt:
        reply = f"The report says: {reply}"
    return reply


@dataclass
class Recorded:
    path: str
    authorization: str
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        users = [m["content"] for m in self.body.get("messages", []) if m.get("role") == "user"]
        return users[-1] if users else ""

    @property
    def is_condense(self) -> bool:
        return CONDENSE_MARK in self.prompt


class ChatServer:
    """An OpenAI-compatible chat-completions server on 127.0.0.1, one thread per request."""

    def __init__(self, slow_s: float = 5.0) -> None:
        self.mode = "normal"
        self.slow_s = slow_s
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="chat-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @staticmethod
    def reply(prompt: str, mode: str = "normal") -> str:
        return model_reply(prompt, mode)

    def reset(self, mode: str = "normal") -> None:
        assert mode in MODES
        self.mode = mode
        self.requests.clear()

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stopping.set()  # wakes a handler sleeping in "slow" mode
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _handler(double: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw or b"{}")
            record = Recorded(self.path, self.headers.get("Authorization", ""), body)
            double.requests.append(record)
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            mode = double.mode
            if mode == "error" or (mode == "condense_error" and record.is_condense):
                return self._json(500, {"error": {"message": "model crashed", "type": "server_error"}})
            if mode == "slow" and double.stopping.wait(double.slow_s):
                return None  # the server is shutting down
            if mode == "garbage":
                return self._send(200, "application/json", b"<html>this is not JSON</html>")
            reply = model_reply(record.prompt, mode)
            try:
                if body.get("stream"):
                    self._stream(body.get("model", ""), reply)
                else:
                    self._json(200, _completion(body.get("model", ""), reply))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)
            return None

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._send(status, "application/json", json.dumps(payload, ensure_ascii=False).encode())

        def _send(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, model: str, reply: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            deltas = [{"role": "assistant", "content": ""}]
            deltas += [{"content": reply[i : i + 6]} for i in range(0, len(reply), 6)]
            for delta in deltas:
                self._event(json.dumps(_chunk(model, delta, None), ensure_ascii=False))
            self._event(json.dumps(_chunk(model, {}, "stop")))
            self._event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _event(self, data: str) -> None:
            payload = f"data: {data}\n\n".encode()
            self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            self.wfile.flush()

    return Handler


def _completion(model: str, reply: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-double",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": len(reply), "total_tokens": 100 + len(reply)},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-double",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"


@pytest.fixture(scope="session")
def chat_server() -> Iterator[ChatServer]:
    double = ChatServer()
    double.start()
    yield double
    double.close()


@pytest.fixture
def server(chat_server: ChatServer) -> ChatServer:
    chat_server.reset()
    return chat_server


@pytest.fixture(scope="session")
def base_env(chat_server: ChatServer, built_settings: Settings) -> dict[str, str]:
    """Settings for the openai backend over the session's index (built once by the root conftest)."""
    return {
        "ASSISTANT_DATA_DIR": str(built_settings.data_dir),
        "ASSISTANT_LLM": "openai",
        "OPENAI_BASE_URL": chat_server.url,
        "OPENAI_MODEL": "test-model",
        "OPENAI_TIMEOUT": "10",
    }


@pytest.fixture(scope="session")
def built_engine(base_env: dict[str, str]) -> Engine:
    """Every test reuses this engine's retriever."""
    return open_engine(Settings.from_env(base_env), build_if_missing=False)


@pytest.fixture
def make_engine(
    built_engine: Engine, base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Engine]:
    """An engine with a fresh backend made from settings; keyword arguments override env vars."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)

    def make(**overrides: str) -> Engine:
        settings = Settings.from_env({**base_env, **overrides})
        backend = create_backend(settings.llm_backend, settings)
        return Engine(built_engine.retriever, backend, settings.retrieval_k, settings.max_question_chars)

    return make
