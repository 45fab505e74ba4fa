"""Exact log lines and error texts, the fixed headers of our own answers, and reconfigure's routing.

Operators grep logs and tools parse ConfigError, so the wording is pinned;
reconfigure must keep, or replace, exactly what it is told to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy, split_origin
from cors_wsgi.errors import NO_VALUE, reject_unknown
from tests.core.conftest import text_app
from tests.wsgi_server import Server

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.com"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(record.levelno, record.getMessage()) for record in caplog.records]


def test_allowed_requests_and_preflights_log_nothing_even_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    client = TestApp(CORSMiddleware(text_app(), allow_origins=[ORIGIN], allow_methods=["PUT"]))
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        client.get("/", headers={"Origin": ORIGIN})
        client.options("/", headers=PREFLIGHT)
    assert messages(caplog) == []


def test_a_failing_on_decision_callback_is_logged_by_its_repr(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def __call__(self, decision: object) -> None:
            raise RuntimeError("metrics down")

        def __repr__(self) -> str:
            return "<broken metrics>"

    client = TestApp(CORSMiddleware(text_app(), allow_origins=[ORIGIN], on_decision=Broken()))
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        assert client.get("/", headers={"Origin": ORIGIN}).status_int == 200
    assert messages(caplog) == [(logging.ERROR, "on_decision callback <broken metrics> failed")]


def test_catch_exceptions_logs_the_error_and_answers_plain_text_with_its_length(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("boom")

    server = Server()
    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        body = server.run(
            CORSMiddleware(failing, allow_origins=[ORIGIN], catch_exceptions=True), ORIGIN=ORIGIN
        )
    assert messages(caplog) == [
        (logging.ERROR, "unhandled exception in the application; answering 500 with CORS headers")
    ]
    [(_status, headers, _exc_info)] = server.calls
    assert headers[:2] == [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]


def test_preflight_answers_carry_plain_text_headers_that_match_their_bodies() -> None:
    preflight = {"ORIGIN": ORIGIN, "ACCESS_CONTROL_REQUEST_METHOD": "PUT"}
    granted = Server()
    granted.run(
        CORSMiddleware(text_app(), allow_origins=[ORIGIN], allow_methods=["PUT"], preflight_status=200),
        method="OPTIONS",
        **preflight,
    )
    assert granted.calls[0][1][-2:] == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "0"),
    ]
    refused = Server()
    body = refused.run(CORSMiddleware(text_app(), allow_origins=[ORIGIN]), method="OPTIONS", **preflight)
    assert refused.calls[0][1][-2:] == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]


def test_configuration_warnings_have_their_exact_wording(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSMiddleware(text_app())
        CORSPolicy(allow_origins=["null"])
        CORSPolicy(allow_origins=["http://api.example.com"], allow_credentials=True)
    assert messages(caplog) == [
        (logging.WARNING, "CORSMiddleware allows no origin: every cross-origin read will be refused"),
        (
            logging.WARNING,
            "allow_origins lists 'null': sandboxed iframes and data: or file: pages of any site "
            "send it, so it grants them all",
        ),
        (
            logging.WARNING,
            "allow_credentials=True with plain-http origins ['http://api.example.com']: anyone on "
            "the network path can act as them",
        ),
    ]


def test_an_option_named_without_a_value_shows_no_value_in_the_error() -> None:
    with pytest.raises(ConfigError) as raised:
        reject_unknown(["allow_origin"], ["allow_origins"], "CORSPolicy")
    assert raised.value.value is NO_VALUE
    assert str(raised.value) == "allow_origin: is not an option of CORSPolicy; did you mean 'allow_origins'?"
    assert str(ConfigError("max_age", -1, "must be >= 0")) == "max_age=-1: must be >= 0"


def test_a_bad_method_error_names_the_allow_methods_option() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_methods=["GET PUT"])
    assert raised.value.option == "allow_methods"


def test_header_names_differing_only_in_case_are_listed_once() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_headers=["X-Token", "x-token", "X-TOKEN"])
    assert ("Access-Control-Allow-Headers", "X-Token") in policy.preflight_headers


def test_a_numeric_looking_last_label_makes_the_host_an_address_whatever_the_labels_before() -> None:
    assert split_origin("http://a.b.0x1f") is None
    assert split_origin("http://a.0x1f.example") == ("http", "a.0x1f.example", "")


def test_errors_from_a_mapping_are_labelled_mapping_by_default() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSMiddleware.from_mapping(text_app(), {"allow_origins": "https://x.example/"})
    assert raised.value.option == "mapping allow_origins"


def test_from_env_reads_only_variables_with_the_given_prefix() -> None:
    environ = {"APP_ALLOW_ORIGINS": ORIGIN, "CORS_ALLOW_ORIGINS": OTHER}
    middleware = CORSMiddleware.from_env(text_app(), prefix="APP_", environ=environ)
    assert middleware.policy.options["allow_origins"] == [ORIGIN]


def test_an_app_vary_without_spaces_is_merged_without_repeating_origin() -> None:
    client = TestApp(CORSMiddleware(text_app(headers=[("Vary", "Accept,Origin")]), allow_origins=[ORIGIN]))
    assert client.get("/", headers={"Origin": ORIGIN}).headers.getall("Vary") == ["Accept,Origin"]


def test_a_passed_through_preflight_adds_only_the_vary_names_the_app_lacks() -> None:
    app = CORSMiddleware(
        text_app(headers=[("Vary", "Origin")]), allow_origins=[ORIGIN], preflight_passthrough=True
    )
    vary = TestApp(app).options("/", headers={**PREFLIGHT, "Access-Control-Request-Method": "GET"}).headers
    assert vary.getall("Vary") == ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]


def test_reconfigure_with_a_policy_uses_that_policy() -> None:
    middleware = CORSMiddleware(text_app(), allow_origins=[ORIGIN])
    middleware.reconfigure(policy=CORSPolicy(allow_origins=[OTHER]))
    client = TestApp(middleware)
    assert client.get("/", headers={"Origin": OTHER}).headers["Access-Control-Allow-Origin"] == OTHER
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": ORIGIN}).headers


def test_reconfigure_with_a_resolver_uses_it_and_reconfigure_alone_keeps_it() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN])
    middleware = CORSMiddleware(text_app(), allow_origins=[ORIGIN])
    middleware.reconfigure(resolver=lambda environ: None if environ["PATH_INFO"] == "/open" else policy)
    middleware.reconfigure()
    client = TestApp(middleware)
    assert client.get("/open", headers={"Origin": ORIGIN}).headers.getall("Vary") == []
    assert client.get("/api", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
