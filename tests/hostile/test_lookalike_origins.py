"""Origins crafted to pass a sloppy matcher get nothing, on every path.

Each case is sent as an actual request and as a preflight, against a policy
with an exact origin, a subdomain pattern, an escaped regex and a callable.
"""

from __future__ import annotations

import logging

import pytest

from cors_wsgi import reasons
from cors_wsgi.origins import MAX_ORIGIN_LENGTH
from tests.hostile.harness import ALLOWED_ORIGIN, Probe, assert_refused

MIB = 1 << 20

LOOKALIKES = {
    "suffix": "https://evilexample.com",
    "prefix": "https://example.com.evil.com",
    "unescaped-dot-regex": "https://appXexample.net",
    "regex-prefix": "https://app.example.net.evil.com",
    "subdomain-suffix": "https://evilexample.org",
    "subdomain-prefix": "https://a.example.org.evil.com",
    "bare-parent-of-subdomains": "https://example.org",
    "label-with-at": "https://ex@mple.com",
    "label-percent": "https://ex%61mple.com",
    "label-dollar": "https://exa$mple.com",
    "label-underscore": "https://exa_mple.com",
    "userinfo": "https://user@example.com",
    "userinfo-host-swap": "https://example.com@evil.com",
    "default-port": "https://example.com:443",
    "port-zero-padded": "https://example.com:0443",
    "upper-host": "https://EXAMPLE.com",
    "upper-scheme": "HTTPS://example.com",
    "trailing-dot": "https://example.com.",
    "trailing-slash": "https://example.com/",
    "path": "https://example.com/../evil",
    "query": "https://evil.com?https://example.com",
    "fragment": "https://evil.com#https://example.com",
    "idn-latin1": "https://ex\xe4mple.com",
    "idn-utf8-bytes-as-latin1": "https://ex\xc3\xa4mple.com",
    "idn-punycode-lookalike": "https://xn--exmple-cua.com",
    "leading-space": " https://example.com",
    "trailing-space": "https://example.com ",
    "tab": "https://example.com\t",
    "crlf-injection": "https://example.com\r\nSet-Cookie: session=stolen",
    "lf": "https://example.com\nX: y",
    "nul": "https://example.com\0",
    "del": "https://example.com\x7f",
    "vertical-tab": "https://example.com\x0b",
    "comma-joined": "https://example.com, https://evil.com",
    "comma-joined-reversed": "https://evil.com, https://example.com",
    "space-joined": "https://example.com https://evil.com",
    "null": "null",
    "scheme-downgrade": "http://example.com",
    "websocket-scheme": "wss://example.com",
    "no-scheme": "example.com",
    "empty": "",
    "one-mib-host": "https://" + "a" * MIB + ".example.com",
    "one-mib-padding": ALLOWED_ORIGIN + " " * MIB,
    "just-over-the-limit": "https://" + "a" * MAX_ORIGIN_LENGTH + ".example.org",
    "ipv6-uncompressed": "https://[0:0:0:0:0:0:0:1]",
    "ipv4-octal": "https://0177.0.0.1",
    "callable-lookalike": "https://partner.example.com.evil.com",
}


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.mark.parametrize("origin", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_gets_no_grant_on_an_actual_request(probe: Probe, origin: str) -> None:
    answer = probe.send("GET", ORIGIN=origin)
    assert_refused(probe, answer)
    assert answer.status == "200 OK"


@pytest.mark.parametrize("origin", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_gets_no_grant_on_a_preflight(probe: Probe, origin: str) -> None:
    answer = probe.preflight(origin, "PUT", ACCESS_CONTROL_REQUEST_HEADERS="x-requested-with")
    assert_refused(probe, answer)
    assert answer.status == "403 Forbidden"


@pytest.mark.parametrize("origin", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_only_well_formed_origins_of_bounded_length_reach_user_code(probe: Probe, origin: str) -> None:
    """Malformed origins stop at the grammar check: callables and regexes never see them."""
    probe.send("GET", ORIGIN=origin)
    if probe.last.reason == reasons.ORIGIN_MALFORMED:
        assert probe.checked == []
    else:
        assert probe.checked == [origin]
        assert len(origin) <= MAX_ORIGIN_LENGTH


@pytest.mark.parametrize(
    "origin", ["https://example.com", "https://a.example.org", "https://app.example.net"]
)
def test_the_genuine_origins_still_pass(probe: Probe, origin: str) -> None:
    """The corpus proves something only if the policy grants its real origins."""
    assert probe.send("GET", ORIGIN=origin).grant == origin
    assert probe.preflight(origin).grant == origin


def test_the_genuine_callable_origin_is_asked_once_per_request(probe: Probe) -> None:
    origin = "https://partner.example.com"
    assert probe.send("GET", ORIGIN=origin).grant == origin
    assert probe.checked == [origin]


@pytest.mark.parametrize("origin", [LOOKALIKES["crlf-injection"], LOOKALIKES["one-mib-padding"]])
def test_refusal_logs_cannot_be_forged_or_flooded(
    probe: Probe, origin: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_wsgi")
    probe.preflight(origin)
    messages = [record.getMessage() for record in caplog.records]
    assert messages
    for message in messages:
        assert "\r" not in message
        assert "\n" not in message
        assert len(message) < 1000
