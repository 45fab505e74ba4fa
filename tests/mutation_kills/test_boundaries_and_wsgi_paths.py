"""Length limits at their exact boundary, and WSGI paths the other suites only pass through."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware, CORSPolicy, decide_actual, decide_preflight, reasons, split_origin
from cors_wsgi.tokens import MAX_HEADER_LIST_LENGTH, MAX_METHOD_LENGTH
from tests.core.conftest import text_app
from tests.wsgi_server import Server

ORIGIN = "https://app.example.com"


def test_a_host_of_254_characters_is_not_an_origin_even_with_short_labels() -> None:
    host = ".".join(["a" * 63] * 3 + ["b" * 62])
    assert len(host) == 254
    assert split_origin(f"https://{host}") is None
    # A regex written for exactly this value is still never tried on it.
    policy = CORSPolicy(allow_origin_regex=re.escape(f"https://{host}"))
    assert decide_actual(policy, f"https://{host}").reason == reasons.ORIGIN_MALFORMED


def test_a_host_whose_last_label_is_a_number_must_be_a_dotted_quad() -> None:
    assert split_origin("http://a.b.1") is None
    assert split_origin("http://1.2.3.4") == ("http", "1.2.3.4", "")


def test_methods_up_to_the_length_limit_are_read_and_longer_ones_are_malformed() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_methods="*")
    longest = "M" * MAX_METHOD_LENGTH
    granted = decide_preflight(policy, ORIGIN, longest)
    assert granted.allowed
    assert ("Access-Control-Allow-Methods", longest) in granted.headers
    assert decide_preflight(policy, ORIGIN, longest + "M").reason == reasons.METHOD_MALFORMED


def test_header_lists_up_to_the_byte_limit_are_read_and_longer_ones_are_malformed() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_headers="*")
    name = "x-" + "a" * (MAX_HEADER_LIST_LENGTH - 2)
    assert decide_preflight(policy, ORIGIN, "POST", name).allowed
    assert decide_preflight(policy, ORIGIN, "POST", name + "a").reason == reasons.HEADERS_MALFORMED


def test_catch_exceptions_leaves_a_succeeding_response_alone_but_adds_cors_headers() -> None:
    server = Server()
    app = CORSMiddleware(text_app(headers=[("X-App", "1")]), allow_origins=[ORIGIN], catch_exceptions=True)

    assert server.run(app, ORIGIN=ORIGIN) == b"app body"
    [(status, headers, exc_info)] = server.calls
    assert status == "200 OK"
    assert exc_info is None
    assert headers == [
        ("Content-Type", "text/plain"),
        ("X-App", "1"),
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Vary", "Origin"),
    ]


def test_exc_info_reaches_the_server_when_the_app_vary_is_merged() -> None:
    def recovering(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            raise ValueError("late failure")
        except ValueError:
            start_response("500 Internal Server Error", [("Vary", "Accept")], sys.exc_info())
        return [b"error"]

    server = Server()
    server.run(CORSMiddleware(recovering, allow_origins=[ORIGIN]), ORIGIN=ORIGIN)
    [(status, headers, exc_info)] = server.calls
    assert status.startswith("500")
    assert exc_info is not None
    assert exc_info[0] is ValueError
    assert headers == [("Vary", "Accept, Origin"), ("Access-Control-Allow-Origin", ORIGIN)]


def test_a_passed_through_preflight_gets_every_vary_name_merged_into_the_app_vary() -> None:
    server = Server()
    app = CORSMiddleware(
        text_app(headers=[("Vary", "Accept-Encoding")]), allow_origins=[ORIGIN], preflight_passthrough=True
    )
    server.run(app, method="OPTIONS", ORIGIN=ORIGIN, ACCESS_CONTROL_REQUEST_METHOD="PUT")
    [(_status, headers, _exc)] = server.calls
    vary = [value for name, value in headers if name == "Vary"]
    assert vary == [
        "Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network"
    ]


def test_refusals_are_logged_once_with_kind_origin_and_reason(caplog: pytest.LogCaptureFixture) -> None:
    app = CORSMiddleware(text_app(), allow_origins=[ORIGIN])
    evil = "https://evil.example"
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        Server().run(app, ORIGIN=evil)
        Server().run(app, method="OPTIONS", ORIGIN=ORIGIN, ACCESS_CONTROL_REQUEST_METHOD="PATCH")
        Server().run(app)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            logging.DEBUG,
            f"CORS refused request: origin='{evil}' method='GET' path='/api/items' reason=origin-not-allowed",
        ),
        (
            logging.INFO,
            f"CORS refused preflight: origin='{ORIGIN}' method='PATCH' path='/api/items'"
            " reason=method-not-allowed: PATCH",
        ),
    ]


def test_a_refused_actual_request_is_not_logged_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    app = CORSMiddleware(text_app(), allow_origins=[ORIGIN])
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        Server().run(app, ORIGIN="https://evil.example")
    assert caplog.records == []


def test_resource_routing_keeps_the_top_level_policy_and_routes_a_missing_path_as_empty() -> None:
    app = CORSMiddleware(text_app(), allow_origins=[ORIGIN], max_age=5, resources={"/*": {}})
    assert app.policy.options["max_age"] == 5
    server = Server()
    environ = {"REQUEST_METHOD": "GET", "HTTP_ORIGIN": ORIGIN}
    body = app(environ, server.start_response)
    assert b"".join(body) == b"app body"
    assert ("Access-Control-Allow-Origin", ORIGIN) in server.calls[0][1]


def test_reconfiguring_only_options_keeps_the_resource_rules() -> None:
    app = CORSMiddleware(text_app(), allow_origins=[ORIGIN], resources={"/api/*": {}})
    other = "https://other.example"
    app.reconfigure(allow_origins=[other])

    api, outside = Server(), Server()
    api.run(app, path="/api/x", ORIGIN=other)
    outside.run(app, path="/elsewhere", ORIGIN=other)
    assert ("Access-Control-Allow-Origin", other) in api.calls[0][1]
    assert outside.calls[0][1] == [("Content-Type", "text/plain")]
