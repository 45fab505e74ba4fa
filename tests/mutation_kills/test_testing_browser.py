"""``cors_wsgi.testing.Browser``: what fetch() refuses to send, fetch()'s defaults, and the ASGI
exchange as a connected client drives it (mutation kills)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware
from cors_wsgi.errors import ConfigError
from cors_wsgi.inprocess import call_asgi, call_wsgi, is_asgi
from cors_wsgi.testing import Browser
from cors_wsgi.urls import URLError
from cors_wsgi.urls import parse as parse_url

APP = "https://app.example.com"
URL = parse_url("http://api.example.net/items")


class Recorder:
    def __init__(self) -> None:
        self.environs: list[dict[str, Any]] = []
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        self.environs.append(environ)
        self.bodies.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def browser_for(app: Recorder) -> Browser:
    return Browser(CORSMiddleware(app, allow_origins=[APP], allow_methods=["PUT"]), origin=APP)


@pytest.mark.parametrize(
    ("fetch", "option", "value", "problem", "fix"),
    [
        (
            {"credentials": "all"},
            "credentials",
            "all",
            "is not a fetch() credentials mode",
            "use 'omit', 'same-origin' or 'include'",
        ),
        (
            {"method": "TRACE"},
            "method",
            "TRACE",
            "is not a method fetch() can send",
            "use a method such as GET or PUT",
        ),
        (
            {"url": APP + "/items"},
            "url",
            APP + "/items",
            f"has the page's origin {APP}, so CORS does not apply",
            "fetch the app's URL",
        ),
        (
            {"headers": {"X-Name": "caf\u00e9"}},
            "headers",
            ("X-Name", "caf\u00e9"),
            "is not a header fetch() can send",
            "use an ASCII name and value",
        ),
        (
            {"headers": {"Cookie": "a=1"}},
            "headers",
            "Cookie",
            "is a forbidden request header: the browser sets it, script cannot",
            "pass cookies= and credentials='include' for cookies",
        ),
        (
            {"headers": {"Host": "a.example"}},
            "headers",
            "Host",
            "is a forbidden request header: the browser sets it, script cannot",
            "drop it",
        ),
    ],
)
def test_what_fetch_would_refuse_is_a_config_error_with_its_fix(
    fetch: dict[str, Any], option: str, value: object, problem: str, fix: str
) -> None:
    app = Recorder()
    with pytest.raises(ConfigError) as raised:
        browser_for(app).fetch(**fetch)

    error = raised.value
    assert (error.option, error.value, error.problem, error.fix) == (option, value, problem, fix)
    assert app.environs == []


def test_a_url_that_does_not_parse_is_an_error_of_the_url_option() -> None:
    with pytest.raises(ConfigError) as raised:
        browser_for(Recorder()).fetch("http://[::1")

    assert (raised.value.option, raised.value.value) == ("url", "http://[::1")
    assert raised.value.fix == "give an http(s) URL or a path such as /api/items"


def test_fetch_without_arguments_gets_the_root_of_the_app() -> None:
    app = Recorder()
    browser_for(app).fetch()

    assert [(e["REQUEST_METHOD"], e["PATH_INFO"]) for e in app.environs] == [("GET", "/")]


def test_a_post_without_body_sends_an_empty_body_and_no_content_type() -> None:
    app = Recorder()
    browser_for(app).fetch("/items", method="POST")

    assert app.bodies == [b""]
    assert "CONTENT_TYPE" not in app.environs[0]


def test_a_bytes_body_gets_no_content_type_and_a_str_body_keeps_the_one_given() -> None:
    raw, form = Recorder(), Recorder()
    browser_for(raw).fetch("/items", method="POST", body=b"\x00\x01")
    browser_for(form).fetch(
        "/items",
        method="POST",
        body="a=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert "CONTENT_TYPE" not in raw.environs[0]
    assert raw.bodies == [b"\x00\x01"]
    assert form.environs[0]["CONTENT_TYPE"] == "application/x-www-form-urlencoded"


def test_a_get_without_body_carries_no_content_length_and_an_empty_put_carries_zero() -> None:
    got, put = Recorder(), Recorder()
    browser_for(got).fetch("/items")
    call_wsgi(put, URL, "PUT", [])

    assert "CONTENT_LENGTH" not in got.environs[0]
    assert put.environs[0]["CONTENT_LENGTH"] == "0"


def test_the_explanation_has_no_trailing_newline() -> None:
    r = browser_for(Recorder()).fetch("/items")

    assert r.explanation
    assert not r.explanation.endswith("\n")


def test_an_object_that_is_not_callable_is_not_an_asgi_app() -> None:
    assert is_asgi(object()) is False


class Streaming:
    """Streams three chunks while a task listens for the client leaving, as streaming responses do."""

    def __init__(self, final: dict[str, Any]) -> None:
        self.final = final
        self.request: dict[str, Any] = {}
        self.left_after: list[int] = []
        self.sent = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.request = await receive()

        async def listen() -> None:
            await receive()
            self.left_after.append(self.sent)

        listener = asyncio.ensure_future(listen())
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        for chunk in (b"a", b"b"):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            self.sent += 1
            await asyncio.sleep(0)
        await send(self.final)
        self.sent += 1
        await listener


def test_an_asgi_client_stays_connected_until_the_last_body_message() -> None:
    app = Streaming({"type": "http.response.body", "body": b"c"})
    response = call_asgi(app, URL, "POST", [], b"payload")

    assert response.body == b"abc"
    assert app.left_after == [3]
    assert app.request == {"type": "http.request", "body": b"payload", "more_body": False}


def test_a_body_message_without_a_body_adds_nothing() -> None:
    app = Streaming({"type": "http.response.body"})
    response = call_asgi(app, URL, "GET", [])

    assert response.body == b"ab"
    assert app.request["body"] == b""


def test_an_empty_post_to_an_asgi_app_carries_content_length_zero() -> None:
    scopes: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scopes.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body"})

    call_asgi(app, URL, "POST", [])

    assert (b"content-length", b"0") in scopes[0]["headers"]


def test_an_asgi_app_that_never_starts_a_response_is_an_error() -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()

    with pytest.raises(RuntimeError) as raised:
        call_asgi(app, URL, "GET", [])

    assert str(raised.value) == "the ASGI application returned without sending http.response.start"


def test_a_null_origin_page_is_a_page_browsers_have() -> None:
    app = Recorder()
    r = Browser(CORSMiddleware(app, allow_origins=["null"]), origin="null").fetch("/items")

    assert r.allowed
    assert app.environs[0]["HTTP_ORIGIN"] == "null"


def test_an_origin_browsers_never_send_is_a_config_error_with_its_fix() -> None:
    with pytest.raises(ConfigError) as raised:
        Browser(Recorder(), origin="https://App.example.com/")

    error = raised.value
    assert (error.option, error.value, error.problem, error.fix) == (
        "origin",
        "https://App.example.com/",
        "is not an origin as browsers send it",
        "give scheme://host[:port] in lower case, without a default port, path or trailing slash",
    )


def test_a_base_url_that_does_not_parse_is_a_config_error_with_the_parsers_reason() -> None:
    with pytest.raises(URLError) as parsing:
        parse_url("http://[::1")
    with pytest.raises(ConfigError) as raised:
        Browser(Recorder(), base_url="http://[::1")

    error = raised.value
    assert (error.option, error.value, error.problem, error.fix) == (
        "base_url",
        "http://[::1",
        str(parsing.value),
        "give an http(s) URL or a path such as /api/items",
    )


def test_an_app_served_from_the_pages_origin_is_a_config_error_with_its_fix() -> None:
    with pytest.raises(ConfigError) as raised:
        Browser(Recorder(), origin=APP, base_url=APP + "/api")

    error = raised.value
    assert (error.option, error.value, error.problem, error.fix) == (
        "base_url",
        APP + "/api",
        f"has the page's origin {APP}, so the browser would not use CORS at all",
        "serve the app from another origin than the page's",
    )


def test_a_preflight_carries_no_body_and_the_request_after_it_does() -> None:
    seen: list[tuple[str, bytes, str | None]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        # Answers its preflights itself, so that they reach it.
        seen.append((environ["REQUEST_METHOD"], environ["wsgi.input"].read(), environ.get("CONTENT_LENGTH")))
        start_response(
            "200 OK", [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT")]
        )
        return [b""]

    r = Browser(app, origin=APP).fetch("/items", method="PUT", body=b"data")

    assert r.allowed
    assert seen == [("OPTIONS", b"", None), ("PUT", b"data", "4")]


def test_a_post_redirected_with_303_becomes_a_get_without_the_body() -> None:
    seen: list[tuple[str, bytes, str | None]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        seen.append((environ["REQUEST_METHOD"], environ["wsgi.input"].read(), environ.get("CONTENT_LENGTH")))
        if environ["PATH_INFO"] == "/form":
            start_response("303 See Other", [("Location", "/done")])
        else:
            start_response("200 OK", [])
        return [b""]

    r = Browser(CORSMiddleware(app, allow_origins=[APP])).fetch("/form", method="POST", body="a=1")

    assert r.allowed
    assert seen == [("POST", b"a=1", "3"), ("GET", b"", None)]


def test_a_head_request_sends_no_body() -> None:
    app = Recorder()
    browser_for(app).fetch("/items", method="HEAD", body=b"data")

    assert app.bodies == [b""]
    assert "CONTENT_LENGTH" not in app.environs[0]


def test_the_content_type_fetch_adds_to_a_text_body_is_shown_as_browsers_spell_it() -> None:
    r = browser_for(Recorder()).fetch("/items", method="POST", body="text")

    sent = [line for line in r.explanation.splitlines() if line.startswith("  > ")]
    assert "  > Content-Type: text/plain;charset=UTF-8" in sent
