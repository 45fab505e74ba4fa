"""Request values longer than any limit are refused by their length, before any lookup.

Hashing a fresh megabyte for a dict or set lookup costs about a thousand times
a real header, so Origin, Access-Control-Request-Method and -Headers are
length-checked first. Work is not timed here; what is pinned is the behaviour
at each boundary: the longest value that can match still matches, one byte
more is refused with the reason code of its length.
"""

from __future__ import annotations

import pytest

from cors_wsgi import ConfigError, CORSPolicy, decide_actual, decide_preflight, reasons
from cors_wsgi.origins import MAX_ORIGIN_LENGTH
from cors_wsgi.tokens import MAX_HEADER_LIST_LENGTH, MAX_METHOD_LENGTH

MIB = 1 << 20


def origin_of_length(length: int) -> str:
    """A canonical origin of exactly ``length`` characters: a host is at most 253, so the scheme is long."""
    host = "app.example"
    return "s" * (length - len("://") - len(host)) + "://" + host


LONGEST = origin_of_length(MAX_ORIGIN_LENGTH)


def test_the_helper_builds_origins_of_the_exact_length() -> None:
    assert len(LONGEST) == MAX_ORIGIN_LENGTH
    assert len(origin_of_length(200)) == 200


@pytest.mark.parametrize("wildcard", [False, True], ids=["exact", "exact-and-subdomains"])
def test_a_listed_origin_of_the_longest_length_is_granted_on_every_path(wildcard: bool) -> None:
    entries = [LONGEST, "https://*.example.org"] if wildcard else [LONGEST]
    policy = CORSPolicy(allow_origins=entries, allow_methods=["PUT"])
    assert decide_actual(policy, LONGEST).allowed
    assert decide_preflight(policy, LONGEST, "PUT").allowed
    assert policy.origins.check(LONGEST) == reasons.ALLOWED


@pytest.mark.parametrize("origin", [LONGEST + "a", "https://" + "a" * MIB + str(7)])
def test_an_origin_over_the_limit_is_malformed_on_every_path(origin: str) -> None:
    policy = CORSPolicy(
        allow_origins=["https://app.example.com", "https://*.example.net"], allow_methods=["PUT"]
    )
    assert decide_actual(policy, origin).reason == reasons.ORIGIN_MALFORMED
    assert decide_preflight(policy, origin, "PUT").reason == reasons.ORIGIN_MALFORMED
    assert policy.origins.check(origin) == reasons.ORIGIN_MALFORMED


def test_an_any_origin_policy_still_answers_an_oversized_origin_with_the_wildcard_only() -> None:
    decision = decide_actual(CORSPolicy(allow_origins="*"), "h" * MIB)
    assert decision.allowed
    assert ("Access-Control-Allow-Origin", "*") in decision.headers


def test_a_listed_method_of_the_longest_length_is_granted_and_longer_ones_are_malformed() -> None:
    longest = "M" * MAX_METHOD_LENGTH
    policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_methods=[longest])
    assert decide_preflight(policy, "https://app.example.com", longest).allowed
    for method in (longest + "M", "P" * MIB + "1"):
        assert decide_preflight(policy, "https://app.example.com", method).reason == reasons.METHOD_MALFORMED


def test_a_method_over_the_limit_is_refused_for_its_origin_first() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    decision = decide_preflight(policy, "https://other.example.com", "P" * MIB)
    assert decision.reason == reasons.ORIGIN_NOT_ALLOWED


def test_a_listed_header_of_the_longest_length_is_granted_and_longer_lists_are_malformed() -> None:
    name = "x-" + "a" * (MAX_HEADER_LIST_LENGTH - 2)
    policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_headers=[name])
    assert decide_preflight(policy, "https://app.example.com", "POST", name).allowed
    for raw in (name + "a", "x" * MIB + "2"):
        decision = decide_preflight(policy, "https://app.example.com", "POST", raw)
        assert decision.reason == reasons.HEADERS_MALFORMED


@pytest.mark.parametrize(
    ("option", "name", "limit"),
    [
        ("allow_methods", "M" * (MAX_METHOD_LENGTH + 1), MAX_METHOD_LENGTH),
        ("allow_headers", "x" * (MAX_HEADER_LIST_LENGTH + 1), MAX_HEADER_LIST_LENGTH),
    ],
)
def test_a_configured_name_longer_than_any_request_can_carry_is_an_error(
    option: str, name: str, limit: int
) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(**{option: ["POST", name]})  # type: ignore[misc]
    error = raised.value
    assert (error.option, error.value) == (option, name)
    assert (
        error.problem == f"is longer than the {limit} characters we read from a request, so it never matches"
    )
    assert error.fix == "shorten it or remove it"
