"""Configuration mistakes fail at start-up, or can never widen the grant at run time."""

from __future__ import annotations

import logging
import re

import pytest

from cors_wsgi import ConfigError, CORSMiddleware
from tests.hostile.harness import Probe, assert_refused, plain_app

NON_CANONICAL = {
    "trailing-slash": "https://example.com/",
    "no-scheme": "example.com",
    "default-port": "https://example.com:443",
    "upper-case": "https://Example.com",
    "path": "https://example.com/app",
    "userinfo": "https://user@example.com",
    "white-space": " https://example.com",
    "unicode-host": "https://exämple.com",
    "bad-pattern": "https://*example.com",
    "pattern-in-the-middle": "https://app.*.example.com",
    "pattern-on-a-tld": "https://*.com:*x",
}


@pytest.mark.parametrize("entry", NON_CANONICAL.values(), ids=NON_CANONICAL.keys())
def test_non_canonical_origin_entry_fails_at_start_up(entry: str) -> None:
    with pytest.raises(ConfigError, match="allow_origins"):
        CORSMiddleware(plain_app, allow_origins=[entry])


def test_wildcard_with_credentials_fails_at_start_up() -> None:
    with pytest.raises(ConfigError, match="allow_credentials"):
        CORSMiddleware(plain_app, allow_origins="*", allow_credentials=True)


@pytest.mark.parametrize("value", ["false", "true", 1, 0, None])
def test_credentials_flag_must_be_a_real_bool(value: object) -> None:
    """``"false"`` is truthy: a string must never silently turn credentials on."""
    with pytest.raises(ConfigError, match="allow_credentials"):
        CORSMiddleware(plain_app, allow_origins=["https://example.com"], allow_credentials=value)


def test_misspelt_option_fails_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match="did you mean 'allow_origins'"):
        CORSMiddleware(plain_app, allow_origin=["https://example.com"])  # type: ignore[call-arg]


@pytest.mark.parametrize("regex", ["https://app.example.com", re.compile(r"https://app\.example\.com")])
def test_origin_regex_is_full_matched_not_prefix_matched(regex: object) -> None:
    """``re.match`` would let ``https://app.example.com.evil.net`` through."""
    probe = Probe({"allow_origins": [], "allow_origin_regex": regex})
    assert_refused(probe, probe.send("GET", ORIGIN="https://app.example.com.evil.net"))
    assert probe.send("GET", ORIGIN="https://app.example.com").grant == "https://app.example.com"


@pytest.mark.parametrize("origin", ["https://example.com\r\nX: y", "https://example.com/"])
def test_a_regex_matching_a_malformed_origin_still_cannot_grant_it(origin: str) -> None:
    probe = Probe({"allow_origins": [], "allow_origin_regex": re.compile(re.escape(origin), re.DOTALL)})
    assert_refused(probe, probe.send("GET", ORIGIN=origin))


def test_callable_that_raises_refuses_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    def broken(origin: str) -> bool:
        raise KeyError(origin)

    probe = Probe({"allow_origins": [broken]})
    assert_refused(probe, probe.send("GET", ORIGIN="https://example.com"))
    assert "origin check" in caplog.text


def test_listing_null_warns_that_it_grants_every_sandboxed_page(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cors_wsgi")
    CORSMiddleware(plain_app, allow_origins=["null"])
    assert "sandboxed" in caplog.text


def test_credentials_with_plain_http_origins_warns(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cors_wsgi")
    CORSMiddleware(plain_app, allow_origins=["http://example.com"], allow_credentials=True)
    assert "http://example.com" in caplog.text


def test_failed_reconfigure_keeps_the_running_policy() -> None:
    probe = Probe()
    with pytest.raises(ConfigError):
        probe.middleware.reconfigure(allow_origins=["https://example.com/"])
    assert probe.send("GET", ORIGIN="https://example.com").grant == "https://example.com"
    assert_refused(probe, probe.send("GET", ORIGIN="https://evil.com"))
