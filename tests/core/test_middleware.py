"""What the WSGI middleware sends: preflight answers, actual-request headers, Vary, errors."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy, Decision, reasons
from tests.core.conftest import preflight_headers, text_app

ORIGIN = "https://app.example.com"
OPTIONS: dict[str, Any] = {
    "allow_origins": [ORIGIN],
    "allow_methods": ["GET", "PUT"],
    "allow_headers": ["Content-Type"],
    "expose_headers": ["X-Total"],
    "allow_credentials": True,
}
MakeClient = Callable[..., TestApp]


def counting_app(calls: list[str]) -> Callable[..., Iterable[bytes]]:
    inner = text_app()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        calls.append(environ["REQUEST_METHOD"])
        return inner(environ, start_response)

    return app


def test_granted_preflight_is_answered_without_calling_the_app(make_client: MakeClient) -> None:
    calls: list[str] = []
    response = make_client(counting_app(calls), **OPTIONS).options(
        "/things", headers=preflight_headers(ORIGIN, "PUT", "content-type")
    )
    assert response.status_int == 204
    assert response.body == b""
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert (
        response.headers["Vary"] == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network"
    )
    assert calls == []


def test_preflight_status_200_for_old_clients_has_an_empty_body(make_client: MakeClient) -> None:
    response = make_client(preflight_status=200, **OPTIONS).options(
        "/", headers=preflight_headers(ORIGIN, "PUT")
    )
    assert response.status_int == 200
    assert response.headers["Content-Length"] == "0"


def test_refused_preflight_is_403_with_the_reason_and_no_grant(make_client: MakeClient) -> None:
    calls: list[str] = []
    response = make_client(counting_app(calls), **OPTIONS).options(
        "/", headers=preflight_headers(ORIGIN, "PUT", "x-secret"), status=403
    )
    assert response.text == "CORS preflight refused: header-not-allowed: x-secret\n"
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert "Origin" in response.headers["Vary"]
    assert calls == []


def test_options_without_request_method_goes_to_the_app(make_client: MakeClient) -> None:
    calls: list[str] = []
    response = make_client(counting_app(calls), **OPTIONS).options("/", headers={"Origin": ORIGIN})
    assert calls == ["OPTIONS"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("status", ["200 OK", "404 Not Found", "500 Internal Server Error"])
def test_granted_origin_gets_cors_headers_on_every_status(make_client: MakeClient, status: str) -> None:
    response = make_client(text_app(status), **OPTIONS).get("/", headers={"Origin": ORIGIN}, status="*")
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total"
    assert response.headers["Vary"] == "Origin"


def test_refused_origin_still_reaches_the_app_but_gets_no_grant(make_client: MakeClient) -> None:
    calls: list[str] = []
    response = make_client(counting_app(calls), **OPTIONS).get(
        "/", headers={"Origin": "https://evil.example"}
    )
    assert calls == ["GET"]
    assert response.body == b"app body"
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert response.headers["Vary"] == "Origin"


def test_request_without_origin_varies_on_origin(make_client: MakeClient) -> None:
    response = make_client(**OPTIONS).get("/")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    ("app_vary", "expected"),
    [
        ([("Vary", "Accept-Encoding")], ["Accept-Encoding, Origin"]),
        ([("vary", "origin")], ["origin"]),
        ([("Vary", "*")], ["*"]),
        ([("Vary", "Cookie"), ("Vary", "Origin")], ["Cookie", "Origin"]),
        ([("Vary", "")], ["Origin"]),
    ],
)
def test_vary_is_merged_into_the_apps_without_duplicates(
    make_client: MakeClient, app_vary: list[tuple[str, str]], expected: list[str]
) -> None:
    response = make_client(text_app(headers=app_vary), **OPTIONS).get("/", headers={"Origin": ORIGIN})
    assert response.headers.getall("Vary") == expected


@pytest.mark.parametrize(
    "before",
    [
        [("Cache-Control", "no-store"), ("Set-Cookie", "a=b"), ("ETag", '"1"'), ("Date", "x")],
        [("content-length", "8"), ("location", "/"), ("x-frame-options", "DENY")],
        [("Server", "s"), ("Authorization-Info", "x")],
    ],
)
def test_the_apps_vary_after_any_other_headers_is_still_merged(
    make_client: MakeClient, before: list[tuple[str, str]]
) -> None:
    app = text_app(headers=[*before, ("vary", "Accept-Encoding")])
    response = make_client(app, **OPTIONS).get("/", headers={"Origin": ORIGIN})
    assert response.headers.getall("Vary") == ["Accept-Encoding, Origin"]


def test_app_that_sets_its_own_allow_origin_gets_no_second_one(make_client: MakeClient) -> None:
    app = text_app(headers=[("Access-Control-Allow-Origin", "https://mine.example")])
    response = make_client(app, **OPTIONS).get("/", headers={"Origin": ORIGIN})
    assert response.headers.getall("Access-Control-Allow-Origin") == ["https://mine.example"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_app_header_list_shared_between_requests_is_never_mutated(make_client: MakeClient) -> None:
    shared = [("Content-Type", "text/plain")]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", shared)
        return [b"ok"]

    client = make_client(app, **OPTIONS)
    for _ in range(3):
        client.get("/", headers={"Origin": ORIGIN})
    assert shared == [("Content-Type", "text/plain")]


def test_write_callable_is_returned_to_the_app(make_client: MakeClient) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    response = make_client(app, **OPTIONS).get("/", headers={"Origin": ORIGIN})
    assert response.body == b"written returned"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def broken_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise RuntimeError("boom")


def test_catch_exceptions_answers_500_with_cors_headers_and_logs(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        response = make_client(broken_app, catch_exceptions=True, **OPTIONS).get(
            "/", headers={"Origin": ORIGIN}, status=500
        )
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Vary"] == "Origin"
    assert "boom" in caplog.text


def test_exceptions_propagate_unless_catch_exceptions_is_on() -> None:
    client = TestApp(CORSMiddleware(broken_app, **OPTIONS))
    with pytest.raises(RuntimeError, match="boom"):
        client.get("/", headers={"Origin": ORIGIN})


def test_preflight_passthrough_lets_the_app_answer_with_cors_headers_added(make_client: MakeClient) -> None:
    calls: list[str] = []
    response = make_client(counting_app(calls), preflight_passthrough=True, **OPTIONS).options(
        "/", headers=preflight_headers(ORIGIN, "PUT")
    )
    assert calls == ["OPTIONS"]
    assert response.body == b"app body"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert "Access-Control-Request-Method" in response.headers["Vary"]


def test_on_decision_receives_every_decision(make_client: MakeClient) -> None:
    seen: list[Decision] = []
    client = make_client(on_decision=seen.append, **OPTIONS)
    client.get("/", headers={"Origin": ORIGIN})
    client.get("/", headers={"Origin": "https://evil.example"})
    client.get("/")
    client.options("/", headers=preflight_headers(ORIGIN, "DELETE"), status=403)
    assert [(d.allowed, d.reason, d.origin, d.preflight) for d in seen] == [
        (True, reasons.ALLOWED, ORIGIN, False),
        (False, reasons.ORIGIN_NOT_ALLOWED, "https://evil.example", False),
        (False, reasons.NO_ORIGIN, None, False),
        (False, reasons.METHOD_NOT_ALLOWED, ORIGIN, True),
    ]


def test_failing_on_decision_is_logged_and_does_not_break_the_response(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(decision: Decision) -> None:
        raise ValueError("metrics down")

    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        response = make_client(on_decision=explode, **OPTIONS).get("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "metrics down" in caplog.text


def test_refused_preflight_is_logged_at_info_with_reason_and_escaped_origin(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    hostile = "https://evil.example\nFAKE LOG LINE"
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        make_client(**OPTIONS).options("/", headers=preflight_headers(hostile, "PUT"), status=403)
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "reason=origin-malformed" in message
    assert "\n" not in message
    assert "\\n" in message


def test_refused_actual_request_is_logged_at_debug_only(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(**OPTIONS)
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        client.get("/", headers={"Origin": "https://other.example"})
    assert caplog.records == []
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        client.get("/", headers={"Origin": "https://other.example"})
    assert "reason=origin-not-allowed" in caplog.text


def test_reconfigure_swaps_the_policy_for_new_requests(make_client: MakeClient) -> None:
    middleware = CORSMiddleware(text_app(), **OPTIONS)
    client = TestApp(middleware)
    middleware.reconfigure(allow_origins=["https://new.example"])
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": ORIGIN}).headers
    granted = client.get("/", headers={"Origin": "https://new.example"})
    assert granted.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize(
    ("request_headers", "expected"),
    [
        ({"Origin": ORIGIN}, "allowed"),
        ({"Origin": "https://evil.example"}, "refused; reason=origin-not-allowed"),
        ({}, "not-cors; reason=no-origin"),
    ],
)
def test_debug_header_states_the_decision(
    make_client: MakeClient, request_headers: dict[str, str], expected: str
) -> None:
    response = make_client(debug=True, **OPTIONS).get("/", headers=request_headers)
    assert response.headers["X-CORS-Decision"] == expected


def failing_generator_app(fail_at: int) -> Callable[..., Iterable[bytes]]:
    """A PEP 3333 generator app: start_response and the failure happen only when iterated."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        for index in range(3):
            if index == fail_at:
                raise RuntimeError("boom in the body")
            yield b"chunk%d " % index

    return app


def test_catch_exceptions_answers_500_when_a_generator_app_fails_on_its_first_chunk(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        response = make_client(failing_generator_app(0), catch_exceptions=True, **OPTIONS).get(
            "/", headers={"Origin": ORIGIN}, status=500
        )
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.body == b"Internal Server Error\n"
    assert "boom in the body" in caplog.text


def test_catch_exceptions_keeps_a_generator_body_streaming_and_closes_it() -> None:
    events: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            for index in range(3):
                events.append(f"yield {index}")
                yield b"%d" % index
        finally:
            events.append("closed")

    middleware = CORSMiddleware(app, catch_exceptions=True, **OPTIONS)
    started: list[Any] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN}
    body = middleware(environ, lambda status, headers, exc_info=None: started.append(headers))
    assert events == ["yield 0"]  # only the first chunk is read before the server iterates
    chunks = iter(body)
    assert next(chunks) == b"0"
    assert events == ["yield 0"]
    assert next(chunks) == b"1"
    body.close()  # type: ignore[attr-defined]
    assert events == ["yield 0", "yield 1", "closed"]
    assert ("Access-Control-Allow-Origin", ORIGIN) in started[0]


def test_catch_exceptions_closes_an_empty_body_the_server_never_iterates() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            return iter(())

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Body:
        start_response("204 No Content", [])
        return Body()

    body = CORSMiddleware(app, catch_exceptions=True, **OPTIONS)(
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda *args: None
    )
    assert list(body) == []
    body.close()  # type: ignore[attr-defined]
    assert closed == [True]


def test_an_error_after_the_first_chunk_still_reaches_the_server(make_client: MakeClient) -> None:
    client = make_client(failing_generator_app(1), catch_exceptions=True, **OPTIONS)
    with pytest.raises(RuntimeError, match="boom in the body"):
        client.get("/", headers={"Origin": ORIGIN})


@pytest.mark.parametrize(
    "app_headers", [[("", "x")], [("X-App", "1"), ("", "")], [("", "v"), ("Vary", "Accept")]]
)
def test_an_app_header_with_an_empty_name_is_passed_on_not_a_crash(
    app_headers: list[tuple[str, str]],
) -> None:
    middleware = CORSMiddleware(text_app(headers=app_headers), **OPTIONS)
    seen: list[list[tuple[str, str]]] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN}
    middleware(environ, lambda status, headers, exc_info=None: seen.append(headers))
    assert [h for h in seen[0] if h[0] == ""] == [h for h in app_headers if h[0] == ""]
    assert ("Access-Control-Allow-Origin", ORIGIN) in seen[0]
    assert next(v for n, v in seen[0] if n.lower() == "vary").endswith("Origin")


def tenant_resolver(environ: dict[str, Any]) -> CORSPolicy | None:
    return CORSPolicy(allow_origins=[ORIGIN])


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"allow_origins": ["https://other.example"]}, "allow_origins"),
        ({"max_age": 5}, "max_age"),
        ({"policy": CORSPolicy(allow_origins=[ORIGIN])}, "policy"),
    ],
)
def test_policy_options_beside_a_resolver_are_refused(options: dict[str, Any], option: str) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(text_app(), resolver=tenant_resolver, **options)
    assert caught.value.option == option
    assert "resolver" in caught.value.problem


@pytest.mark.parametrize(
    "options",
    [{"policy": CORSPolicy(allow_origins=["https://other.example"])}, {"allow_credentials": True}],
)
def test_reconfiguring_the_policy_of_a_resolver_middleware_is_refused_and_changes_nothing(
    options: dict[str, Any],
) -> None:
    middleware = CORSMiddleware(text_app(), resolver=tenant_resolver)
    with pytest.raises(ConfigError, match="resolver picks the policy of every request"):
        middleware.reconfigure(**options)
    response = TestApp(middleware).get("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_resolver_middleware_can_be_reconfigured_to_rules() -> None:
    middleware = CORSMiddleware(text_app(), resolver=tenant_resolver)
    middleware.reconfigure(resources={"/api/*": {"allow_origins": ["https://other.example"]}})
    client = TestApp(middleware)
    assert "Access-Control-Allow-Origin" not in client.get("/api", headers={"Origin": ORIGIN}).headers
    granted = client.get("/api", headers={"Origin": "https://other.example"})
    assert granted.headers["Access-Control-Allow-Origin"] == "https://other.example"


@pytest.mark.parametrize(
    ("top", "rule", "option", "problem"),
    [
        ({"allow_credentials": True}, {"allow_origins": "*"}, "allow_origins", "allow_credentials=True"),
        ({}, {"allow_origins": ["https://a.example/"]}, "allow_origins", "path"),
        ({}, {"max_age": -1}, "max_age", "must be an int"),
        ({}, {"allow_origin": [ORIGIN]}, "allow_origin", "is not an option"),
    ],
)
def test_errors_inside_a_resource_rule_name_the_rule(
    top: dict[str, Any], rule: dict[str, Any], option: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(text_app(), allow_origins=[ORIGIN], resources={"/api/*": rule}, **top)
    assert caught.value.option == f"resources['/api/*'] {option}"
    assert str(caught.value).startswith(f"resources['/api/*'] {option}=")
    assert problem in caught.value.problem


def test_errors_inside_a_regex_rule_name_the_regex() -> None:
    rule = re.compile(r"/v[0-9]+/.*")
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(text_app(), resources={rule: {"allow_methods": ["GET POST"]}})
    assert caught.value.option == f"resources[{rule!r}] allow_methods"


class AsgiApp:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """An ASGI 3 application as a class instance (Starlette, FastAPI, Django's handler)."""


async def asgi_function(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI 3 application as a coroutine function."""


@pytest.mark.parametrize("app", [asgi_function, AsgiApp(), functools.partial(asgi_function)])
def test_an_asgi_app_is_refused_at_construction_naming_the_asgi_middleware(app: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, **OPTIONS)
    assert caught.value.option == "app"
    assert caught.value.fix == "use cors_wsgi.asgi.CORSMiddleware"


def test_a_starlette_app_is_refused_by_the_wsgi_middleware() -> None:
    starlette = pytest.importorskip("starlette.applications")
    with pytest.raises(ConfigError, match=r"use cors_wsgi\.asgi\.CORSMiddleware"):
        CORSMiddleware(starlette.Starlette(), **OPTIONS)


def test_an_app_that_is_not_callable_is_refused() -> None:
    with pytest.raises(ConfigError, match="is not callable"):
        CORSMiddleware("app:application", **OPTIONS)  # type: ignore[arg-type]
