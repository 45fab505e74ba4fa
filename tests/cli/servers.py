"""Real HTTP servers on 127.0.0.1 that answer CORS right or in one wrong way each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from wsgiref.simple_server import WSGIRequestHandler

Headers = list[tuple[str, str]]


class Received(NamedTuple):
    method: str
    headers: dict[str, str]


class ScriptedServer(ThreadingHTTPServer):
    """Answers preflights with one scripted response and everything else with another."""

    daemon_threads = True

    def __init__(self, preflight: tuple[int, Headers], actual: tuple[int, Headers]) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.preflight = preflight
        self.actual = actual
        self.received: list[Received] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/api/items"

    @property
    def methods(self) -> list[str]:
        return [request.method for request in self.received]


class _ScriptedHandler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def _answer(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.received.append(Received(self.command, headers))
        is_preflight = self.command == "OPTIONS" and "access-control-request-method" in headers
        status, response_headers = self.server.preflight if is_preflight else self.server.actual
        self.send_response(status)
        for name, value in response_headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def __getattr__(self, name: str) -> Any:
        # Any method, including lower-case ones such as "patch", reaches _answer.
        if name.startswith("do_"):
            return self._answer
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_in_thread(server: Any) -> Callable[[], None]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return stop


class QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Result(NamedTuple):
    status: int
    out: str
    err: str
