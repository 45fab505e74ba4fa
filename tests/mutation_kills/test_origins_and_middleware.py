"""Boundaries of the origin grammar, pattern matching, warnings and the debug header."""

from __future__ import annotations

import logging

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, CORSPolicy, decide_actual, split_origin
from tests.core.conftest import text_app

HOST_253 = ".".join(["a" * 63] * 3 + ["b" * 61])  # 63*3 + 61 + 3 dots = 253


@pytest.mark.parametrize(
    ("origin", "canonical"),
    [
        ("a" * (1024 - len("://example.com")) + "://example.com", True),
        ("a" * (1025 - len("://example.com")) + "://example.com", False),
        (f"https://{HOST_253}", True),
        (f"https://x{HOST_253}", False),
        ("https://" + "a" * 63, True),
        ("https://" + "a" * 64, False),
        ("https://" + "a" * 63 + ".b", True),
        ("https://b." + "a" * 64, False),
        ("https://" + "a" * 64 + ".b", False),
        ("https://a.b.c", True),
        ("https://.a.example", False),
        ("https://a.example.", False),
        ("https://a..example", False),
        ("https://.", False),
        ("https://a._-.example", True),
        ("http://[::1].", False),
        ("https://example.com:65535", True),
        ("https://example.com:65536", False),
        ("http://255.255.255.255", True),
        ("http://1.2.3.256", False),
        ("http://01.2.3.4", False),
        ("http://1.2.3", False),
        ("http://example.0x1f", False),
        ("http://0xa.example.com", True),
        ("http://[::1]", True),
        ("http://[0:0::1]", False),
        ("http://[:::1]", False),
    ],
)
def test_only_origins_a_browser_can_serialize_are_canonical(origin: str, canonical: bool) -> None:
    assert (split_origin(origin) is not None) is canonical


def test_split_origin_gives_an_empty_port_when_there_is_none() -> None:
    assert split_origin("https://example.com") == ("https", "example.com", "")
    assert split_origin("https://example.com:8443") == ("https", "example.com", "8443")


def test_subdomain_pattern_with_any_port_grants_every_port() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com:*"])
    assert decide_actual(policy, "https://a.example.com:8443").allowed
    assert decide_actual(policy, "https://a.b.example.com").allowed
    assert not decide_actual(policy, "https://example.com:8443").allowed
    assert not decide_actual(policy, "http://a.example.com:8443").allowed


def test_credentials_with_plain_http_patterns_warn_naming_each_one(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(
            allow_origins=[
                "http://*.example.com",
                "http://dev.example:*",
                "http://[::1]:*",
                "https://*.example.org",
                "https://app.example:*",
            ],
            allow_credentials=True,
        )
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "['http://*.example.com', 'http://dev.example:*']" in message
    assert "anyone on the network path can act as them" in message


def test_credentials_with_only_https_or_loopback_do_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(
            allow_origins=["http://[::1]:*", "http://localhost:*", "https://*.example.org"],
            allow_credentials=True,
        )
    assert caplog.records == []


@pytest.mark.parametrize(
    ("headers", "debug"),
    [
        ({"Access-Control-Request-Method": "GET"}, "allowed"),
        ({"Access-Control-Request-Method": "DELETE"}, "refused; reason=method-not-allowed; method=DELETE"),
        (
            {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-token"},
            "refused; reason=header-not-allowed; header=x-token",
        ),
    ],
)
def test_debug_header_on_preflights_names_the_verdict_and_the_culprit(
    headers: dict[str, str], debug: str
) -> None:
    client = TestApp(CORSMiddleware(text_app(), allow_origins=["https://a.example"], debug=True))
    response = client.options("/", headers={"Origin": "https://a.example", **headers}, status="*")
    assert response.headers["X-CORS-Decision"] == debug


def test_debug_is_off_by_default() -> None:
    client = TestApp(CORSMiddleware(text_app(), allow_origins=["https://a.example"]))
    response = client.get("/", headers={"Origin": "https://a.example"})
    assert "X-CORS-Decision" not in response.headers


@pytest.mark.parametrize(("length", "truncated"), [(200, False), (201, True)])
def test_logged_origin_is_truncated_only_beyond_200_characters(
    caplog: pytest.LogCaptureFixture, length: int, truncated: bool
) -> None:
    origin = "https://" + "a" * (length - len("https://"))
    client = TestApp(CORSMiddleware(text_app(), allow_origins=["https://a.example"]))
    with caplog.at_level(logging.INFO, logger="cors_wsgi"):
        client.options("/", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}, status=403)
    message = caplog.records[-1].getMessage()
    assert message.startswith("CORS refused preflight: origin=")
    assert (f"...({length} chars)" in message) is truncated
    assert repr(origin[:200]) in message


def test_policy_repr_shows_only_the_options_that_differ_from_the_defaults() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"], max_age=5, allow_credentials=False)
    assert repr(policy) == "CORSPolicy(allow_origins=['https://a.example'], max_age=5)"


def test_policy_attributes_cannot_be_deleted() -> None:
    policy = CORSPolicy()
    with pytest.raises(AttributeError, match=r"^CORSPolicy is immutable$"):
        del policy.options


def test_methods_differing_only_in_case_are_distinct_methods() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"], allow_methods=["PATCH", "patch"])
    assert dict(policy.preflight_headers)["Access-Control-Allow-Methods"] == "PATCH, patch"
