"""Which origins a policy grants: exact, subdomain and any-port patterns, regexes, callables."""

from __future__ import annotations

import logging
import re

import pytest
from hypothesis import assume, given, settings

from cors_wsgi import CORSPolicy, decide_actual, reasons
from tests.core.conftest import grant_of
from tests.fuzz.strategies import origins as fuzz_origins


def grants(policy: CORSPolicy, origin: str) -> bool:
    return decide_actual(policy, origin).allowed


def test_exact_origin_is_granted_and_reflected_with_vary() -> None:
    decision = decide_actual(CORSPolicy(allow_origins=["https://app.example.com"]), "https://app.example.com")
    assert decision.allowed
    assert decision.reason == reasons.ALLOWED
    assert ("Access-Control-Allow-Origin", "https://app.example.com") in decision.headers
    assert decision.vary == ("Origin",)


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.com.evil.net",
        "https://evilapp.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://APP.example.com",
        "https://app.example.com/",
        "https://app.example.com.",
    ],
)
def test_exact_origin_grants_nothing_else(origin: str) -> None:
    assert not grants(CORSPolicy(allow_origins=["https://app.example.com"]), origin)


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),
        ("https://example.com", False),
        ("https://evilexample.com", False),
        ("https://a.example.com.evil.net", False),
        ("http://a.example.com", False),
        ("https://a.example.com:8443", False),
        ("https://.example.com", False),
    ],
)
def test_subdomain_pattern_grants_one_or_more_labels_on_the_default_port_only(
    origin: str, granted: bool
) -> None:
    assert grants(CORSPolicy(allow_origins=["https://*.example.com"]), origin) is granted


def test_subdomain_pattern_with_explicit_port_grants_that_port_only() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com:8443"])
    assert grants(policy, "https://a.example.com:8443")
    assert not grants(policy, "https://a.example.com")
    assert not grants(policy, "https://a.example.com:9443")


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        ("http://localhost:3000", True),
        ("http://localhost:5173", True),
        ("http://localhost", True),
        ("https://localhost:3000", False),
        ("http://localhost.evil.net:3000", False),
        ("http://127.0.0.1:3000", False),
    ],
)
def test_any_port_pattern_grants_every_port_of_that_host_and_scheme(origin: str, granted: bool) -> None:
    assert grants(CORSPolicy(allow_origins=["http://localhost:*"]), origin) is granted


def test_many_subdomain_patterns_all_match() -> None:
    patterns = [f"https://*.tenant{i}.example.com" for i in range(1000)]
    policy = CORSPolicy(allow_origins=patterns)
    assert grants(policy, "https://app.tenant999.example.com")
    assert not grants(policy, "https://app.tenant1000.example.com")


def test_ten_thousand_exact_origins_are_matched_exactly() -> None:
    origins = [f"https://app{i}.example.com" for i in range(10_000)]
    policy = CORSPolicy(allow_origins=origins)
    assert grants(policy, "https://app9999.example.com")
    assert not grants(policy, "https://app10000.example.com")


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        ("https://a.example.com", True),
        ("https://a.example.com.evil.net", False),
        ("https://xa.example.com", False),
        ("https://aXexample.com", False),
    ],
)
def test_origin_regex_is_a_full_match(origin: str, granted: bool) -> None:
    policy = CORSPolicy(allow_origin_regex=r"https://[a-z]\.example\.com")
    assert grants(policy, origin) is granted


def test_compiled_regexes_and_lists_of_regexes_are_accepted() -> None:
    policy = CORSPolicy(allow_origin_regex=[re.compile(r"https://one\.example"), r"https://two\.example"])
    assert grants(policy, "https://one.example")
    assert grants(policy, "https://two.example")


def test_regex_is_never_tried_on_a_malformed_origin() -> None:
    policy = CORSPolicy(allow_origin_regex=r"https://a\.example\.com/path")
    decision = decide_actual(policy, "https://a.example.com/path")
    assert not decision.allowed
    assert decision.reason == reasons.ORIGIN_MALFORMED


@pytest.mark.parametrize(
    "options",
    [
        {"allow_origin_regex": r"null|https://.*\.example\.com"},
        {"allow_origins": [lambda origin: True]},
        {"allow_origins": ["https://*.example.com", "http://localhost:*"]},
    ],
)
def test_null_is_never_granted_by_a_pattern_regex_or_callable(options: dict[str, object]) -> None:
    decision = decide_actual(CORSPolicy(**options), "null")  # type: ignore[arg-type]
    assert not decision.allowed


def test_null_is_granted_only_when_listed_literally(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        policy = CORSPolicy(allow_origins=["null"])
    decision = decide_actual(policy, "null")
    assert decision.allowed
    assert ("Access-Control-Allow-Origin", "null") in decision.headers


def test_callable_origin_check_decides_for_well_formed_origins() -> None:
    seen: list[str] = []

    def check(origin: str) -> bool:
        seen.append(origin)
        return origin == "https://db.example"

    policy = CORSPolicy(allow_origins=check)
    assert grants(policy, "https://db.example")
    assert not grants(policy, "https://other.example")
    assert not grants(policy, "https://db.example/")
    assert seen == ["https://db.example", "https://other.example"]


def test_callable_that_raises_refuses_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    def broken(origin: str) -> bool:
        raise RuntimeError("database down")

    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        decision = decide_actual(CORSPolicy(allow_origins=[broken]), "https://a.example")
    assert not decision.allowed
    assert decision.reason == reasons.ORIGIN_CHECK_FAILED
    assert "database down" in caplog.text


def test_any_origin_answers_a_literal_star_and_needs_no_vary() -> None:
    policy = CORSPolicy(allow_origins="*")
    for origin in ("https://a.example", "null", "not an origin"):
        decision = decide_actual(policy, origin)
        assert decision.allowed
        assert ("Access-Control-Allow-Origin", "*") in decision.headers
        assert decision.vary == ()


def test_any_origin_sends_the_same_headers_without_origin_so_caches_see_one_answer() -> None:
    policy = CORSPolicy(allow_origins="*", expose_headers=["X-Total"])
    without = decide_actual(policy, None)
    assert without.reason == reasons.NO_ORIGIN
    assert without.headers == decide_actual(policy, "https://a.example").headers


def test_no_origin_is_not_a_grant_but_still_varies_on_origin() -> None:
    decision = decide_actual(CORSPolicy(allow_origins=["https://a.example"]), None)
    assert not decision.allowed
    assert decision.reason == reasons.NO_ORIGIN
    assert grant_of(decision) == {}
    assert decision.vary == ("Origin",)


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example, https://b.example",
        "https://a.example\r\nX-Injected: 1",
        "https://a.example\x00",
        "https://a..example",
        "https://" + "a" * 2000 + ".example",
        "https://a.example:0",
        "https://a.example:99999",
        "https://[::1",
        "https://[0:0::1]",
        "http://0x7f.0.0.1",
        "http://127.1",
        "",
    ],
)
def test_malformed_origins_are_refused_as_malformed(origin: str) -> None:
    # Both a callable granting everything and a regex written for exactly this value.
    regexes = [re.compile(re.escape(origin), re.DOTALL)] if origin else []
    decision = decide_actual(CORSPolicy(allow_origins=[lambda _: True], allow_origin_regex=regexes), origin)
    assert not decision.allowed
    assert decision.reason == reasons.ORIGIN_MALFORMED
    assert grant_of(decision) == {}


@pytest.mark.parametrize(
    "origin",
    [
        "http://[::1]:8080",
        "http://127.0.0.1:8000",
        "chrome-extension://abcdefgh",
        "https://xn--bcher-kva.example",
    ],
)
def test_canonical_ip_extension_and_punycode_origins_can_be_listed(origin: str) -> None:
    assert grants(CORSPolicy(allow_origins=[origin]), origin)


def test_credentials_header_is_sent_only_when_allowed() -> None:
    with_credentials = CORSPolicy(allow_origins=["https://a.example"], allow_credentials=True)
    without = CORSPolicy(allow_origins=["https://a.example"])
    assert ("Access-Control-Allow-Credentials", "true") in decide_actual(
        with_credentials, "https://a.example"
    ).headers
    assert all(
        name != "Access-Control-Allow-Credentials"
        for name, _ in decide_actual(without, "https://a.example").headers
    )


def test_exposed_headers_are_listed_on_granted_actual_requests() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"], expose_headers=["X-Total-Count", "ETag"])
    headers = dict(decide_actual(policy, "https://a.example").headers)
    assert headers["Access-Control-Expose-Headers"] == "X-Total-Count, ETag"


@settings(max_examples=300, deadline=None)
@given(origin=fuzz_origins)
def test_checking_an_unlisted_origin_gives_the_reason_of_the_full_check(origin: str) -> None:
    matcher = CORSPolicy(
        allow_origins=["https://a.example", "https://*.example.com", "http://localhost:*"],
        allow_origin_regex=r"https://review-\d+\.example\.org",
    ).origins
    assume(origin not in matcher.exact)
    assert matcher.check_unlisted(origin) == matcher.check(origin)
