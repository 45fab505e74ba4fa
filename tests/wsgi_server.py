"""A stand-in WSGI server that keeps exactly what the application gave it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.util import setup_testing_defaults

Headers = list[tuple[str, str]]


class Server:
    """The server side of one request: status, headers, exc_info (of each call and the last) and writes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Headers, Any]] = []
        self.status = ""
        self.headers: Headers = []
        self.exc_info: Any = None
        self.written: list[bytes] = []

    def start_response(self, status: str, headers: Headers, exc_info: Any = None) -> Any:
        self.calls.append((status, headers, exc_info))
        self.status, self.headers, self.exc_info = status, headers, exc_info
        return self.written.append

    def run(
        self,
        app: Callable[..., Iterable[bytes]],
        method: str = "GET",
        path: str = "/api/items",
        **headers: str,
    ) -> bytes:
        """Call ``app`` as a server would; ``headers`` are named as in the environ, without ``HTTP_``."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
        }
        setup_testing_defaults(environ)
        environ.update({f"HTTP_{name}": value for name, value in headers.items()})
        iterable = app(environ, self.start_response)
        try:
            return b"".join([*self.written, *iterable])
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
