"""cors_wsgi.asgi.CORSMiddleware through a raw ASGI driver: what a client library would hide."""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSPolicy, Decision, reasons
from cors_wsgi import CORSMiddleware as WSGIMiddleware
from cors_wsgi.asgi import CORSMiddleware
from cors_wsgi.cache import ttl_cache
from tests.asgi.driver import Exchange, http_scope, request, run, wsgi_as_asgi
from tests.conformance.client import hello_app

ORIGIN = "https://app.example.com"
EVIL = "https://evil.example"
OPTIONS: dict[str, Any] = {
    "allow_origins": [ORIGIN],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["X-Requested-With"],
    "allow_credentials": True,
    "expose_headers": ["X-Total"],
}


class Recorder:
    """An ASGI app that records each call's scope and answers with the given messages."""

    def __init__(self, *messages: dict[str, Any]) -> None:
        self.scopes: list[dict[str, Any]] = []
        self.messages = messages or (
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]},
            {"type": "http.response.body", "body": b"app body"},
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        for message in self.messages:
            await send(message)


def grant(exchange: Exchange) -> str | None:
    values = exchange.get("access-control-allow-origin")
    assert len(values) <= 1
    return values[0] if values else None


def test_a_granted_preflight_is_answered_without_calling_the_app() -> None:
    app = Recorder()
    exchange = request(
        CORSMiddleware(app, **OPTIONS),
        "OPTIONS",
        origin=ORIGIN,
        access_control_request_method="PUT",
        access_control_request_headers="x-requested-with",
    )
    assert exchange.status == 204
    assert grant(exchange) == ORIGIN
    assert exchange.get("access-control-allow-methods") == ["GET, PUT"]
    assert exchange.body == b""
    assert app.scopes == []


def test_a_refused_preflight_is_403_with_its_reason_and_never_reaches_the_app() -> None:
    app = Recorder()
    exchange = request(
        CORSMiddleware(app, **OPTIONS), "OPTIONS", origin=ORIGIN, access_control_request_method="DELETE"
    )
    assert exchange.status == 403
    assert exchange.body == b"CORS preflight refused: method-not-allowed: DELETE\n"
    assert grant(exchange) is None
    assert app.scopes == []


def test_every_header_name_we_send_is_lower_case_bytes() -> None:
    middleware = CORSMiddleware(Recorder(), debug=True, **OPTIONS)
    for exchange in (
        request(middleware, origin=ORIGIN),
        request(middleware, "OPTIONS", origin=ORIGIN, access_control_request_method="PUT"),
        request(middleware, "OPTIONS", origin=EVIL, access_control_request_method="PUT"),
    ):
        for name, value in exchange.sent[0]["headers"]:
            assert isinstance(name, bytes)
            assert isinstance(value, bytes)
            assert name == name.lower()


def test_actual_requests_get_the_grant_in_the_start_message_and_the_body_untouched() -> None:
    exchange = request(CORSMiddleware(Recorder(), **OPTIONS), origin=ORIGIN)
    assert grant(exchange) == ORIGIN
    assert exchange.get("access-control-allow-credentials") == ["true"]
    assert exchange.get("vary") == ["Origin"]
    assert exchange.body == b"app body"


def test_the_body_is_streamed_message_by_message_never_buffered() -> None:
    seen_by_client: list[int] = []

    async def streaming(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for index in range(3):
            # The previous chunk reached the client before the next is produced.
            assert seen_by_client == list(range(index))
            await send({"type": "http.response.body", "body": b"%d" % index, "more_body": index < 2})

    middleware = CORSMiddleware(streaming, **OPTIONS)
    scope = http_scope(headers=[(b"origin", ORIGIN.encode())])

    async def drive() -> None:
        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                seen_by_client.append(int(message["body"]))

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        await middleware(scope, receive, send)

    asyncio.run(drive())
    assert seen_by_client == [0, 1, 2]


@pytest.mark.parametrize(
    ("app_vary", "expected"),
    [
        ([(b"vary", b"Accept-Encoding")], ["Accept-Encoding, Origin"]),
        ([(b"vary", b"origin")], ["origin"]),
        ([(b"vary", b"*")], ["*"]),
        ([], ["Origin"]),
    ],
)
def test_vary_is_merged_into_the_apps_as_the_wsgi_adapter_does(
    app_vary: list[tuple[bytes, bytes]], expected: list[str]
) -> None:
    app = Recorder(
        {"type": "http.response.start", "status": 200, "headers": app_vary}, {"type": "http.response.body"}
    )
    assert request(CORSMiddleware(app, **OPTIONS), origin=ORIGIN).get("vary") == expected


def test_an_app_that_answers_cors_itself_gets_no_second_grant() -> None:
    headers = [(b"access-control-allow-origin", b"https://mine.example")]
    app = Recorder(
        {"type": "http.response.start", "status": 200, "headers": headers}, {"type": "http.response.body"}
    )
    exchange = request(CORSMiddleware(app, **OPTIONS), origin=ORIGIN)
    assert exchange.get("access-control-allow-origin") == ["https://mine.example"]
    assert exchange.get("access-control-allow-credentials") == []


def test_the_apps_start_message_is_not_mutated() -> None:
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    app = Recorder(start, {"type": "http.response.body"})
    request(CORSMiddleware(app, **OPTIONS), origin=ORIGIN)
    assert start["headers"] == [(b"content-type", b"text/plain")]


@pytest.mark.parametrize(
    ("name", "values", "reason"),
    [
        (b"origin", [ORIGIN, ORIGIN], reasons.ORIGIN_MALFORMED),
        (b"access-control-request-headers", ["x-requested-with", "x-other"], reasons.HEADER_NOT_ALLOWED),
    ],
)
def test_repeated_request_headers_are_joined_with_a_comma_as_wsgi_servers_do(
    name: bytes, values: list[str], reason: str
) -> None:
    seen: list[Decision] = []
    headers = [(b"origin", ORIGIN.encode()), (b"access-control-request-method", b"PUT")]
    headers = [h for h in headers if h[0] != name] + [(name, v.encode()) for v in values]
    run(CORSMiddleware(Recorder(), on_decision=seen.append, **OPTIONS), http_scope("OPTIONS", "/", headers))
    assert seen[0].reason == reason
    if name == b"origin":
        assert seen[0].origin == f"{ORIGIN}, {ORIGIN}"
    else:
        assert seen[0].detail == "x-other"


def test_upper_case_header_names_from_a_lax_server_are_still_read() -> None:
    exchange = run(CORSMiddleware(Recorder(), **OPTIONS), http_scope(headers=[(b"Origin", ORIGIN.encode())]))
    assert grant(exchange) == ORIGIN


def test_resources_match_the_path_below_root_path() -> None:
    middleware = CORSMiddleware(Recorder(), resources={"/api/*": {"allow_origins": [ORIGIN]}})
    mounted = http_scope(path="/mount/api/x", root_path="/mount", headers=[(b"origin", ORIGIN.encode())])
    assert grant(run(middleware, mounted)) == ORIGIN
    outside = http_scope(path="/mount/other", root_path="/mount", headers=[(b"origin", ORIGIN.encode())])
    assert run(middleware, outside).get("vary") == []  # no rule: passed through untouched
    legacy = http_scope(path="/api/x", root_path="/mount", headers=[(b"origin", ORIGIN.encode())])
    assert grant(run(middleware, legacy)) == ORIGIN  # servers that give the path without root_path


def test_a_resolver_is_a_function_of_the_scope() -> None:
    tenants = {b"a": CORSPolicy(allow_origins=[ORIGIN])}

    def by_tenant(scope: Any) -> CORSPolicy | None:
        return tenants.get(dict(scope["headers"]).get(b"x-tenant", b""))

    middleware = CORSMiddleware(Recorder(), resolver=by_tenant)
    assert grant(request(middleware, origin=ORIGIN, x_tenant="a")) == ORIGIN
    assert request(middleware, origin=ORIGIN, x_tenant="b").get("vary") == []


def test_reconfigure_swaps_the_policy_for_new_requests() -> None:
    middleware = CORSMiddleware(Recorder(), **OPTIONS)
    middleware.reconfigure(allow_origins=["https://new.example"])
    assert grant(request(middleware, origin=ORIGIN)) is None
    assert grant(request(middleware, origin="https://new.example")) == "https://new.example"


def broken_before_start() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom before start")

    return app


def test_catch_exceptions_turns_an_error_before_the_start_into_a_500_with_cors_headers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        exchange = request(
            CORSMiddleware(broken_before_start(), catch_exceptions=True, **OPTIONS), origin=ORIGIN
        )
    assert exchange.status == 500
    assert grant(exchange) == ORIGIN
    assert exchange.body == b"Internal Server Error\n"
    assert "boom before start" in caplog.text


def test_an_error_after_the_start_is_re_raised_even_with_catch_exceptions() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("boom after start")

    with pytest.raises(RuntimeError, match="boom after start"):
        request(CORSMiddleware(app, catch_exceptions=True, **OPTIONS), origin=ORIGIN)


def test_without_catch_exceptions_the_error_reaches_the_server() -> None:
    with pytest.raises(RuntimeError, match="boom before start"):
        request(CORSMiddleware(broken_before_start(), **OPTIONS), origin=ORIGIN)


@pytest.mark.parametrize("kind", ["lifespan", "custom.protocol"])
def test_lifespan_and_unknown_scope_types_pass_through_untouched(kind: str) -> None:
    app = Recorder({"type": "lifespan.startup.complete"})
    scope = {"type": kind, "asgi": {"version": "3.0"}}
    exchange = run(CORSMiddleware(app, **OPTIONS), scope, [{"type": "lifespan.startup"}])
    assert app.scopes == [scope]
    assert exchange.sent == [{"type": "lifespan.startup.complete"}]


def test_async_origin_checks_are_awaited_and_their_answers_used() -> None:
    asked: list[str] = []

    async def partner(origin: str) -> bool:
        asked.append(origin)
        await asyncio.sleep(0)
        return origin == "https://partner.example"

    middleware = CORSMiddleware(Recorder(), allow_origins=[ORIGIN, partner])
    assert grant(request(middleware, origin="https://partner.example")) == "https://partner.example"
    assert grant(request(middleware, origin=EVIL)) is None
    assert grant(request(middleware, origin=ORIGIN)) == ORIGIN
    assert asked == ["https://partner.example", EVIL]  # listed origins never reach the check


def test_a_failing_async_check_refuses_with_its_reason_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def down(origin: str) -> bool:
        raise OSError("database down")

    seen: list[Decision] = []
    middleware = CORSMiddleware(Recorder(), allow_origins=[down], on_decision=seen.append)
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        assert grant(request(middleware, origin=EVIL)) is None
    assert seen[0].reason == reasons.ORIGIN_CHECK_FAILED
    assert "database down" in caplog.text


def test_async_checks_in_rules_and_policies_are_awaited_too() -> None:
    async def partner(origin: str) -> bool:
        return origin == "https://partner.example"

    middleware = CORSMiddleware(
        Recorder(),
        resources={"/a/*": {"allow_origins": [partner]}, "/b/*": CORSPolicy(allow_origins=partner)},
    )
    for path in ("/a/x", "/b/x"):
        exchange = run(middleware, http_scope(path=path, headers=[(b"origin", b"https://partner.example")]))
        assert grant(exchange) == "https://partner.example"


def test_ttl_cache_wraps_an_async_check_and_remembers_its_answers() -> None:
    asked: list[str] = []

    async def partner(origin: str) -> bool:
        asked.append(origin)
        return origin == "https://partner.example"

    middleware = CORSMiddleware(Recorder(), allow_origins=[ttl_cache(partner, seconds=60)])
    for _ in range(3):
        assert grant(request(middleware, origin="https://partner.example")) == "https://partner.example"
        assert grant(request(middleware, origin=EVIL)) is None
    assert asked == ["https://partner.example", EVIL]


def test_the_wsgi_middleware_refuses_an_async_origin_check_it_could_never_await() -> None:
    async def partner(origin: str) -> bool:
        return False

    with pytest.raises(ConfigError, match=r"use cors_wsgi\.asgi\.CORSMiddleware"):
        WSGIMiddleware(hello_app, allow_origins=[partner])


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return [b""]


class WSGIObject:
    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        return wsgi_app(environ, start_response)


@pytest.mark.parametrize("app", [wsgi_app, WSGIObject(), hello_app])
def test_a_wsgi_app_is_refused_by_the_asgi_middleware_naming_the_wsgi_one(app: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, **OPTIONS)
    assert caught.value.option == "app"
    assert caught.value.fix == "use cors_wsgi.CORSMiddleware"


def test_the_asgi_middleware_takes_check_websocket_origin_from_mappings_and_the_environment() -> None:
    from_mapping = CORSMiddleware.from_mapping(
        Recorder(), {"allow_origins": [ORIGIN], "check_websocket_origin": True}
    )
    from_env = CORSMiddleware.from_env(
        Recorder(), environ={"CORS_ALLOW_ORIGINS": ORIGIN, "CORS_CHECK_WEBSOCKET_ORIGIN": "true"}
    )
    assert from_mapping.check_websocket_origin is True
    assert from_env.check_websocket_origin is True
    with pytest.raises(ConfigError, match="check_websocket_origin"):
        CORSMiddleware(Recorder(), check_websocket_origin="yes")  # type: ignore[arg-type]


def test_the_wsgi_middleware_refuses_check_websocket_origin_by_name() -> None:
    with pytest.raises(ConfigError) as caught:
        WSGIMiddleware(hello_app, allow_origins=[ORIGIN], check_websocket_origin=True)  # type: ignore[call-arg]
    assert caught.value.option == "check_websocket_origin"


# --- the same answer as the WSGI adapter --------------------------------------------------------

POLICIES: dict[str, dict[str, Any]] = {
    "exact": OPTIONS,
    "wildcard": {"allow_origins": "*", "allow_methods": "*", "allow_headers": "*"},
    "patterns": {
        "allow_origins": ["https://*.example.com", "http://localhost:*"],
        "allow_origin_regex": r"https://pr-[0-9]+\.preview\.example\.org",
        "allow_private_network": True,
        "max_age": None,
    },
    "debug-200": {**OPTIONS, "debug": True, "preflight_status": 200},
}
REQUESTS: dict[str, tuple[str, dict[str, str]]] = {
    "no-origin": ("GET", {}),
    "allowed": ("GET", {"origin": ORIGIN}),
    "sub": ("POST", {"origin": "https://a.example.com"}),
    "refused": ("GET", {"origin": EVIL}),
    "null": ("GET", {"origin": "null"}),
    "malformed": ("GET", {"origin": "https://a.example.com/"}),
    "preflight": ("OPTIONS", {"origin": ORIGIN, "access-control-request-method": "PUT"}),
    "preflight-headers": (
        "OPTIONS",
        {
            "origin": "https://pr-12.preview.example.org",
            "access-control-request-method": "PATCH",
            "access-control-request-headers": "content-type,x-requested-with",
            "access-control-request-private-network": "true",
        },
    ),
    "preflight-refused": ("OPTIONS", {"origin": EVIL, "access-control-request-method": "GET"}),
    "options-no-acrm": ("OPTIONS", {"origin": ORIGIN}),
}


def vary_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    return [b"hello"]


@pytest.mark.parametrize(
    ("policy", "case", "app"),
    list(itertools.product(POLICIES, REQUESTS, ["plain", "vary"])),
)
def test_both_adapters_give_the_same_status_headers_in_order_and_body(
    policy: str, case: str, app: str
) -> None:
    inner = {"plain": hello_app, "vary": vary_app}[app]
    method, headers = REQUESTS[case]
    wsgi_seen: list[Decision] = []
    asgi_seen: list[Decision] = []
    wsgi = WSGIMiddleware(inner, on_decision=wsgi_seen.append, **POLICIES[policy])
    asgi = CORSMiddleware(wsgi_as_asgi(inner), on_decision=asgi_seen.append, **POLICIES[policy])
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/",
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }
    started: list[Any] = []
    wsgi_body = b"".join(wsgi(environ, lambda status, h, exc_info=None: started.extend([status, h])))
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    exchange = run(asgi, http_scope(method, "/", raw))
    assert exchange.status == int(started[0][:3])
    assert [(n.lower(), v) for n, v in started[1]] == [(n.lower(), v) for n, v in exchange.headers]
    assert exchange.body == wsgi_body
    assert asgi_seen == wsgi_seen
