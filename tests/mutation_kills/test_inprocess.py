"""``cors_wsgi.inprocess``: the request an app gets in process is the one a server would give it.

The apps here record the PEP 3333 environ or the ASGI scope and messages they
get; the checks are those of the two specifications (and of what a browser
sends), not of how ``inprocess`` builds them.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cors_wsgi.inprocess import call_asgi, call_wsgi, wsgi_environ
from cors_wsgi.testing import Browser
from cors_wsgi.urls import parse as parse_url

ALLOW_ALL = [("Access-Control-Allow-Origin", "*")]
URL = parse_url("http://api.example.net:8080/items")


class WSGIRecorder:
    def __init__(self) -> None:
        self.environs: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        self.environs.append(environ)
        start_response("200 OK", ALLOW_ALL)
        return [b"ok"]


class ASGIRecorder:
    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        message = await receive()
        self.received.append(message)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"access-control-allow-origin", b"*")],
            }
        )
        await send({"type": "http.response.body", "body": message.get("body", b"")})
        # After the whole response, a client that stays connected is only seen to leave.
        self.received.append(await receive())


def test_the_wsgi_environ_has_what_a_http_1_1_server_sets() -> None:
    app = WSGIRecorder()
    Browser(app).fetch("/items")

    (environ,) = app.environs
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    ipaddress.ip_address(environ["REMOTE_ADDR"])  # a client address, as every server gives
    assert environ["QUERY_STRING"] == ""


def test_repeated_request_headers_reach_a_wsgi_app_joined_with_commas() -> None:
    app = WSGIRecorder()
    Browser(app).fetch("/items", headers=[("Accept-Language", "en"), ("Accept-Language", "fr")])

    assert app.environs[0]["HTTP_ACCEPT_LANGUAGE"] == "en, fr"


def test_repeated_cookie_headers_are_joined_as_one_cookie_list() -> None:
    environ = wsgi_environ(URL, "GET", [("Cookie", "a=1"), ("Cookie", "b=2"), ("Accept", "*/*")])

    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_ACCEPT"] == "*/*"
    assert environ["wsgi.input"].read() == b""


def test_an_empty_post_carries_content_length_zero_as_a_browser_sends_it() -> None:
    app = WSGIRecorder()
    Browser(app).fetch("/items", method="POST")

    assert app.environs[-1]["CONTENT_LENGTH"] == "0"


def test_a_non_ascii_path_reaches_a_wsgi_app_as_latin_1_bytes() -> None:
    app = WSGIRecorder()
    Browser(app).fetch("/caf%C3%A9")

    assert app.environs[0]["PATH_INFO"].encode("latin-1") == "/café".encode()


def test_a_wsgi_call_without_a_body_gives_the_app_an_empty_input() -> None:
    bodies: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        bodies.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return []

    call_wsgi(app, URL, "GET", [])

    assert bodies == [b""]


def test_start_response_twice_without_exc_info_is_an_error_of_the_app() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [])
        start_response("500 Internal Server Error", [])
        return []

    with pytest.raises(RuntimeError) as raised:
        call_wsgi(app, URL, "GET", [])

    assert str(raised.value) == "start_response was called twice without exc_info (PEP 3333)"


def test_start_response_again_with_exc_info_replaces_the_response() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("X-Partial", "1")])
        try:
            raise ValueError("failed while answering")
        except ValueError:
            start_response("500 Internal Server Error", [("X-Error", "1")], sys.exc_info())
        return [b"error page"]

    response = call_wsgi(app, URL, "GET", [])

    assert (response.status, response.headers, response.body) == (500, (("X-Error", "1"),), b"error page")


def test_the_apps_iterable_is_closed_after_the_response_is_read() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b"a"
            yield b"b"

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Body:
        start_response("200 OK", [])
        return Body()

    response = call_wsgi(app, URL, "GET", [])

    assert response.body == b"ab"
    assert closed == [True]


def test_a_wsgi_app_that_never_starts_a_response_is_an_error() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        return []

    with pytest.raises(RuntimeError) as raised:
        call_wsgi(app, URL, "GET", [])

    assert str(raised.value) == "the WSGI application returned without calling start_response"


def test_the_asgi_scope_has_the_keys_and_values_of_an_asgi_3_http_scope() -> None:
    app = ASGIRecorder()
    Browser(app).fetch("http://api.example.net:8080/items")

    (scope,) = app.scopes
    # ASGI HTTP connection scope (spec 2.x): every key, with its type.
    assert set(scope) == {
        "type", "asgi", "http_version", "method", "scheme", "path", "raw_path",
        "query_string", "root_path", "headers", "client", "server", "state",
    }  # fmt: skip
    assert scope["asgi"]["version"] == "3.0"
    assert scope["asgi"]["spec_version"].startswith("2.")
    assert scope["http_version"] == "1.1"
    assert scope["root_path"] == ""
    assert scope["query_string"] == b""
    assert scope["state"] == {}
    host, port = scope["client"]
    ipaddress.ip_address(host)
    assert 0 < port < 65536
    assert scope["server"] == ("api.example.net", 8080)
    assert scope["headers"][0] == (b"host", b"api.example.net:8080")


def test_a_path_that_is_not_utf_8_reaches_an_asgi_app_with_replacement_characters() -> None:
    app = ASGIRecorder()
    Browser(app).fetch("/caf%E9")

    assert app.scopes[0]["path"] == "/caf\ufffd"
    assert app.scopes[0]["raw_path"] == b"/caf%E9"


def test_an_asgi_app_receives_the_body_once_then_a_disconnect_after_its_response() -> None:
    app = ASGIRecorder()
    response = call_asgi(app, URL, "POST", [], b"payload")

    assert response.body == b"payload"
    assert [message["type"] for message in app.received] == ["http.request", "http.disconnect"]
    assert app.received[0]["body"] == b"payload"
