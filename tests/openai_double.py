"""A local OpenAI-compatible chat server, shared by the backend tests and the web UI tests.

`ChatServer` is a test double for the OpenAI API, which cannot be reached from here (and must not
be: the tests run offline). It is not a mock of our code: it listens on a real socket on 127.0.0.1
and speaks the real chat-completions protocol — `POST /v1/chat/completions`, a JSON reply, or with
`"stream": true` server-sent events (`data: {chunk}` … `data: [DONE]`) in chunked transfer encoding,
a few characters per event — so the whole client stack (langchain-openai → openai → httpx) runs as
it would against OpenAI or llama.cpp. Its replies are computed from the request the way a grounded
model would answer: it quotes the first sentence of the first 「[第N段]」 paragraph of the prompt and
cites it, and it rewrites a follow-up by replacing 「它」 with the subject of the previous question.

Its `mode` sets how it misbehaves: "normal" (alias "quote"); "error" (HTTP 500); "condense_error"
(HTTP 500 on the follow-up rewriting request only); "condense_answers" (answers the follow-up instead
of rewriting it, pronoun and all, as a small model does); "slow" (answers after `slow_s`); "bad_cite" (also
cites paragraphs it was not given); "refuse"; "garbage" (an unreadable reply); "drop" (streams two
pieces, then cuts the connection mid-event, as a crashing server would).

Conftests import it as `openai_double`: tests/ is on sys.path (pytest's default "prepend" import
mode puts the root conftest's folder there).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PARAGRAPH_LINE = re.compile(r"^\[第(\d+)段\]（[^）]*）(.+)$", re.MULTILINE)
CONDENSE_MARK = "改写后的问题"
MODES = (
    "normal",
    "quote",
    "error",
    "slow",
    "bad_cite",
    "refuse",
    "condense_error",
    "condense_answers",
    "garbage",
    "drop",
)
PIECE_CHARS = 6  # characters of the reply per streamed event
DROP_AFTER = 2  # pieces streamed in "drop" mode before the connection is cut


def model_reply(prompt: str, mode: str = "normal") -> str:
    """What the double answers to the last user message of a request."""
    if CONDENSE_MARK in prompt and mode == "condense_answers":
        return "它决定采用由两名特别顾问联合办事处开发的分析框架。"
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

    def __init__(self, mode: str = "normal", slow_s: float = 5.0, name: str = "chat-server") -> None:
        assert mode in MODES
        self.mode = mode
        self.slow_s = slow_s
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=name, daemon=True)

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
                    self._stream(body.get("model", ""), reply, drop=mode == "drop")
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

        def _stream(self, model: str, reply: str, drop: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event(json.dumps(_chunk(model, {"role": "assistant", "content": ""}, None)))
            pieces = [reply[i : i + PIECE_CHARS] for i in range(0, len(reply), PIECE_CHARS)]
            for sent, piece in enumerate(pieces):
                if drop and sent == DROP_AFTER:
                    return self._cut()
                self._event(json.dumps(_chunk(model, {"content": piece}, None), ensure_ascii=False))
            self._event(json.dumps(_chunk(model, {}, "stop")))
            self._event("[DONE]")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return None

        def _event(self, data: str) -> None:
            payload = f"data: {data}\n\n".encode()
            self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            self.wfile.flush()

        def _cut(self) -> None:
            """Announce a chunk, send half an event, and close the socket."""
            self.wfile.write(b"ff\r\ndata: {broken")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

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
