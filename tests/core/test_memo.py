"""The memo of finished decisions changes no answer, reason, log or notification.

A repeat of a request gets the Decision the policy's memo kept; every test
compares it with the decision a new policy (an empty memo) computes.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cors_wsgi import CORSMiddleware, CORSPolicy, Decision, decide_actual, decide_preflight, memo, reasons
from cors_wsgi.decision import actual_entry, preflight_entry, unremembered_entry
from cors_wsgi.origins import MAX_ORIGIN_LENGTH
from tests.core.conftest import text_app
from tests.fuzz.oracle import ALLOWED, SUBDOMAIN_PARENT
from tests.fuzz.strategies import header_lists, methods, origins

POLICIES = {
    "listed": CORSPolicy(
        allow_origins=[*ALLOWED, f"https://*.{SUBDOMAIN_PARENT}"],
        allow_origin_regex=r"https://review-\d+\.example\.org",
        allow_methods=["GET", "PUT", "patch"],
        allow_headers=["X-Requested-With", "Authorization"],
        allow_credentials=True,
        allow_private_network=True,
    ),
    "echoing": CORSPolicy(allow_origins=list(ALLOWED), allow_methods="*", allow_headers="*"),
    "any_origin": CORSPolicy(allow_origins="*", allow_methods=["PUT"]),
}
FAST = settings(max_examples=300, deadline=None)
#: A preflight of any policy, as the tests' keyword arguments.
ANY_PREFLIGHT = given(
    name=st.sampled_from(sorted(POLICIES)),
    origin=origins,
    method=methods,
    headers=st.none() | header_lists(),
    private_network=st.booleans(),
)


def fresh(policy: CORSPolicy) -> CORSPolicy:
    """The same policy with an empty memo: its first answer to anything is computed."""
    return policy.replace()


@FAST
@given(name=st.sampled_from(sorted(POLICIES)), origin=origins)
def test_repeated_actual_request_gets_the_computed_decision(name: str, origin: str) -> None:
    policy = POLICIES[name]
    first = decide_actual(policy, origin)
    again = decide_actual(policy, origin)
    assert first == again == decide_actual(fresh(policy), origin)


@FAST
@given(name=st.sampled_from(sorted(POLICIES)), origin=origins.filter(lambda o: len(o) <= MAX_ORIGIN_LENGTH))
def test_deciding_after_an_adapters_own_memo_miss_gives_the_same_decision_and_remembers_it(
    name: str, origin: str
) -> None:
    policy = fresh(POLICIES[name])
    # Computed first: its insertion may be the one that spends the process-wide budget.
    expected = decide_actual(fresh(policy), origin)
    allowed, headers, decision = unremembered_entry(policy, origin)
    assert decision == expected
    assert (allowed, headers) == (expected.allowed, expected.headers)
    assert policy.memo == {origin: (allowed, headers, decision)}


@FAST
@ANY_PREFLIGHT
def test_repeated_preflight_gets_the_computed_decision(
    name: str, origin: str, method: str, headers: str | None, private_network: bool
) -> None:
    policy = POLICIES[name]
    asked = (origin, method, headers, private_network)
    first = decide_preflight(policy, *asked)
    again = decide_preflight(policy, *asked)
    assert first == again == decide_preflight(fresh(policy), *asked)


@FAST
@ANY_PREFLIGHT
def test_an_entrys_allowed_and_headers_are_its_decisions_first_time_and_repeated(
    name: str, origin: str, method: str, headers: str | None, private_network: bool
) -> None:
    """The WSGI middleware reads an entry's front fields, never the Decision's: they must agree."""
    policy = fresh(POLICIES[name])
    asked = (origin, method, headers, private_network)
    for _ in range(2):
        for allowed, sent, decision in (
            actual_entry(policy, origin),
            preflight_entry(policy, *asked),
            policy.no_origin_entry,
        ):
            assert (allowed, sent) == (decision.allowed, decision.headers)
    assert actual_entry(policy, origin)[2] == decide_actual(fresh(policy), origin)
    assert preflight_entry(policy, *asked)[2] == decide_preflight(fresh(policy), *asked)


def test_preflights_differing_in_one_value_get_their_own_decisions() -> None:
    policy = POLICIES["listed"]
    origin = ALLOWED[0]
    asked = [
        (origin, "PUT", "x-requested-with", False),
        (origin, "PUT", "x-requested-with,x-other", False),
        (origin, "DELETE", "x-requested-with", False),
        (origin, "PUT", "x-requested-with", True),
        ("https://evil.example.net", "PUT", "x-requested-with", False),
    ]
    for _ in range(2):
        answers = [decide_preflight(policy, *values) for values in asked]
        assert [(d.allowed, d.reason) for d in answers] == [
            (True, reasons.ALLOWED),
            (False, reasons.HEADER_NOT_ALLOWED),
            (False, reasons.METHOD_NOT_ALLOWED),
            (True, reasons.ALLOWED),
            (False, reasons.ORIGIN_NOT_ALLOWED),
        ]
        assert ("Access-Control-Allow-Private-Network", "true") in answers[3].headers
        assert ("Access-Control-Allow-Private-Network", "true") not in answers[0].headers


def test_callable_origin_check_is_asked_on_every_request() -> None:
    asked: list[str] = []

    def check(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".partner.example")

    policy = CORSPolicy(allow_origins=["https://app.example.com", check], allow_methods=["PUT"])
    for origin in ("https://a.partner.example", "https://evil.example.net"):
        for _ in range(3):
            assert decide_actual(policy, origin).allowed == origin.endswith(".partner.example")
            assert decide_preflight(policy, origin, "PUT").allowed == origin.endswith(".partner.example")
    assert len(asked) == 12


def test_callable_that_changes_its_mind_is_followed() -> None:
    trusted = {"https://a.partner.example"}
    policy = CORSPolicy(allow_origins=[lambda origin: origin in trusted])
    assert decide_actual(policy, "https://a.partner.example").allowed
    trusted.clear()
    assert not decide_actual(policy, "https://a.partner.example").allowed


def test_reconfigured_policy_starts_with_an_empty_memo() -> None:
    middleware = CORSMiddleware(text_app(), allow_origins=["https://*.example.com"])
    before = middleware.policy
    decide_actual(before, "https://a.example.com")
    assert before.memo
    middleware.reconfigure(allow_origins=["https://*.example.org"])
    assert middleware.policy.memo == {}
    assert not decide_actual(middleware.policy, "https://a.example.com").allowed


def test_a_collected_policys_memo_leaves_the_process_wide_budget() -> None:
    """Reconfiguring many times must not keep the old policies' memos (and their entries) alive."""
    gc.collect()
    held = memo.entries()
    middleware = CORSMiddleware(text_app(), allow_origins=["https://*.example.com"])
    for n in range(50):
        decide_actual(middleware.policy, f"https://a{n}.example.com")
        middleware.reconfigure(allow_origins=[f"https://*.t{n}.example.com"])
    decide_actual(middleware.policy, "https://a.t49.example.com")
    gc.collect()
    assert memo.entries() == held + 1
    del middleware
    gc.collect()
    assert memo.entries() == held


def test_exact_grant_is_remembered_so_one_lookup_finds_it() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    decision = decide_actual(policy, "https://app.example.com")
    assert decision is policy.granted_entries["https://app.example.com"][2]
    assert policy.memo["https://app.example.com"][2] is decision


def test_policy_with_a_callable_check_remembers_nothing() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com", lambda origin: origin.endswith(".test")])
    assert not policy.remembers
    assert decide_actual(policy, "https://app.example.com").allowed
    assert decide_actual(policy, "https://a.test").allowed
    assert not decide_actual(policy, "https://evil.example.net").allowed
    assert decide_preflight(policy, "https://a.test", "GET").allowed
    assert policy.memo == {}


def test_over_long_origin_is_never_a_memo_key() -> None:
    middleware = CORSMiddleware(text_app(), allow_origins=["https://*.example.com"])
    origin = "https://" + "a" * 2000 + ".example.com"
    assert ("Vary", "Origin") in _get(middleware, origin)
    assert middleware.policy.memo == {}


def test_policy_memo_cannot_be_replaced() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com"])
    with pytest.raises(AttributeError, match="immutable"):
        policy.memo = {}  # type: ignore[misc]


def _get(middleware: CORSMiddleware, origin: str) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.extend(headers)

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": origin, "wsgi.url_scheme": "https"}
    b"".join(middleware(environ, start_response))
    return seen


def test_repeated_refusal_is_logged_and_notified_every_time(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No rate-limit window, so that only the memo could hold a line back: it must not.
    monkeypatch.setattr("cors_wsgi.logs.REFUSAL_LOG_WINDOW", 0.0)
    notified: list[Decision] = []
    middleware = CORSMiddleware(
        text_app(), allow_origins=["https://*.example.com"], on_decision=notified.append
    )
    with caplog.at_level(logging.DEBUG, logger="cors_wsgi"):
        answers = [_get(middleware, "https://evil.example.net") for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert [(d.allowed, d.reason) for d in notified] == [(False, reasons.ORIGIN_NOT_ALLOWED)] * 3
    refusals = [r for r in caplog.records if "evil.example.net" in r.getMessage()]
    assert len(refusals) == 3
