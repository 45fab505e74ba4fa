"""WebSocket handshakes: passed by default, refused from foreign pages with check_websocket_origin."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cors_wsgi import Decision, reasons
from cors_wsgi.asgi import CORSMiddleware
from tests.asgi.driver import run

ORIGIN = "https://app.example.com"
EVIL = "https://evil.example"
CONNECT = [{"type": "websocket.connect"}]


class EchoSocket:
    """Accepts every handshake it sees (so a refusal must happen before it)."""

    def __init__(self) -> None:
        self.accepted = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        self.accepted += 1
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})


def handshake(
    origin: str | None,
    host: str = "api.example.com",
    scheme: str = "wss",
    extensions: dict[str, Any] | None = None,
    path: str = "/ws",
) -> dict[str, Any]:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": scheme,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "subprotocols": [],
        "extensions": extensions if extensions is not None else {},
    }


def checked(app: Any, **options: Any) -> CORSMiddleware:
    return CORSMiddleware(app, allow_origins=[ORIGIN], check_websocket_origin=True, **options)


def test_handshakes_pass_through_by_default_whatever_their_origin() -> None:
    app = EchoSocket()
    run(CORSMiddleware(app, allow_origins=[ORIGIN]), handshake(EVIL), CONNECT)
    assert app.accepted == 1


def test_a_foreign_origin_is_refused_with_403_where_the_server_supports_denial_responses() -> None:
    app = EchoSocket()
    exchange = run(checked(app), handshake(EVIL, extensions={"websocket.http.response": {}}), CONNECT)
    assert app.accepted == 0
    assert [m["type"] for m in exchange.sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
    ]
    assert exchange.status == 403
    assert exchange.body == b"WebSocket handshake refused: origin-not-allowed\n"
    assert ("vary", "Origin") in exchange.headers


def test_a_foreign_origin_is_closed_with_1008_where_the_server_cannot_answer_http() -> None:
    app = EchoSocket()
    exchange = run(checked(app), handshake(EVIL), CONNECT)
    assert app.accepted == 0
    assert exchange.sent == [{"type": "websocket.close", "code": 1008}]


@pytest.mark.parametrize(
    "origin", [EVIL, "null", "https://app.example.com.evil.net", "https://app.example.com/"]
)
def test_every_origin_the_policy_refuses_is_refused(origin: str) -> None:
    app = EchoSocket()
    run(checked(app), handshake(origin), CONNECT)
    assert app.accepted == 0


def test_an_allowed_origin_reaches_the_app() -> None:
    app = EchoSocket()
    exchange = run(checked(app), handshake(ORIGIN), CONNECT)
    assert app.accepted == 1
    assert exchange.sent[0] == {"type": "websocket.accept"}


def test_a_handshake_without_origin_passes_it_is_not_from_a_browser() -> None:
    app = EchoSocket()
    run(checked(app), handshake(None), CONNECT)
    assert app.accepted == 1


@pytest.mark.parametrize(
    ("scheme", "host", "origin"),
    [
        ("wss", "api.example.com", "https://api.example.com"),
        ("wss", "api.example.com:443", "https://api.example.com"),
        ("ws", "api.example.com:80", "http://api.example.com"),
        ("ws", "API.Example.com:8080", "http://api.example.com:8080"),
        ("https", "api.example.com", "https://api.example.com"),
    ],
)
def test_the_servers_own_origin_passes_without_being_listed(scheme: str, host: str, origin: str) -> None:
    app = EchoSocket()
    run(checked(app), handshake(origin, host=host, scheme=scheme), CONNECT)
    assert app.accepted == 1


@pytest.mark.parametrize(
    ("scheme", "host", "origin"),
    [
        ("ws", "api.example.com", "https://api.example.com"),  # scheme differs (see the TLS-proxy note)
        ("wss", "api.example.com", "https://api.example.com:8443"),
        ("wss", "api.example.com:8443", "https://api.example.com"),
        ("wss", "", "https://"),
        ("wss", "api.example.com", "https://evil.api.example.com"),
    ],
)
def test_only_the_exact_own_origin_passes(scheme: str, host: str, origin: str) -> None:
    app = EchoSocket()
    run(checked(app), handshake(origin, host=host, scheme=scheme), CONNECT)
    assert app.accepted == 0


def test_a_refused_handshake_is_logged_at_info_with_its_reason_and_seen_by_on_decision(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Decision] = []
    hostile = "https://evil.example\nFAKE LINE"
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        run(checked(EchoSocket(), on_decision=seen.append), handshake(hostile), CONNECT)
    assert [(d.allowed, d.reason) for d in seen] == [(False, reasons.ORIGIN_MALFORMED)]
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert "WebSocket handshake" in record.getMessage()
    assert "reason=origin-malformed" in record.getMessage()
    assert "\n" not in record.getMessage()


def test_path_rules_decide_which_handshakes_are_checked() -> None:
    app = EchoSocket()
    middleware = CORSMiddleware(
        app, resources={"/ws/private/*": {"allow_origins": [ORIGIN]}}, check_websocket_origin=True
    )
    run(middleware, handshake(EVIL, path="/ws/public"), CONNECT)
    assert app.accepted == 1  # no rule governs it: passed through
    run(middleware, handshake(EVIL, path="/ws/private/room"), CONNECT)
    assert app.accepted == 1


def test_a_client_that_leaves_before_the_connect_message_gets_nothing_sent() -> None:
    exchange = run(checked(EchoSocket()), handshake(EVIL), [{"type": "websocket.disconnect", "code": 1001}])
    assert exchange.sent == []
