"""Preflight decisions: methods, requested headers, wildcards, max-age, private network."""

from __future__ import annotations

import pytest

from cors_wsgi import CORSPolicy, Decision, RequestFacts, decide, decide_preflight, reasons
from tests.core.conftest import grant_of

ORIGIN = "https://app.example.com"


def policy(**options: object) -> CORSPolicy:
    return CORSPolicy(allow_origins=[ORIGIN], **options)  # type: ignore[arg-type]


def headers_of(decision: Decision) -> dict[str, str]:
    return dict(decision.headers)


def test_granted_preflight_lists_methods_headers_and_max_age() -> None:
    decision = decide_preflight(
        policy(allow_methods=["GET", "PUT"], allow_headers=["Content-Type", "X-Token"], max_age=300),
        ORIGIN,
        "PUT",
        "content-type,x-token",
    )
    assert decision.allowed
    assert decision.preflight
    assert headers_of(decision) == {
        "Access-Control-Allow-Origin": ORIGIN,
        "Access-Control-Allow-Methods": "GET, PUT",
        "Access-Control-Allow-Headers": "Content-Type, X-Token, Accept, Accept-Language, Content-Language",
        "Access-Control-Max-Age": "300",
        "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network",
    }
    assert decision.vary == (
        "Origin",
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
        "Access-Control-Request-Private-Network",
    )


def test_method_not_listed_is_refused_with_its_name() -> None:
    decision = decide_preflight(policy(allow_methods=["GET", "PUT"]), ORIGIN, "DELETE")
    assert not decision.allowed
    assert decision.reason == reasons.METHOD_NOT_ALLOWED
    assert decision.detail == "DELETE"
    assert decision.message == "method-not-allowed: DELETE"
    assert grant_of(decision) == {}


def test_method_matching_is_case_sensitive_as_in_browsers() -> None:
    decision = decide_preflight(policy(allow_methods=["PATCH"]), ORIGIN, "patch")
    assert decision.reason == reasons.METHOD_NOT_ALLOWED
    assert decide_preflight(policy(allow_methods=["PATCH"]), ORIGIN, "PATCH").allowed


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_safelisted_methods_are_always_allowed_because_browsers_never_check_them(method: str) -> None:
    assert decide_preflight(policy(allow_methods=["PUT"]), ORIGIN, method).allowed


@pytest.mark.parametrize("method", ["GET, PUT", "PUT DELETE", "x" * 65, "PU\tT", "GET\r\n"])
def test_request_method_that_is_not_one_token_is_malformed(method: str) -> None:
    decision = decide_preflight(policy(allow_methods="*"), ORIGIN, method)
    assert decision.reason == reasons.METHOD_MALFORMED
    assert grant_of(decision) == {}


def test_any_method_echoes_the_requested_method_never_a_star() -> None:
    decision = decide_preflight(policy(allow_methods="*"), ORIGIN, "PURGE")
    assert headers_of(decision)["Access-Control-Allow-Methods"] == "PURGE"


def test_any_method_with_credentials_still_echoes_the_method() -> None:
    decision = decide_preflight(policy(allow_methods="*", allow_credentials=True), ORIGIN, "DELETE")
    assert headers_of(decision)["Access-Control-Allow-Methods"] == "DELETE"
    assert headers_of(decision)["Access-Control-Allow-Credentials"] == "true"


def test_requested_headers_are_matched_case_insensitively() -> None:
    decision = decide_preflight(policy(allow_headers=["X-Token"]), ORIGIN, "GET", "X-TOKEN")
    assert decision.allowed


def test_header_not_listed_is_refused_naming_it() -> None:
    decision = decide_preflight(policy(allow_headers=["X-Token"]), ORIGIN, "GET", "x-token,x-other")
    assert decision.reason == reasons.HEADER_NOT_ALLOWED
    assert decision.detail == "x-other"


def test_requested_headers_tolerate_spaces_empty_elements_and_duplicates() -> None:
    decision = decide_preflight(policy(allow_headers=["A", "B"]), ORIGIN, "GET", " a ,, b,\ta , ")
    assert decision.allowed


@pytest.mark.parametrize(
    "requested",
    ["x-token, bad header", "x-token,\r\nx-injected", "x-(token)", "a" * 5000, "," * (1024 * 1024)],
)
def test_malformed_or_oversized_requested_headers_are_refused_whole(requested: str) -> None:
    decision = decide_preflight(policy(allow_headers="*"), ORIGIN, "GET", requested)
    assert decision.reason == reasons.HEADERS_MALFORMED
    assert grant_of(decision) == {}


def test_any_header_echoes_validated_names_including_authorization() -> None:
    decision = decide_preflight(
        policy(allow_headers="*", allow_credentials=True), ORIGIN, "GET", "authorization,x-b,x-b,content-type"
    )
    assert headers_of(decision)["Access-Control-Allow-Headers"] == "authorization, x-b, content-type"


def test_any_header_without_a_request_sends_no_allow_headers() -> None:
    assert "Access-Control-Allow-Headers" not in headers_of(
        decide_preflight(policy(allow_headers="*"), ORIGIN, "GET")
    )


def test_any_origin_preflight_answers_star_and_no_credentials() -> None:
    decision = decide_preflight(CORSPolicy(allow_origins="*"), "https://anyone.example", "GET")
    assert headers_of(decision)["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in headers_of(decision)


def test_refused_origin_refuses_the_preflight_before_anything_else() -> None:
    decision = decide_preflight(policy(allow_methods="*"), "https://evil.example", "GET")
    assert decision.reason == reasons.ORIGIN_NOT_ALLOWED
    assert grant_of(decision) == {}
    assert decision.vary


@pytest.mark.parametrize(("max_age", "expected"), [(None, None), (0, "0"), (7200, "7200")])
def test_max_age_is_sent_as_configured_or_omitted(max_age: int | None, expected: str | None) -> None:
    assert (
        headers_of(decide_preflight(policy(max_age=max_age), ORIGIN, "GET")).get("Access-Control-Max-Age")
        == expected
    )


def test_private_network_is_granted_only_when_the_policy_opts_in() -> None:
    allowed = decide_preflight(policy(allow_private_network=True), ORIGIN, "GET", None, True)
    assert headers_of(allowed)["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Request-Private-Network" in allowed.vary
    refused = decide_preflight(policy(), ORIGIN, "GET", None, True)
    assert refused.reason == reasons.PRIVATE_NETWORK_NOT_ALLOWED
    not_asked = decide_preflight(policy(allow_private_network=True), ORIGIN, "GET")
    assert "Access-Control-Allow-Private-Network" not in headers_of(not_asked)


def test_decide_dispatches_on_whether_the_request_is_a_preflight() -> None:
    cors = policy(allow_methods=["PUT"])
    assert decide(cors, RequestFacts(ORIGIN, "OPTIONS", "PUT")).preflight
    assert not decide(cors, RequestFacts(ORIGIN, "OPTIONS")).preflight
    assert not decide(cors, RequestFacts(ORIGIN, "OPTIONS", "")).preflight
    assert not decide(cors, RequestFacts(None, "OPTIONS", "PUT")).preflight
    assert not decide(cors, RequestFacts(ORIGIN, "PUT", "PUT")).preflight


def test_every_reason_code_is_listed_in_reasons_all() -> None:
    codes = {value for name, value in vars(reasons).items() if name.isupper() and isinstance(value, str)}
    assert codes == set(reasons.ALL)


def test_requested_headers_with_too_many_elements_are_refused_whole() -> None:
    within_length = ",".join(["x-a"] * 200)
    decision = decide_preflight(policy(allow_headers="*"), ORIGIN, "GET", within_length)
    assert decision.reason == reasons.HEADERS_MALFORMED
    commas = "," * 1000
    assert (
        decide_preflight(policy(allow_headers="*"), ORIGIN, "GET", commas).reason == reasons.HEADERS_MALFORMED
    )


def test_a_long_but_reasonable_list_of_requested_headers_is_granted() -> None:
    names = [f"x-custom-{i}" for i in range(100)]
    decision = decide_preflight(policy(allow_headers=names), ORIGIN, "GET", ",".join(names))
    assert decision.allowed
