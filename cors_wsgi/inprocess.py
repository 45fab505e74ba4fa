"""Sending one HTTP request to a WSGI or ASGI application in process, as a server would.

``cors_wsgi.testing`` runs the browser model (``cors_wsgi.browser``) against an
application without a socket; these functions are its transports. The request
is built as a real server builds it (PEP 3333 environ, ASGI HTTP scope), so the
application routes and parses it exactly as in production.
"""

from __future__ import annotations

import asyncio
import inspect
import io
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import unquote_to_bytes
from wsgiref.util import setup_testing_defaults

from .browser import Response
from .decision import Header
from .urls import URL

ASGIMessage = MutableMapping[str, Any]
ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[ASGIMessage]],
        Callable[[ASGIMessage], Awaitable[None]],
    ],
    Awaitable[None],
]

#: Headers a server puts in the environ without the ``HTTP_`` prefix (PEP 3333).
_UNPREFIXED = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


def is_asgi(app: object) -> bool:
    """An ASGI app is a coroutine function, or an object whose ``__call__`` is one.

    Every type has a ``__call__`` (its metaclass's, for a function or an object
    that is not callable), and none of those is a coroutine function.
    """
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(type(app).__call__)


def _joined(headers: Sequence[Header]) -> dict[str, str]:
    """Header values by lower-case name, repeated ones joined as a server joins them."""
    joined: dict[str, str] = {}
    for name, value in headers:
        lower = name.lower()
        separator = "; " if lower == "cookie" else ", "
        joined[lower] = joined[lower] + separator + value if lower in joined else value
    return joined


def _with_length(method: str, headers: Sequence[Header], body: bytes) -> list[Header]:
    """A browser sends Content-Length whenever there is a body, and for an empty POST or PUT."""
    if body or method in ("POST", "PUT"):
        return [*headers, ("Content-Length", str(len(body)))]
    return list(headers)


def wsgi_environ(url: URL, method: str, headers: Sequence[Header], body: bytes = b"") -> dict[str, Any]:
    """The PEP 3333 environ a server builds for this request."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(url.path).decode("latin-1"),
        "QUERY_STRING": url.query or "",
        "SERVER_NAME": url.connect_host,
        "SERVER_PORT": str(url.connect_port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": url.authority,
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in _joined(_with_length(method, headers, body)).items():
        environ[_UNPREFIXED.get(name) or "HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    return environ


def call_wsgi(
    app: Callable[..., Any], url: URL, method: str, headers: Sequence[Header], body: bytes = b""
) -> Response:
    """Call a WSGI app once and return its whole response (``write()`` output included)."""
    started: list[Response] = []
    written: list[bytes] = []

    def start_response(status: str, response_headers: list[Header], exc_info: Any = None) -> Any:
        if started and exc_info is None:
            raise RuntimeError("start_response was called twice without exc_info (PEP 3333)")
        started[:] = [Response(int(status.split()[0]), tuple(response_headers))]
        return written.append

    chunks = app(wsgi_environ(url, method, headers, body), start_response)
    try:
        for chunk in chunks:
            written.append(chunk)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    if not started:
        raise RuntimeError("the WSGI application returned without calling start_response")
    return started[0]._replace(body=b"".join(written))


def asgi_scope(url: URL, method: str, headers: Sequence[Header]) -> dict[str, Any]:
    """The ASGI HTTP connection scope a server builds for this request."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": url.scheme,
        "path": unquote_to_bytes(url.path).decode("utf-8", "replace"),
        "raw_path": url.path.encode("ascii"),
        "query_string": (url.query or "").encode("ascii"),
        "root_path": "",
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in [("Host", url.authority), *headers]
        ],
        "client": ("127.0.0.1", 50000),
        "server": (url.connect_host, url.connect_port),
        "state": {},
    }


async def _drive_asgi(app: ASGIApp, scope: dict[str, Any], body: bytes) -> Response:
    done = asyncio.Event()
    request_sent = False
    started: list[Response] = []
    chunks: list[bytes] = []

    async def receive() -> ASGIMessage:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        # The client stays connected until the whole response is sent, as a real one does.
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: ASGIMessage) -> None:
        if message["type"] == "http.response.start":
            headers = tuple(
                (bytes(n).decode("latin-1"), bytes(v).decode("latin-1")) for n, v in message["headers"]
            )
            started.append(Response(int(message["status"]), headers))
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body"):  # absent means False (ASGI)
                done.set()

    await app(scope, receive, send)
    done.set()
    if not started:
        raise RuntimeError("the ASGI application returned without sending http.response.start")
    return started[0]._replace(body=b"".join(chunks))


def call_asgi(app: ASGIApp, url: URL, method: str, headers: Sequence[Header], body: bytes = b"") -> Response:
    """Run an ASGI app for one request, on an event loop of its own, and return its response."""
    scope = asgi_scope(url, method, _with_length(method, headers, body))
    return asyncio.run(_drive_asgi(app, scope, body))
