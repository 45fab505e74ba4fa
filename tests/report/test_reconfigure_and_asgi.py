"""report_only is part of the configuration reconfigure() swaps; the ASGI adapter awaits async candidates."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy, reasons
from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware
from tests.asgi.driver import request, run
from tests.asgi.test_websocket import CONNECT, EchoSocket, handshake
from tests.report.conftest import APP, EVIL, Reports, call, ok_app, preflight

PARTNER = "https://partner.example.org"


def test_reconfigure_adds_changes_and_removes_the_candidate(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(ok_app, allow_origins="*", on_report=reports)
    call(app, origin=EVIL)
    assert reports == []

    app.reconfigure(report_only={"allow_origins": [APP]})
    call(app, origin=EVIL)
    app.reconfigure(report_only=CORSPolicy(allow_origins=[EVIL]))
    call(app, origin=EVIL)
    call(app, origin=APP)
    app.reconfigure(report_only=None)
    call(app, origin=APP)

    assert [(r.candidate.origin, r.candidate.allowed) for r in reports] == [(EVIL, False), (APP, False)]


def test_reconfigure_keeps_the_candidate_and_layers_it_over_the_new_options(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(ok_app, allow_origins=[APP], report_only={"allow_methods": ["GET"]}, on_report=reports)

    app.reconfigure(allow_methods=["PUT"], allow_origins=[APP, PARTNER])
    preflight(app, PARTNER, "PUT")

    [report] = reports
    assert report.enforced.allowed
    # The candidate is the new options with allow_methods=["GET"]: PARTNER's origin stays allowed.
    assert (report.candidate.reason, report.candidate.detail) == (reasons.METHOD_NOT_ALLOWED, "PUT")


def test_reconfigure_keeps_the_candidate_for_new_rules(adapter: Callable[..., Any], reports: Reports) -> None:
    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]}, on_report=reports)

    app.reconfigure(resources={"/api/*": {}})
    call(app, "GET", "/api/x", origin=EVIL)
    call(app, "GET", "/other", origin=EVIL)

    assert [(r.rule, r.path) for r in reports] == [("/api/*", "/api/x")]


def test_a_bad_candidate_in_reconfigure_leaves_the_running_configuration_untouched(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]}, on_report=reports)

    with pytest.raises(ConfigError) as caught:
        app.reconfigure(report_only={"allow_origins": "*", "allow_credentials": True})
    assert caught.value.option == "report_only allow_origins"
    call(app, origin=EVIL)

    assert [r.candidate.reason for r in reports] == [reasons.ORIGIN_NOT_ALLOWED]


def test_a_new_resolver_with_a_kept_dict_candidate_is_refused(adapter: Callable[..., Any]) -> None:
    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]})

    with pytest.raises(ConfigError) as caught:
        app.reconfigure(resolver=lambda request: None)
    assert caught.value.option == "report_only"


def test_reconfigure_refuses_a_misspelt_report_only(adapter: Callable[..., Any]) -> None:
    app = adapter(ok_app, allow_origins="*")
    with pytest.raises(ConfigError) as caught:
        app.reconfigure(report_onyl={})
    assert caught.value.fix == "did you mean 'report_only'?"


def test_an_async_origin_check_of_the_candidate_is_awaited(reports: Reports) -> None:
    asked: list[str] = []

    async def partner(origin: str) -> bool:
        asked.append(origin)
        await asyncio.sleep(0)
        return origin == PARTNER

    async def hello(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = ASGIMiddleware(
        hello, allow_origins=[APP], report_only={"allow_origins": [partner]}, on_report=reports
    )

    allowed = request(app, origin=PARTNER)
    refused = request(app, origin=APP)

    assert allowed.get("access-control-allow-origin") == []  # the enforced answer, untouched
    assert refused.get("access-control-allow-origin") == [APP]
    assert asked == [PARTNER, APP]
    assert [(r.candidate.origin, r.candidate.allowed) for r in reports] == [(PARTNER, True), (APP, False)]


def test_async_checks_in_the_enforced_rule_and_in_its_candidate_are_each_awaited(reports: Reports) -> None:
    async def enforced(origin: str) -> bool:
        return origin == APP

    async def candidate(origin: str) -> bool:
        return origin == PARTNER

    async def hello(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = ASGIMiddleware(
        hello,
        resources={re.compile("/api/.*"): {"allow_origins": [enforced]}},
        report_only={"allow_origins": [candidate]},
        on_report=reports,
    )

    granted = request(app, path="/api/x", origin=APP)
    request(app, path="/api/x", origin=PARTNER)

    assert granted.get("access-control-allow-origin") == [APP]
    assert [(r.enforced.allowed, r.candidate.allowed, r.rule) for r in reports] == [
        (True, False, "/api/.*"),
        (False, True, "/api/.*"),
    ]


def test_the_wsgi_adapter_refuses_an_async_candidate_it_could_never_await() -> None:
    async def partner(origin: str) -> bool:
        return True

    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(ok_app, allow_origins=[APP], report_only={"allow_origins": [partner]})
    assert caught.value.option == "report_only allow_origins"
    assert "async function" in caught.value.problem


def test_a_checked_websocket_handshake_is_reported_as_a_get_and_still_decided_by_the_enforced_policy(
    reports: Reports,
) -> None:
    socket = EchoSocket()
    app = ASGIMiddleware(
        socket,
        allow_origins=[APP],
        check_websocket_origin=True,
        report_only={"allow_origins": [PARTNER]},
        on_report=reports,
    )

    run(app, handshake(APP), CONNECT)
    refused = run(app, handshake(PARTNER), CONNECT)

    assert socket.accepted == 1  # APP accepted, PARTNER refused: the enforced policy's answers
    assert refused.sent[-1] == {"type": "websocket.close", "code": 1008}
    assert [(r.method, r.path, r.enforced.allowed, r.candidate.allowed) for r in reports] == [
        ("GET", "/ws", True, False),
        ("GET", "/ws", False, True),
    ]


def test_a_websocket_report_line_says_it_is_a_handshake(caught: pytest.LogCaptureFixture) -> None:
    app = ASGIMiddleware(
        EchoSocket(), allow_origins=[APP], check_websocket_origin=True, report_only={"allow_origins": [EVIL]}
    )

    run(app, handshake(APP), CONNECT)

    [line] = [r.getMessage() for r in caught.records if r.name == "cors_wsgi.report"]
    assert line.startswith(
        "CORS report-only: the candidate policy decides this WebSocket handshake differently"
    )
