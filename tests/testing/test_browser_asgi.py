"""``Browser`` against ASGI apps: a raw one, a class with ``async def __call__``, and Starlette's."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest

from cors_wsgi.testing import Browser

APP_ORIGIN = "https://app.example.com"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def cors_headers(scope: Message) -> list[tuple[bytes, bytes]]:
    """Grants APP_ORIGIN with credentials, PUT and Content-Type, exposing X-Total-Count."""
    headers = dict(scope["headers"])
    if headers.get(b"origin") != APP_ORIGIN.encode():
        return [(b"vary", b"Origin")]
    granted = [
        (b"access-control-allow-origin", APP_ORIGIN.encode()),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
    ]
    if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
        return [
            *granted,
            (b"access-control-allow-methods", b"PUT"),
            (b"access-control-allow-headers", b"content-type"),
        ]
    return [*granted, (b"access-control-expose-headers", b"X-Total-Count")]


seen: list[dict[str, Any]] = []


async def raw_app(scope: Message, receive: Receive, send: Send) -> None:
    """Echoes the request, in a body sent in two messages."""
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    seen.append({**scope, "body": body})
    reply = json.dumps({"method": scope["method"], "path": scope["path"], "body": body.decode()}).encode()
    headers = [(b"content-type", b"application/json"), (b"x-total-count", b"3"), (b"x-internal", b"no")]
    await send({"type": "http.response.start", "status": 200, "headers": headers + cors_headers(scope)})
    await send({"type": "http.response.body", "body": reply[:5], "more_body": True})
    await send({"type": "http.response.body", "body": reply[5:]})


class ClassApp:
    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        await raw_app(scope, receive, send)


@pytest.mark.parametrize("app", [raw_app, ClassApp()], ids=["function", "class"])
def test_an_asgi_app_is_detected_and_judged_as_a_browser_would(app: Any) -> None:
    r = Browser(app).fetch(
        "/items?x=1", method="PUT", headers={"Content-Type": "application/json"}, body=b'{"a": 1}'
    )
    assert r.allowed, r.explanation
    assert r.preflight is not None
    assert r.preflight.response.status == 200
    assert json.loads(r.body) == {"method": "PUT", "path": "/items", "body": '{"a": 1}'}
    assert r.readable_headers == {"content-type", "x-total-count"}


def test_the_asgi_scope_is_the_one_a_server_builds() -> None:
    seen.clear()
    Browser(raw_app, base_url="https://api.example.com:8443").fetch("/a%20b?q=%2F", method="POST", body="hi")
    scope = seen[-1]
    assert (scope["type"], scope["method"], scope["scheme"]) == ("http", "POST", "https")
    assert (scope["path"], scope["raw_path"], scope["query_string"]) == ("/a b", b"/a%20b", b"q=%2F")
    headers = dict(scope["headers"])
    assert headers[b"host"] == b"api.example.com:8443"
    assert headers[b"origin"] == APP_ORIGIN.encode()
    assert headers[b"content-type"] == b"text/plain;charset=UTF-8"
    assert headers[b"content-length"] == b"2"
    assert all(name == name.lower() for name, _ in scope["headers"])
    assert scope["body"] == b"hi"


def test_a_refused_origin_cannot_read_an_asgi_response() -> None:
    r = Browser(raw_app, origin="https://evil.example").fetch("/")
    assert (r.allowed, r.reason, r.body) == (False, "acao-missing", b"")


def test_a_header_the_asgi_preflight_does_not_list_blocks_the_request() -> None:
    seen.clear()
    r = Browser(raw_app).fetch("/", method="PUT", headers={"X-Api-Key": "k"})
    assert (r.allowed, r.reason) == (False, "header-not-listed")
    assert [scope["method"] for scope in seen] == ["OPTIONS"]


def test_an_asgi_app_that_never_responds_is_an_error() -> None:
    async def silent(scope: Message, receive: Receive, send: Send) -> None:
        return None

    with pytest.raises(RuntimeError, match=r"http\.response\.start"):
        Browser(silent).fetch("/")


def test_asgi_can_be_forced_for_a_callable_that_hides_its_coroutine() -> None:
    def wrapped(scope: Message, receive: Receive, send: Send) -> Awaitable[None]:
        return raw_app(scope, receive, send)

    assert Browser(wrapped, asgi=True).fetch("/").allowed


def test_starlette_with_its_own_cors_middleware_streams_and_is_judged() -> None:
    starlette = pytest.importorskip("starlette")
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    async def items(request: Any) -> StreamingResponse:
        async def chunks() -> Any:
            for part in (b"[1,", b"2]"):
                yield part

        return StreamingResponse(chunks(), headers={"X-Total-Count": "2"}, media_type="application/json")

    app = Starlette(
        routes=[Route("/items", items, methods=["GET", "PUT"])],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=[APP_ORIGIN],
                allow_methods=["GET", "PUT"],
                allow_credentials=True,
                expose_headers=["X-Total-Count"],
            )
        ],
    )
    assert starlette.__version__
    allowed = Browser(app).fetch("/items", method="PUT", credentials="include")
    assert allowed.allowed, allowed.explanation
    assert allowed.body == b"[1,2]"
    assert "x-total-count" in allowed.readable_headers
    refused = Browser(app).fetch("/items", method="DELETE")
    assert (refused.allowed, refused.reason, refused.status) == (False, "preflight-status", 400)
