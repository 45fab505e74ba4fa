"""Every branch of the origin and pattern checks at start-up, with its exact problem and fix.

A ConfigError is how a user learns why ``allow_origins`` was refused, so the
problem named and the canonical form suggested are pinned for one value per
branch, including values where two branches compete.
"""

from __future__ import annotations

import logging

import pytest

from cors_wsgi import ConfigError, CORSPolicy, decide_actual, reasons

NO_GUESS = "write it as scheme://host[:port], or it will never match"


def guess(origin: str) -> str:
    return f"write it as {origin!r}, or it will never match"


@pytest.mark.parametrize(
    ("value", "problem", "fix"),
    [
        ("https://a\tb.com", "contains white space or control characters", guess("https://ab.com")),
        ("https://exa mple.com/", "contains white space or control characters", NO_GUESS),
        (
            "https://X.example.com",
            "is not lower case; browsers send origins in lower case",
            guess("https://x.example.com"),
        ),
        ("a.example.com", "has no scheme", guess("https://a.example.com")),
        ("https://a.com://b/", "has a path or trailing slash; an origin never does", guess("https://a.com")),
        ("https://a.com/p://b", "has a path or trailing slash; an origin never does", guess("https://a.com")),
        (
            "https://a.com:8443/",
            "has a path or trailing slash; an origin never does",
            guess("https://a.com:8443"),
        ),
        ("https://a.com:99999/", "has a path or trailing slash; an origin never does", NO_GUESS),
        (
            "https://u@a.com",
            "has userinfo, a query or a fragment; an origin never does",
            guess("https://a.com"),
        ),
        (
            "https://a.com?q",
            "has userinfo, a query or a fragment; an origin never does",
            guess("https://a.com"),
        ),
        (
            "https://a.com#f",
            "has userinfo, a query or a fragment; an origin never does",
            guess("https://a.com"),
        ),
        (
            "https://\u00e9.com",
            "is not ASCII; browsers send international names in punycode",
            guess("https://xn--9ca.com"),
        ),
        (
            "https://a.com:443",
            "is not a serialized origin as browsers send it (default port? invalid host?)",
            guess("https://a.com"),
        ),
    ],
)
def test_a_non_canonical_origin_names_its_problem_and_the_canonical_form(
    value: str, problem: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[value])
    assert (raised.value.option, raised.value.value) == ("allow_origins", value)
    assert (raised.value.problem, raised.value.fix) == (problem, fix)


@pytest.mark.parametrize(
    "pattern",
    [
        "https://*.a.com:8080:*",  # a port and a wildcard port
        "http://localhost:3000:*",
        "https://*.1.2",  # the parent domain is a number: an IP address has no subdomains
        "https://*.10.0.0.1",
        "https://*.[::1]",
        "https://*.*.a.com",
        "*.a.com",
        "h*ttps://a.com",
        "https://a.com*",
    ],
)
def test_unsupported_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[pattern])
    assert (raised.value.option, raised.value.problem) == ("allow_origins", "is not a supported pattern")


def test_a_parent_domain_that_only_ends_in_digits_takes_subdomains() -> None:
    policy = CORSPolicy(allow_origins=["https://*.b2.a1"])
    assert decide_actual(policy, "https://x.b2.a1").allowed
    assert not decide_actual(policy, "https://b2.a1").allowed


def test_a_failing_origin_callable_is_logged_with_its_repr_and_the_escaped_origin(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Lookup:
        def __call__(self, origin: str) -> bool:
            raise ConnectionError("database down")

        def __repr__(self) -> str:
            return "<origin lookup>"

    with caplog.at_level(logging.ERROR, logger="cors_wsgi"):
        decision = decide_actual(CORSPolicy(allow_origins=[Lookup()]), "https://a.example")
    assert decision.reason == reasons.ORIGIN_CHECK_FAILED
    assert [record.getMessage() for record in caplog.records] == [
        "origin check <origin lookup> failed for origin 'https://a.example'"
    ]
