"""HTTP mode: one path, `/slack/events`, for the Events API, interactivity and slash commands.

A threaded WSGI server from the standard library around Bolt's WSGI adapter (any WSGI server can
host `wsgi_application(app)` instead); `GET /healthz` answers "ok" for load balancers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)
HTTP_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # request lines only, at debug level
        log.debug("%s %s", self.address_string(), format % args)


def wsgi_application(app: App) -> WsgiApp:
    bolt = SlackRequestHandler(app, path=HTTP_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok"]
        return bolt(environ, start_response)

    return application


class SlackHTTPServer:
    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.httpd = make_server(
            host, port, wsgi_application(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{HTTP_PATH}"

    def serve_forever(self) -> None:
        log.info("listening for Slack on %s", self.url)
        self.httpd.serve_forever()

    def start(self) -> SlackHTTPServer:
        """Serve from a background thread (tests, or embedding next to another server)."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
