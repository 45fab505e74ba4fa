"""A raw ASGI driver, and bridges that let the WSGI test suites run through the ASGI adapter.

The driver sends exactly the scope and messages a test gives, so it shows
what a client library would hide: repeated headers, message order, what
the app received, ``websocket.http.response`` versus a close.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware

Message = dict[str, Any]
RawHeaders = list[tuple[bytes, bytes]]


@dataclass
class Exchange:
    """What the middleware sent back, message by message."""

    sent: list[Message] = field(default_factory=list)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in self.sent[0].get("headers", [])]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"].endswith(".body"))

    def get(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def http_scope(
    method: str = "GET", path: str = "/", headers: RawHeaders | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers or [],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        **extra,
    }


def run(app: Any, scope: dict[str, Any], incoming: Iterable[Message] = ()) -> Exchange:
    """Run one ASGI call to completion; ``incoming`` are the messages ``receive`` returns, in order."""
    exchange = Exchange()
    queue = list(incoming) or [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        await asyncio.sleep(3600)  # a real server waits for the client; the test ends first
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        exchange.sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=10))
    return exchange


def request(app: Any, method: str = "GET", path: str = "/", **headers: str) -> Exchange:
    """One HTTP request; ``headers`` as ``origin="..."`` (underscores become dashes)."""
    raw = [(k.replace("_", "-").lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
    return run(app, http_scope(method, path, raw))


def wsgi_as_asgi(wsgi_app: Callable[..., Iterable[bytes]]) -> Callable[..., Any]:
    """The WSGI test app as an ASGI app (run inline: the tests' apps never block)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        environ = _environ(scope, body)
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        result = wsgi_app(environ, start_response)
        try:
            chunks = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
        await send({"type": "http.response.start", "status": int(status[:3]), "headers": raw})
        await send({"type": "http.response.body", "body": chunks})

    return app


def _environ(scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        "PATH_INFO": scope["path"],
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in scope["headers"]:
        key = name.decode("latin-1").upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]}, {text}" if key in environ else text
    return environ


class ASGIAsWSGI:
    """The ASGI adapter around a WSGI app, seen as a WSGI app: the WSGI suites run through it.

    Attributes (``reconfigure``, ``policy``) are the ASGI middleware's. Header
    names come back lower-cased, as ASGI requires.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], **options: Any) -> None:
        self.asgi = ASGIMiddleware(wsgi_as_asgi(app), **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.asgi, name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers = [
            (key[5:].replace("_", "-").lower().encode("latin-1"), value.encode("latin-1"))
            for key, value in environ.items()
            if key.startswith("HTTP_") and isinstance(value, str)
        ]
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers.append((key.replace("_", "-").lower().encode(), environ[key].encode("latin-1")))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length and "wsgi.input" in environ else b""
        scope = http_scope(
            environ["REQUEST_METHOD"],
            environ.get("PATH_INFO", ""),
            headers,
            root_path=environ.get("SCRIPT_NAME", ""),
            scheme=environ.get("wsgi.url_scheme", "http"),
        )
        exchange = run(self.asgi, scope, [{"type": "http.request", "body": body, "more_body": False}])
        status = exchange.status
        start_response(f"{status} {_REASONS.get(status, 'Status')}", exchange.headers)
        return [exchange.body]


_REASONS = {200: "OK", 204: "No Content", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}
