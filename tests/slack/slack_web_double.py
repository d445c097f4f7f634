"""A local Slack Web API double, and builders for the signed requests Slack sends to the bot.

Why a double: the real Web API lives at slack.com and needs a workspace, an installed app and
tokens, and these tests never leave 127.0.0.1. So `SlackWebDouble` is a real HTTP server on a
loopback port that speaks the Web API's wire protocol as slack_sdk's `WebClient` uses it (form or
JSON POSTs and GETs to /api/<method>, `Authorization: Bearer`, JSON `{"ok": …}` answers, HTTP 429
with `Retry-After`) for the methods the bot calls. It keeps what is posted, so conversations.replies
returns the thread as Slack would, answers the `response_url`s of commands and buttons, and records
every request so the tests can wait for — and assert on — what the bot sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_TOKEN = "xoxb-test-bot-token-0000"
APP_TOKEN = "xapp-test-app-token-0000"
SIGNING_SECRET = "test-signing-secret-0000"
BOT_USER = "UBOT0000"
BOT_ID = "BBOT0000"
ASKER = "UASKER01"
TEAM = "T0TEAM01"
CHANNEL = "C0GENERAL"
DM_CHANNEL = "D0DIRECT"
JSON_FIELDS = ("blocks", "metadata", "view", "attachments")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    ok: bool = True
    at: float = field(default_factory=time.monotonic)


class SlackWebDouble:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.rate_limited: dict[str, int] = {}
        self.not_a_member: set[str] = set()
        self.socket_url = ""
        self._changed = threading.Condition()
        self._clock = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-web-double", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/response/{name}"

    def next_ts(self) -> str:
        with self._changed:
            self._clock += 1
            return f"1700000000.{self._clock:06d}"

    def seed_message(self, channel: str, text: str, user: str = ASKER, thread_ts: str | None = None) -> dict[str, Any]:
        """A user's message, stored as Slack stores it before it sends the bot the event."""
        message = {"type": "message", "user": user, "text": text, "ts": self.next_ts()}
        if thread_ts:
            message["thread_ts"] = thread_ts
        with self._changed:
            self.messages.setdefault(channel, []).append(message)
        return message

    def rate_limit_once(self, method: str, retry_after: int = 1) -> None:
        self.rate_limited[method] = retry_after

    def calls_to(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method and c.ok]

    def wait_for(self, method: str, count: int = 1, timeout: float = 60.0) -> list[Call]:
        """Block until `count` successful (`ok`) calls of `method` arrived (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and c.ok]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"{count} × {method} not received within {timeout} s; got {seen}")
                self._changed.wait(remaining)

    def thread_messages(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        with self._changed:
            found = [m for m in self.messages.get(channel, []) if thread_ts in (m["ts"], m.get("thread_ts"))]
        return sorted(found, key=lambda m: float(m["ts"]))

    # -- the Web API -----------------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.not_a_member and method.startswith("chat.post"):
            return {"ok": False, "error": "not_in_channel"}
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "user": "r2p", "team": "Test"}
        if method == "chat.postMessage":
            message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": self.next_ts()}
            message.update({k: params[k] for k in ("text", "blocks", "thread_ts", "metadata") if params.get(k)})
            with self._changed:
                self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": params.get("ts"), "text": params.get("text", "")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method in ("reactions.add", "reactions.remove"):
            return {"ok": True}
        if method == "conversations.replies":
            keep_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
            thread = [
                {k: v for k, v in m.items() if keep_metadata or k != "metadata"}
                for m in self.thread_messages(channel, str(params.get("ts")))
            ]
            return {"ok": True, "messages": thread, "has_more": False, "response_metadata": {"next_cursor": ""}}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0VIEW01", **(params.get("view") or {})}}
        if method == "apps.connections.open" and self.socket_url:
            return {"ok": True, "url": self.socket_url}
        return {"ok": False, "error": "unknown_method"}

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()


def _handler(double: SlackWebDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            self._handle(url.path, dict(urllib.parse.parse_qsl(url.query)))

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/json"):
                params = json.loads(raw or "{}")
            else:
                params = dict(urllib.parse.parse_qsl(raw))
            params.update(dict(urllib.parse.parse_qsl(url.query)))
            for key in JSON_FIELDS:
                if isinstance(params.get(key), str) and params[key][:1] in "[{":
                    params[key] = json.loads(params[key])
            self._handle(url.path, params)

        def _handle(self, path: str, params: dict[str, Any]) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/response/"):
                double.record(Call("response_url", params, headers))
                return self._send(200, b"ok", "text/plain")
            method = path.removeprefix("/api/")
            token = BOT_TOKEN if method != "apps.connections.open" else APP_TOKEN
            if headers.get("authorization") != f"Bearer {token}":
                double.record(Call(method, params, headers, ok=False))
                return self._send_json(200, {"ok": False, "error": "invalid_auth"})
            retry_after = double.rate_limited.pop(method, None)
            if retry_after is not None:
                double.record(Call(method, params, headers, status=429, ok=False))
                return self._send_json(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
            reply = double.answer(method, params)
            double.record(Call(method, params, headers, ok=reply["ok"]))
            self._send_json(200, reply)

        def _send_json(self, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json; charset=utf-8", extra)

        def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


# -- what Slack sends the bot -------------------------------------------------------------------------
def signed_headers(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def event_body(event: dict[str, Any], event_id: str) -> bytes:
    envelope = {
        "token": "deprecated-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0APP001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }
    return json.dumps(envelope).encode()


def message_event(message: dict[str, Any], channel: str, kind: str = "message", channel_type: str = "channel") -> dict:
    event = {**message, "type": kind, "channel": channel, "event_ts": message["ts"]}
    if kind == "message":
        event["channel_type"] = channel_type
    return event


def command_body(text: str, response_url: str, command: str = "/r2p", channel: str = CHANNEL) -> bytes:
    fields = {
        "token": "deprecated-verification-token",
        "team_id": TEAM,
        "channel_id": channel,
        "user_id": ASKER,
        "user_name": "asker",
        "command": command,
        "text": text,
        "api_app_id": "A0APP001",
        "response_url": response_url,
        "trigger_id": "1111.2222.trigger",
    }
    return urllib.parse.urlencode(fields).encode()


def block_actions(
    button: dict[str, Any], response_url: str, message: dict[str, Any] | None = None, channel: str = CHANNEL
) -> dict[str, Any]:
    """A click on `button`; `message=None` means the button sat on an ephemeral (private) message."""
    container: dict[str, Any] = {"type": "message", "channel_id": channel, "is_ephemeral": message is None}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": ASKER, "username": "asker", "team_id": TEAM},
        "api_app_id": "A0APP001",
        "team": {"id": TEAM, "domain": "test"},
        "channel": {"id": channel, "name": "general"},
        "container": container,
        "trigger_id": "3333.4444.trigger",
        "response_url": response_url,
        "actions": [{**button, "block_id": "answer", "action_ts": str(time.time())}],
    }
    if message is not None:
        container["message_ts"] = message["ts"]
        payload["message"] = message
    return payload


def interaction_body(payload: dict[str, Any]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()


def find_button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["action_id"] == action_id:
                return element
    raise AssertionError(f"no button {action_id!r} in {[b.get('type') for b in blocks]}")


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST on loopback, never through a proxy; returns (status, body) for any status."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
