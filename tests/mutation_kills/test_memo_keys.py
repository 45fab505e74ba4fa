"""What a policy's memo keeps: request values within their length bounds, never beyond, never hashed.

The memo is public (``CORSPolicy.memo``) and bounded twice: by the process-wide
budget, and by keeping only values no longer than the longest a policy can
match, checked before anything hashes them (hashing a fresh megabyte costs a
request a thousand times a real header).
"""

from __future__ import annotations

import pytest

from cors_wsgi import CORSPolicy, decide_actual, decide_preflight
from cors_wsgi.facts import entry_of
from cors_wsgi.origins import MAX_ORIGIN_LENGTH
from cors_wsgi.tokens import MAX_HEADER_LIST_LENGTH, MAX_METHOD_LENGTH

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.com"
# A canonical origin of exactly the longest length: the scheme may be as long as it likes.
LONGEST_ORIGIN = "a" * (MAX_ORIGIN_LENGTH - len("://example.com")) + "://example.com"


class CountingStr(str):
    """A request value that counts how often it is hashed."""

    hashed = 0

    def __hash__(self) -> int:
        type(self).hashed += 1
        return super().__hash__()


def echoing() -> CORSPolicy:
    return CORSPolicy(allow_origins=[ORIGIN], allow_methods="*", allow_headers="*")


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        ("https://" + "a" * (MAX_ORIGIN_LENGTH - len("https://")), "GET", None),
        (ORIGIN, "M" * MAX_METHOD_LENGTH, None),
        (ORIGIN, "PUT", "x" * MAX_HEADER_LIST_LENGTH),
    ],
)
def test_a_preflight_whose_values_are_at_their_length_bounds_is_remembered(
    origin: str, method: str, headers: str | None
) -> None:
    policy = echoing()
    decision = decide_preflight(policy, origin, method, headers)
    assert policy.memo == {(origin, method, headers, False): entry_of(decision)}


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        ("https://" + "a" * (MAX_ORIGIN_LENGTH + 1 - len("https://")), "GET", None),
        (ORIGIN, "M" * (MAX_METHOD_LENGTH + 1), None),
        (ORIGIN, "PUT", "x" * (MAX_HEADER_LIST_LENGTH + 1)),
    ],
)
def test_a_preflight_with_a_value_beyond_its_length_bound_is_never_remembered(
    origin: str, method: str, headers: str | None
) -> None:
    policy = echoing()
    assert not decide_preflight(policy, origin, method, headers).allowed
    assert policy.memo == {}


def test_a_repeated_preflight_is_answered_by_the_remembered_decision() -> None:
    policy = echoing()
    first = decide_preflight(policy, OTHER, "PUT", "x-token")
    assert decide_preflight(policy, OTHER, "PUT", "x-token") is first
    assert policy.memo == {(OTHER, "PUT", "x-token", False): entry_of(first)}


def test_a_repeated_refused_origin_is_answered_by_the_remembered_decision() -> None:
    policy = echoing()
    first = decide_actual(policy, OTHER)
    assert decide_actual(policy, OTHER) is first
    assert policy.memo == {OTHER: entry_of(first)}


@pytest.mark.parametrize("origin", [ORIGIN, LONGEST_ORIGIN])
def test_an_exact_origins_preflight_grant_is_the_one_built_with_the_policy(origin: str) -> None:
    policy = CORSPolicy(allow_origins=[origin], allow_methods=["PUT"])
    assert decide_preflight(policy, origin, "PUT") is policy.granted_preflights[origin][2]


@pytest.mark.parametrize("length", [MAX_ORIGIN_LENGTH + 1, 1 << 20])
def test_an_over_long_origin_is_refused_without_being_hashed(length: int) -> None:
    origin = CountingStr("https://" + "a" * (length - len("https://")))
    CountingStr.hashed = 0
    policy = CORSPolicy(allow_origins=[ORIGIN, "https://*.example.com"], allow_methods=["PUT"])
    assert not decide_preflight(policy, origin, "PUT").allowed
    assert not decide_actual(policy, origin).allowed
    assert CountingStr.hashed == 0
