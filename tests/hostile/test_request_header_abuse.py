"""Access-Control-Request-Headers and -Method abuse: refused cheaply, never echoed unsafely.

Work is bounded by counting, not timing: an oversized list is refused as
malformed before it is split (so it never reaches the per-name checks, whose
first failure would be ``header-not-allowed``), and an echoed list is never
longer than the cap.
"""

from __future__ import annotations

import pytest

from cors_wsgi import reasons
from cors_wsgi.tokens import MAX_HEADER_LIST_ELEMENTS, MAX_HEADER_LIST_LENGTH
from tests.hostile.harness import ALLOWED_ORIGIN, Probe, assert_refused

MIB = 1 << 20
MALFORMED_LISTS = {
    "one-mib-of-commas": "," * MIB,
    "twenty-thousand-names": ",".join(f"x-h{i}" for i in range(20_000)),
    "one-mib-name": "x" * MIB,
    "space-in-name": "x-requested-with, bad name",
    "crlf": "x-requested-with\r\nSet-Cookie: a=b",
    "lf": "x-requested-with\nx-injected",
    "nul": "x-requested-with\0",
    "colon": "x-requested-with:",
    "semicolon": "x-requested-with;content-type",
    "non-ascii": "x-r\xe9quested",
    "quotes": '"x-requested-with"',
}


@pytest.mark.parametrize("allow_headers", [["X-Requested-With"], "*"], ids=["listed", "any"])
@pytest.mark.parametrize("raw", MALFORMED_LISTS.values(), ids=MALFORMED_LISTS.keys())
def test_malformed_request_headers_are_refused_as_malformed(allow_headers: object, raw: str) -> None:
    probe = Probe({"allow_headers": allow_headers})
    answer = probe.preflight(ALLOWED_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS=raw)
    assert_refused(probe, answer)
    assert probe.last.reason == reasons.HEADERS_MALFORMED


@pytest.mark.parametrize(
    "raw",
    [",,,,", " , ,\t,", "x-requested-with,,", "x-requested-with, x-requested-with", "X-REQUESTED-WITH"],
    ids=["only-commas", "only-blanks", "trailing-empty", "duplicate-lines-joined", "upper"],
)
def test_tolerated_oddities_grant_exactly_the_listed_names(raw: str) -> None:
    probe = Probe()
    answer = probe.preflight(ALLOWED_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS=raw)
    assert answer.grant == ALLOWED_ORIGIN
    assert answer.get("Access-Control-Allow-Headers") == [
        "X-Requested-With, Content-Type, Accept, Accept-Language, Content-Language"
    ]


def test_echoed_header_list_is_bounded_and_deduplicated() -> None:
    names = ",".join(["x-a", "x-b"] * (MAX_HEADER_LIST_ELEMENTS // 2))
    probe = Probe({"allow_headers": "*"})
    answer = probe.preflight(ALLOWED_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS=names)
    assert answer.get("Access-Control-Allow-Headers") == ["x-a, x-b"]


def test_longest_accepted_list_is_echoed_within_the_caps() -> None:
    names = [f"x-{i:04}" for i in range(MAX_HEADER_LIST_ELEMENTS)]
    assert len(",".join(names)) <= MAX_HEADER_LIST_LENGTH
    probe = Probe({"allow_headers": "*"})
    (echoed,) = probe.preflight(ALLOWED_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS=",".join(names)).get(
        "Access-Control-Allow-Headers"
    )
    assert echoed == ", ".join(names)


def test_one_element_over_the_cap_refuses_the_whole_list() -> None:
    names = ",".join(f"x-{i:04}" for i in range(MAX_HEADER_LIST_ELEMENTS + 1))
    probe = Probe({"allow_headers": "*"})
    assert_refused(probe, probe.preflight(ALLOWED_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS=names))
    assert probe.last.reason == reasons.HEADERS_MALFORMED


def test_unlisted_header_is_named_in_the_refusal() -> None:
    probe = Probe()
    assert_refused(probe, probe.preflight(ALLOWED_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS="x-evil"))
    assert (probe.last.reason, probe.last.detail) == (reasons.HEADER_NOT_ALLOWED, "x-evil")


METHODS = {
    "list": ("PUT, DELETE", reasons.METHOD_MALFORMED),
    "list-no-space": ("PUT,GET", reasons.METHOD_MALFORMED),
    "lower-case": ("put", reasons.METHOD_NOT_ALLOWED),
    "forbidden-connect": ("CONNECT", reasons.METHOD_NOT_ALLOWED),
    "forbidden-trace": ("TRACE", reasons.METHOD_NOT_ALLOWED),
    "crlf": ("PUT\r\nX: y", reasons.METHOD_MALFORMED),
    "space": ("PUT ", reasons.METHOD_MALFORMED),
    "one-mib": ("P" * MIB, reasons.METHOD_MALFORMED),
    "non-ascii": ("P\xdcT", reasons.METHOD_MALFORMED),
}


@pytest.mark.parametrize(("method", "reason"), METHODS.values(), ids=METHODS.keys())
def test_abusive_request_method_is_refused(method: str, reason: str) -> None:
    probe = Probe()
    assert_refused(probe, probe.preflight(ALLOWED_ORIGIN, method))
    assert probe.last.reason == reason


@pytest.mark.parametrize("method", ["PUT, DELETE", "PUT\r\nX: y", "P" * MIB])
def test_any_method_policy_never_echoes_a_malformed_method(method: str) -> None:
    probe = Probe({"allow_methods": "*"})
    assert_refused(probe, probe.preflight(ALLOWED_ORIGIN, method))


def test_empty_request_method_is_not_a_preflight_and_grants_no_method() -> None:
    """An empty ACRM makes it an ordinary OPTIONS request for the app."""
    probe = Probe()
    answer = probe.preflight(ALLOWED_ORIGIN, "")
    assert answer.body == b"ok"
    assert not answer.get("Access-Control-Allow-Methods")
