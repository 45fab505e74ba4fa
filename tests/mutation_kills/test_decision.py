"""Decisions are complete, typed values: every field of every branch is pinned.

Tools (the command line, ``on_decision`` callbacks, metrics) read the fields of
a Decision, so a refusal must say ``allowed=False`` (not merely something
falsy), ``detail=""`` when there is nothing to name, and ``preflight=True``
for every preflight answer, whichever rule refused it.
"""

from __future__ import annotations

import pytest

from cors_wsgi import CORSPolicy, Decision, RequestFacts, decide, decide_actual, decide_preflight, reasons

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.com"
# Asking for private network access changes the answer whether or not the policy allows it.
PREFLIGHT_VARY = (
    (
        "Vary",
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network",
    ),
)
# Always allowed once the origin is (issue 14), so always listed in a preflight grant.
SAFELISTED_ALLOW = ("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Language, Content-Type")


def policy(**options: object) -> CORSPolicy:
    return CORSPolicy(allow_origins=[ORIGIN], **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cors", "origin", "method", "headers", "private", "expected"),
    [
        (policy(), OTHER, "GET", None, False, (reasons.ORIGIN_NOT_ALLOWED, "")),
        (policy(), "https://App.example.com", "GET", None, False, (reasons.ORIGIN_MALFORMED, "")),
        (policy(), ORIGIN, "GET PUT", None, False, (reasons.METHOD_MALFORMED, "")),
        (policy(allow_methods="*"), ORIGIN, "GET PUT", None, False, (reasons.METHOD_MALFORMED, "")),
        # Longer than any method: refused by its length, before it is hashed or parsed.
        (policy(), ORIGIN, "G" * 65, None, False, (reasons.METHOD_MALFORMED, "")),
        (policy(allow_methods="*"), ORIGIN, "G" * 65, None, False, (reasons.METHOD_MALFORMED, "")),
        (policy(), ORIGIN, "DELETE", None, False, (reasons.METHOD_NOT_ALLOWED, "DELETE")),
        (policy(), ORIGIN, "GET", "x-a,,x b", False, (reasons.HEADERS_MALFORMED, "")),
        (policy(allow_headers="*"), ORIGIN, "GET", "x\r\n", False, (reasons.HEADERS_MALFORMED, "")),
        (policy(), ORIGIN, "GET", "x-token", False, (reasons.HEADER_NOT_ALLOWED, "x-token")),
        (policy(), ORIGIN, "GET", None, True, (reasons.PRIVATE_NETWORK_NOT_ALLOWED, "")),
    ],
)
def test_every_refused_preflight_is_a_complete_refusal_value(
    cors: CORSPolicy, origin: str, method: str, headers: str | None, private: bool, expected: tuple[str, str]
) -> None:
    reason, detail = expected
    decision = decide_preflight(cors, origin, method, headers, private)
    assert decision == Decision(False, reason, detail, origin, True, PREFLIGHT_VARY)
    assert decision.allowed is False
    assert decision.preflight is True


def test_granted_preflight_is_a_complete_grant_value() -> None:
    decision = decide_preflight(policy(allow_methods="*", max_age=None), ORIGIN, "PATCH")
    assert decision == Decision(
        True,
        reasons.ALLOWED,
        "",
        ORIGIN,
        True,
        (
            ("Access-Control-Allow-Origin", ORIGIN),
            SAFELISTED_ALLOW,
            ("Access-Control-Allow-Methods", "PATCH"),
            *PREFLIGHT_VARY,
        ),
    )
    assert decision.preflight is True


def test_precomputed_preflight_grant_is_the_same_value_as_a_computed_one() -> None:
    listed = decide_preflight(policy(allow_methods=["PUT"], max_age=5), ORIGIN, "PUT")
    matched = decide_preflight(
        CORSPolicy(allow_origins=["https://*.example.com"], allow_methods=["PUT"], max_age=5), ORIGIN, "PUT"
    )
    assert (
        listed
        == matched
        == Decision(
            True,
            reasons.ALLOWED,
            "",
            ORIGIN,
            True,
            (
                ("Access-Control-Allow-Origin", ORIGIN),
                ("Access-Control-Allow-Methods", "PUT"),
                SAFELISTED_ALLOW,
                ("Access-Control-Max-Age", "5"),
                *PREFLIGHT_VARY,
            ),
        )
    )


def test_private_network_grant_adds_its_header_to_a_precomputed_grant() -> None:
    cors = policy(allow_private_network=True, max_age=None)
    decision = decide_preflight(cors, ORIGIN, "GET", None, True)
    assert decision == Decision(
        True,
        reasons.ALLOWED,
        "",
        ORIGIN,
        True,
        (
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Methods", "GET, HEAD, POST"),
            SAFELISTED_ALLOW,
            ("Access-Control-Allow-Private-Network", "true"),
            *PREFLIGHT_VARY,
        ),
    )


def test_private_network_grant_reaches_a_policy_whose_origin_check_is_a_callable() -> None:
    # A callable's answer may change, so its decisions bypass the memo: the flag must still arrive.
    cors = CORSPolicy(allow_origins=[lambda origin: origin == ORIGIN], allow_private_network=True)
    decision = decide_preflight(cors, ORIGIN, "GET", None, True)
    assert decision.allowed is True
    assert ("Access-Control-Allow-Private-Network", "true") in decision.headers
    assert decide_preflight(cors, ORIGIN, "GET", None, False).headers == tuple(
        header for header in decision.headers if header[0] != "Access-Control-Allow-Private-Network"
    )


def test_refused_origin_is_refused_even_when_another_origin_has_a_precomputed_grant() -> None:
    cors = CORSPolicy(allow_origins=[ORIGIN, "https://*.example.org"], allow_methods=["PUT"])
    assert decide_preflight(cors, "https://a.example.org", "PUT").allowed is True
    refused = decide_preflight(cors, OTHER, "PUT")
    assert refused == Decision(False, reasons.ORIGIN_NOT_ALLOWED, "", OTHER, True, PREFLIGHT_VARY)


def test_header_list_of_known_names_is_parsed_with_spaces_and_case() -> None:
    cors = policy(allow_headers=["X-A", "X-B"])
    decision = decide_preflight(cors, ORIGIN, "GET", " X-B ,x-a")
    assert decision.allowed is True
    assert dict(decision.headers)["Access-Control-Allow-Headers"] == (
        "X-A, X-B, Accept, Accept-Language, Content-Language, Content-Type"
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            RequestFacts(ORIGIN, "OPTIONS", "DELETE", "x-token", True),
            (False, reasons.METHOD_NOT_ALLOWED, True),
        ),
        (RequestFacts(ORIGIN, "OPTIONS", "GET", "x-token"), (False, reasons.HEADER_NOT_ALLOWED, True)),
        (
            RequestFacts(ORIGIN, "OPTIONS", "GET", None, True),
            (False, reasons.PRIVATE_NETWORK_NOT_ALLOWED, True),
        ),
        (RequestFacts(ORIGIN, "GET"), (True, reasons.ALLOWED, False)),
        (RequestFacts(None, "GET"), (False, reasons.NO_ORIGIN, False)),
    ],
)
def test_decide_passes_every_fact_of_the_request_on(
    facts: RequestFacts, expected: tuple[bool, str, bool]
) -> None:
    decision = decide(policy(), facts)
    assert (decision.allowed, decision.reason, decision.preflight) == expected
    assert decision.origin == facts.origin


def test_refused_actual_request_is_a_complete_refusal_value() -> None:
    decision = decide_actual(policy(), OTHER)
    assert decision == Decision(False, reasons.ORIGIN_NOT_ALLOWED, "", OTHER, False, (("Vary", "Origin"),))
    assert decision.preflight is False


def test_listed_origin_next_to_a_star_still_gets_the_star_answer() -> None:
    cors = CORSPolicy(allow_origins=["*", ORIGIN])
    assert decide_actual(cors, ORIGIN) == Decision(
        True, reasons.ALLOWED, "", ORIGIN, False, (("Access-Control-Allow-Origin", "*"),)
    )


@pytest.mark.parametrize("allowed", [[ORIGIN], ["https://*.example.com"]])
def test_granted_actual_request_is_a_complete_grant_value(allowed: list[str]) -> None:
    cors = CORSPolicy(allow_origins=allowed, allow_credentials=True, expose_headers=["X-Total"])
    assert decide_actual(cors, ORIGIN) == Decision(
        True,
        reasons.ALLOWED,
        "",
        ORIGIN,
        False,
        (
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Expose-Headers", "X-Total"),
            ("Vary", "Origin"),
        ),
    )


def test_any_origin_grant_is_a_complete_grant_value() -> None:
    assert decide_actual(CORSPolicy(allow_origins="*"), ORIGIN) == Decision(
        True, reasons.ALLOWED, "", ORIGIN, False, (("Access-Control-Allow-Origin", "*"),)
    )


def test_no_origin_decision_has_no_detail() -> None:
    assert decide_actual(policy(), None) == Decision(
        False, reasons.NO_ORIGIN, "", None, False, (("Vary", "Origin"),)
    )
