"""A stand-in WSGI server that keeps exactly what ``start_response`` received."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Headers = list[tuple[str, str]]


class Capture:
    """The server side of one call: what start_response received, and the body."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Headers, Any]] = []

    def start_response(self, status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], None]:
        self.calls.append((status, headers, exc_info))
        return lambda data: None

    def run(self, app: Callable[..., Iterable[bytes]], **environ: str) -> bytes:
        base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "api", "SERVER_PORT": "80"}
        body = app({**base, **environ}, self.start_response)
        try:
            return b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
