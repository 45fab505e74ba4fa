"""URLs are parsed as browsers parse them (WHATWG URL), for the scheme, host, port and path ``check`` uses."""

from __future__ import annotations

from collections.abc import Callable

import ada_url
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cors_wsgi import urls
from tests.cli.raw_cases import acao, final
from tests.cli.raw_server import RawServer
from tests.cli.servers import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    ("text", "origin", "target"),
    [
        ("https://api.example.com\\@evil.example/data", "https://api.example.com", "/@evil.example/data"),
        ("https:\\\\api.example.com\\a\\b", "https://api.example.com", "/a/b"),
        ("http://127.1/", "http://127.0.0.1", "/"),
        ("http://0x7f.1/", "http://127.0.0.1", "/"),
        ("http://0177.0.0.1/", "http://127.0.0.1", "/"),
        ("http://2130706433/", "http://127.0.0.1", "/"),
        ("http://0x7F000001./", "http://127.0.0.1", "/"),
        ("http://127.0.0.1:080/", "http://127.0.0.1", "/"),
        ("https://a.example:443/x", "https://a.example", "/x"),
        ("http://a.example:8080", "http://a.example:8080", "/"),
        ("HTTPS://API.Example.COM/Path", "https://api.example.com", "/Path"),
        ("https://bücher.example/", "https://xn--bcher-kva.example", "/"),
        ("https://%62%C3%BCcher.example/", "https://xn--bcher-kva.example", "/"),
        ("https://\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25\u3002com/", "https://example.com", "/"),
        ("http://[0:0::1]:8000/", "http://[::1]:8000", "/"),
        ("http://[::FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]", "/"),
        ("https://user:pw@a.example/", "https://a.example", "/"),
        ("https://a.example/a/./b/../c/%2e%2E/d", "https://a.example", "/a/d"),
        ("https://a.example/a b/é?q r#frag", "https://a.example", "/a%20b/%C3%A9?q%20r"),
        (" \t https://a.example/x\n/y ", "https://a.example", "/x/y"),
        ("https:a.example/x", "https://a.example", "/x"),
    ],
)
def test_parsed_as_browsers_parse_it(text: str, origin: str, target: str) -> None:
    url = urls.parse(text)

    assert (url.origin, url.target) == (origin, target)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ftp://a.example/", "'ftp' is not http or https"),
        ("/relative", "absolute http:// or https:// URL"),
        ("http://", "needs a host"),
        ("http://a b.example/", "which a browser refuses"),
        ("http://a.example:65536/", "over 65535"),
        ("http://a.example:8o/", "is not a number"),
        ("http://1.2.3.4.5/", "more than four parts"),
        ("http://256.256.256.256/", "out of range"),
        ("http://08/", "is not an IPv4 number"),
        ("http://[::1/", "must end with ']'"),
        ("http://[::1%25eth0]/", "zone identifiers"),
        ("http://[1::2::3]/", "not an IPv6 address"),
        ("https://straße.example/", "give the host in its xn-- (punycode) form"),
    ],
)
def test_refused_with_a_clear_reason(text: str, problem: str) -> None:
    with pytest.raises(urls.URLError, match=None) as raised:
        urls.parse(text)

    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../x?q#f", "http://a.example/b/x?q"),
        ("x", "http://a.example/b/c/x"),
        ("/x", "http://a.example/x"),
        ("\\x", "http://a.example/x"),
        ("//evil.example/x", "http://evil.example/x"),
        ("\\\\evil.example/x", "http://evil.example/x"),
        ("?y", "http://a.example/b/c/d?y"),
        ("http:x", "http://a.example/b/c/x"),
        ("https:x", "https://x/"),
    ],
)
def test_relative_references_resolve_against_the_base(text: str, expected: str) -> None:
    base = urls.parse("http://a.example/b/c/d")

    assert str(urls.parse(text, base)) == expected


PIECES = [
    "a", "example", ".", "com", "127", "0x7f", "1", "0", "08", "00", "256", "0xffffffff", "4294967296",
    "%41", "%2e", "%zz", "%", "%c3%a9", "[::1]", "[1:0:0:0::1]", "[::ffff:1.2.3.4]", "xn--nxasmq6b.",
    "@", "x:y@", ":", "80", "443", "8080", "\\", "/", "..", "?", "#", " ", "\t", "é", "ü", "Ä", "ﬁ", "。",
    "^", "`", "{", "'", '"', "<", "|", "~", "http:",
]  # fmt: skip
SCHEMES = ["http://", "https://", "HTTP://", "http:", "https:\\\\", "http:/", "", "/", "//", "\\\\", "?"]
BASE = "http://base.example/b/c/d"


def ada(text: str) -> tuple[str, str, str, str, str, bool] | None:
    try:
        url = ada_url.URL(text, base=BASE)
    except ValueError:
        return None
    if url.protocol not in ("http:", "https:"):
        return None
    return (
        url.protocol[:-1],
        url.hostname,
        url.port,
        url.pathname,
        url.search,
        bool(url.username or url.password),
    )


def ours(text: str) -> tuple[str, str, str, str, str, bool] | None:
    try:
        url = urls.parse(text, urls.parse(BASE))
    except urls.URLError:
        return None
    port = "" if url.port is None else str(url.port)
    return url.scheme, url.host, port, url.path, "?" + url.query if url.query else "", url.has_credentials


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(SCHEMES), st.lists(st.sampled_from(PIECES), max_size=10).map("".join))
@example("https://", "api.example.com\\@evil.example/data")
@example("http://", "127.1")
def test_agrees_with_ada_url_a_conformant_parser(scheme: str, rest: str) -> None:
    """Where we accept a URL ada-url reads it the same; we refuse only what it refuses, or some IDN hosts."""
    text = scheme + rest
    mine, theirs = ours(text), ada(text)

    if mine is None and theirs is not None:
        assert "xn--" in theirs[1], (text, theirs)
    else:
        assert mine == theirs, text


def test_check_connects_to_the_host_a_browser_would(cli: Cli) -> None:
    with RawServer(lambda request: [final("200 OK", [acao("https://app.example.com")])]).running() as server:
        result = cli(
            "check",
            f"http://127.0.0.1:{server.port}\\@evil.example/data",
            "--origin",
            "https://app.example.com",
        )

    assert result.status == 0, result.out + result.err
    assert [request.target for request in server.received] == ["/@evil.example/data"]
    assert result.out.startswith(f"check: GET http://127.0.0.1:{server.port}/@evil.example/data from ")


def test_ipv4_shorthand_of_the_page_origin_is_same_origin(cli: Cli) -> None:
    result = cli("check", "http://127.1:8000/", "--origin", "http://127.0.0.1:8000")

    assert result.status == 0
    assert "same-origin" in result.out


def test_a_refused_url_is_a_usage_error_naming_the_reason(cli: Cli) -> None:
    result = cli("check", "https://straße.example/", "--origin", "https://app.example.com")

    assert result.status == 2
    assert "bad URL" in result.err
    assert "xn--" in result.err
