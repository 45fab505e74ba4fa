"""What the WSGI middleware sends: preflight answers, actual-request headers, Vary, errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, Decision, reasons
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
