"""The (allowed, headers, decision) entries: their preflight default, the memo's budget on the
WSGI path, and the method the middleware reports when the environ names none."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, CORSPolicy, Decision, DecisionContext, decide_actual, decide_preflight
from cors_wsgi.decision import preflight_entry
from cors_wsgi.memo import MAX_ENTRIES

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.com"
EVIL = "https://evil.example.com"


def ok_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def without_method(origin: str) -> dict[str, Any]:
    """An environ that names no REQUEST_METHOD (PEP 3333 requires one; a hand-built one may lack it)."""
    return {"PATH_INFO": "/", "HTTP_ORIGIN": origin}


def ignore_start(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
    return None


def test_preflight_entry_without_a_private_network_flag_asks_for_no_private_network_access() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_methods=["PUT"], allow_headers=["x-token"])

    allowed, headers, decision = preflight_entry(policy, ORIGIN, "PUT")

    assert allowed
    assert decision == decide_preflight(policy, ORIGIN, "PUT", None, False)
    assert headers == decision.headers
    assert "Access-Control-Allow-Private-Network" not in dict(headers)


def test_repeated_requests_from_a_remembered_origin_do_not_spend_the_process_wide_memo_budget() -> None:
    other = CORSPolicy(allow_origins=[OTHER])
    app = TestApp(CORSMiddleware(ok_app, allow_origins=[ORIGIN]))
    # Both remembered first: of these three insertions at most one falls on the process-wide
    # clear, and the third request inserts again if that clear emptied the middleware's memo.
    app.get("/", headers={"Origin": ORIGIN})
    decide_actual(other, OTHER)
    app.get("/", headers={"Origin": ORIGIN})
    assert OTHER in other.memo

    for _ in range(MAX_ENTRIES):
        response = app.get("/", headers={"Origin": ORIGIN})
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN

    # Repeats are memo hits, never insertions: the clear that would empty every memo never came.
    assert OTHER in other.memo


def test_a_refused_request_whose_environ_names_no_method_is_logged_with_an_empty_method(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_wsgi")
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN])

    assert b"".join(app(without_method(EVIL), ignore_start)) == b"ok"

    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("CORS refused")]
    assert refusals == [f"CORS refused request: origin='{EVIL}' method='' path='/' reason=origin-not-allowed"]


def test_on_decision_gets_an_empty_method_when_the_environ_names_none() -> None:
    seen: list[tuple[Decision, DecisionContext]] = []

    def on_decision(decision: Decision, context: DecisionContext) -> None:
        seen.append((decision, context))

    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN], on_decision=on_decision)

    assert b"".join(app(without_method(ORIGIN), ignore_start)) == b"ok"

    assert seen == [(decide_actual(CORSPolicy(allow_origins=[ORIGIN]), ORIGIN), DecisionContext("", "/"))]
