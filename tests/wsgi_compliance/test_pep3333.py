"""PEP 3333 on both sides of the middleware, on every response path.

``wsgiref.validate`` wraps the application (is the middleware a correct
server to it?) and the middleware (is it a correct application to the
server?); with warnings as errors any violation fails the test.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from cors_wsgi import CORSMiddleware
from tests.wsgi_server import Server

ORIGIN = "https://app.example.com"
Environ = dict[str, Any]


def hello(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def failing(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
    raise RuntimeError("the app failed")


PREFLIGHT = {"ORIGIN": ORIGIN, "ACCESS_CONTROL_REQUEST_METHOD": "PUT"}
PATHS: dict[str, tuple[dict[str, Any], str, dict[str, str], str]] = {
    "allowed": ({}, "GET", {"ORIGIN": ORIGIN}, "200"),
    "refused": ({}, "GET", {"ORIGIN": "https://evil.example"}, "200"),
    "no-origin": ({}, "GET", {}, "200"),
    "preflight-granted": ({}, "OPTIONS", PREFLIGHT, "204"),
    "preflight-granted-200": ({"preflight_status": 200}, "OPTIONS", PREFLIGHT, "200"),
    "preflight-refused": ({}, "OPTIONS", {**PREFLIGHT, "ORIGIN": "https://evil.example"}, "403"),
    "preflight-passthrough": ({"preflight_passthrough": True}, "OPTIONS", PREFLIGHT, "200"),
    "no-resource-match": ({"resources": {"/other/*": {}}}, "OPTIONS", PREFLIGHT, "200"),
    "debug-header": ({"debug": True}, "GET", {"ORIGIN": "https://evil.example"}, "200"),
}


@pytest.mark.parametrize(("options", "method", "headers", "status"), PATHS.values(), ids=PATHS)
def test_every_path_is_valid_wsgi_on_both_sides(
    options: dict[str, Any], method: str, headers: dict[str, str], status: str
) -> None:
    app = validator(
        CORSMiddleware(validator(hello), allow_origins=[ORIGIN], allow_methods=["PUT"], **options)
    )
    server = Server()
    server.run(app, method, **headers)
    assert server.status.startswith(status)


def test_catch_exceptions_answers_a_valid_500_with_cors_headers_and_exc_info() -> None:
    app = validator(CORSMiddleware(validator(failing), allow_origins=[ORIGIN], catch_exceptions=True))
    server = Server()
    body = server.run(app, "GET", ORIGIN=ORIGIN)
    assert server.status.startswith("500")
    assert ("Access-Control-Allow-Origin", ORIGIN) in server.headers
    assert server.exc_info is not None
    assert body == b"Internal Server Error\n"


def test_without_catch_exceptions_the_error_reaches_the_server() -> None:
    app = CORSMiddleware(failing, allow_origins=[ORIGIN])
    with pytest.raises(RuntimeError, match="the app failed"):
        Server().run(app, "GET", ORIGIN=ORIGIN)


def test_exc_info_from_the_app_is_forwarded_with_cors_headers() -> None:
    def recovering(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("late failure")
        except ValueError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error"]

    server = Server()
    server.run(validator(CORSMiddleware(validator(recovering), allow_origins=[ORIGIN])), ORIGIN=ORIGIN)
    assert server.status.startswith("500")
    assert server.exc_info is not None
    assert server.exc_info[0] is ValueError
    assert ("Access-Control-Allow-Origin", ORIGIN) in server.headers


def test_the_write_callable_reaches_the_server() -> None:
    def writer(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    server = Server()
    body = server.run(CORSMiddleware(writer, allow_origins=[ORIGIN]), ORIGIN=ORIGIN)
    assert body == b"written returned"
    assert ("Access-Control-Allow-Origin", ORIGIN) in server.headers


def test_streaming_body_is_not_buffered() -> None:
    """The first chunk reaches the server before the app produces the second."""
    produced: list[str] = []

    def streaming(environ: Environ, start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        produced.append("first")
        yield b"first"
        produced.append("second")
        yield b"second"

    environ: Environ = {"REQUEST_METHOD": "GET", "HTTP_ORIGIN": ORIGIN}
    setup_testing_defaults(environ)
    server = Server()
    chunks = iter(CORSMiddleware(streaming, allow_origins=[ORIGIN])(environ, server.start_response))
    assert next(chunks) == b"first"
    assert produced == ["first"]
    assert list(chunks) == [b"second"]


class Closing:
    """An app iterable that records whether the server closed it."""

    def __init__(self, fail: bool = False) -> None:
        self.closed = False
        self.fail = fail

    def __iter__(self) -> Iterator[bytes]:
        yield b"part"
        if self.fail:
            raise OSError("client went away")

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("origin", "fail"), [(ORIGIN, False), ("https://evil.example", False), (None, False), (ORIGIN, True)]
)
def test_close_always_reaches_the_apps_iterable(origin: str | None, fail: bool) -> None:
    body = Closing(fail)

    def app(environ: Environ, start_response: Callable[..., Any]) -> Closing:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    headers = {"ORIGIN": origin} if origin else {}
    if fail:
        with pytest.raises(OSError, match="client went away"):
            Server().run(CORSMiddleware(app, allow_origins=[ORIGIN]), **headers)
    else:
        Server().run(validator(CORSMiddleware(app, allow_origins=[ORIGIN])), **headers)
    assert body.closed
