"""Loopback servers for the browser tests: a front page and an API on another origin.

The front server answers on ``localhost`` and ``127.0.0.1`` with the same port,
so one page is an allowed origin (``http://localhost:PORT``) and the other a
refused one; the API runs on ``localhost`` at another port. Both origins of
the allowed page share the site ``localhost``, so the browser sends the
API's cookies without any third-party cookie rule getting in the way.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Browser traffic is not test output."""


@contextmanager
def serve(app: WSGIApp) -> Iterator[int]:
    """Serve ``app`` on 127.0.0.1 at a free port until the block ends; yields the port."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def front_page(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [b"<!doctype html><title>front</title><p>front page</p>"]


def api(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Echoes what reached it, and sets one exposed and one unexposed header."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = {
        "method": environ["REQUEST_METHOD"],
        "cookie": environ.get("HTTP_COOKIE"),
        "authorization": environ.get("HTTP_AUTHORIZATION"),
        "body": environ["wsgi.input"].read(length).decode() if length else "",
    }
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("X-Total", "42"), ("X-Secret", "hidden")]
    )
    return [json.dumps(body).encode()]


class Counting:
    """Counts the requests (preflights apart) that reach the wrapped app, per path."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.preflights: Counter[str] = Counter()
        self.requests: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        with self.lock:
            if environ["REQUEST_METHOD"] == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
                self.preflights[path] += 1
            else:
                self.requests[environ["REQUEST_METHOD"], path] += 1
        return self.app(environ, start_response)


def flask_api(allowed_origin: str) -> WSGIApp:
    """The same API as ``api``, as a Flask app behind ``flask_ext.CORS``."""
    from flask import Flask, request

    from flask_ext import CORS

    app = Flask(__name__)
    CORS(
        app,
        origins=[allowed_origin],
        methods=["GET", "POST", "PUT"],
        allow_headers=["Content-Type", "Authorization", "X-Requested-With"],
        supports_credentials=True,
        expose_headers=["X-Total"],
        max_age=600,
        resources={"/nocache/*": {"max_age": 0}, "/*": {}},
    )

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def echo(path: str) -> tuple[dict[str, Any], dict[str, str]]:
        body = {
            "method": request.method,
            "cookie": request.headers.get("Cookie"),
            "authorization": request.headers.get("Authorization"),
            "body": request.get_data(as_text=True),
        }
        return body, {"X-Total": "42", "X-Secret": "hidden"}

    return app
