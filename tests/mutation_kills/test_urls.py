"""Edge cases of the WHATWG URL parser ``check`` uses, each checked against ada-url, a conformant parser.

``check`` must connect to the host, port and path a browser would, and
refuse what a browser refuses. Every case below states the URL a browser
makes of the input (None: the browser refuses it, or it is not http(s));
``test_the_expected_urls_are_the_standards`` asks ada-url for the same
answers, so the expectations are the standard's, not this parser's.
"""

from __future__ import annotations

import unicodedata

import ada_url
import pytest

from cors_wsgi import urls

BASE = "http://a.example/b/c/d"

ABSOLUTE: list[tuple[str, str | None]] = [
    # IPv4 numbers: empty hex, leading zeros, the largest values and one past them.
    ("http://0x/", "http://0.0.0.0/"),
    ("http://0x.0x.0x.0x/", "http://0.0.0.0/"),
    ("http://0/", "http://0.0.0.0/"),
    ("http://00/", "http://0.0.0.0/"),
    ("http://0x" + "0" * 100 + "1/", "http://0.0.0.1/"),
    ("http://0" + "0" * 100 + "1/", "http://0.0.0.1/"),
    ("http://0x" + "f" * 62 + "/", None),
    ("http://0x" + "f" * 70 + "/", None),
    ("http://0" + "7" * 70 + "/", None),
    ("http://a." + "9" * 5000 + "/", None),
    ("http://4294967295/", "http://255.255.255.255/"),
    ("http://4294967296/", None),
    ("http://037777777777/", "http://255.255.255.255/"),
    ("http://040000000000/", None),
    ("http://0xffffffff/", "http://255.255.255.255/"),
    ("http://0x100000000/", None),
    ("http://255.255.255.255/", "http://255.255.255.255/"),
    ("http://256.0.0.1/", None),
    ("http://1.2.256.4/", None),
    ("http://1.2.3.4/", "http://1.2.3.4/"),
    ("http://1.2.3.4./", "http://1.2.3.4/"),
    ("http://1.2.772/", "http://1.2.3.4/"),
    ("http://1.197121/", "http://1.3.2.1/"),
    ("http://1.16777216/", None),
    ("http://09/", None),
    ("http://a.09/", None),
    # A last label that is not a number (even with digits in it) makes a domain.
    ("http://a.1;/", "http://a.1;/"),
    ("http://a../", "http://a../"),
    ("http://1.a/", "http://1.a/"),
    # IPv6 serialization: the first longest run of two or more zero pieces becomes '::'.
    ("http://[1:0:0:2:0:0:3:4]/", "http://[1::2:0:0:3:4]/"),
    ("http://[1:0:0:0:2:0:0:3]/", "http://[1::2:0:0:3]/"),
    ("http://[1:0:0:2:0:0:0:3]/", "http://[1:0:0:2::3]/"),
    ("http://[1:2:0:0:5:6:7:8]/", "http://[1:2::5:6:7:8]/"),
    ("http://[1:0:2:3:4:5:6:7]/", "http://[1:0:2:3:4:5:6:7]/"),
    ("http://[1:2:3:4:5:6:7:8]/", "http://[1:2:3:4:5:6:7:8]/"),
    ("http://[0:0:0:0:0:0:0:0]/", "http://[::]/"),
    ("http://[1:0:0:0:0:0:0:0]/", "http://[1::]/"),
    ("http://[A:B::C]/", "http://[a:b::c]/"),
    # Punycode: checked in a domain with non-ASCII labels, kept as given in an ASCII one.
    ("http://\u00fc.xn--abc-/", None),
    ("http://\u00fc.xn--a/", None),
    ("http://\u00fc.xn--/", None),
    ("http://\u00fc.xn--99999999999/", None),
    ("http://\u00fc.xn--wca/", None),
    ("http://\u00fc.xn--u-ccb/", None),
    ("http://\u00fc.XN--ABC-/", None),
    ("http://\u00fc.xn--ls8h/", "http://xn--tda.xn--ls8h/"),
    ("http://\u00fc.XN--TDA/", "http://xn--tda.xn--tda/"),
    ("http://xn--abc-.example/", "http://xn--abc-.example/"),
    ("http://xn--/", "http://xn--/"),
    ("http://XN--BCHER-KVA.EXAMPLE/", "http://xn--bcher-kva.example/"),
    # A code point no Unicode version assigns is refused; characters newer than IDNA 2003 are mapped.
    ("http://\u0378.example/", None),
    ("http://a\U000e0080b.example/", None),
    ("http://%CD%B8.example/", None),
    ("http://\ua640.example/", "http://xn--nw8a.example/"),
    ("http://\U0001f4a9.example/", "http://xn--ls8h.example/"),
    ("https://BOX.EXAMPLE/", "https://box.example/"),
    # Percent-encoding: DEL is encoded like any byte over 0x7E; a cut escape in a host is refused.
    ("http://a.example/\x7f?\x7f", "http://a.example/%7F?%7F"),
    ("http://a%4/", None),
    ("http://a%/", None),
    ("http://%ff/", None),
    ("http://%41.example/", "http://a.example/"),
    # Leading and trailing C0 controls and spaces are stripped, other white space is not.
    ("\x01http://a.example/\x1f", "http://a.example/"),
    ("\x00 \x1fhttp://a.example/x \x00", "http://a.example/x"),
    ("\xa0http://a.example/", None),
    # Ports: leading zeros, the bounds, a digit 9.
    ("http://a.example:000000080/", "http://a.example/"),
    ("http://a.example:0000000000008080/", "http://a.example:8080/"),
    ("http://a.example:65535/", "http://a.example:65535/"),
    ("http://a.example:9/", "http://a.example:9/"),
    ("http://a.example:0/", "http://a.example:0/"),
    # The authority ends at the first '/', '\', '?' or '#'; a host is required.
    ("http://a.example:80]/", None),
    ("http://[::1]:80]/", None),
    ("http://a.example:80:80/", None),
    ("http://:80/", None),
    ("http://?x", None),
    ("http://#x", None),
    ("http://user@/", None),
    ("http://a.example?q", "http://a.example/?q"),
    ("http://a.example#f", "http://a.example/"),
    ("http://a.example\\x", "http://a.example/x"),
    ("http://a.example/x?q#f?g", "http://a.example/x?q"),
    ("http://a.example/#f", "http://a.example/"),
    ("http:///\\//a.example/x", "http://a.example/x"),
    # Dot segments, percent-encoded included.
    ("http://a.example/a/b/.%2E/c", "http://a.example/a/c"),
    ("http://a.example/a/b/%2E./c", "http://a.example/a/c"),
    ("http://a.example/a/b/%2e%2e", "http://a.example/a/"),
    ("http://a.example/a/%2E", "http://a.example/a/"),
    ("http://a.example/..", "http://a.example/"),
    # Schemes: letters first, then letters, digits, '+', '-', '.'; only http and https are fetched here.
    ("a1:x", None),
    ("a+b:x", None),
    ("a-b:x", None),
    ("a.b:x", None),
    ("HtTpS://a.example/", "https://a.example/"),
]

RELATIVE: list[tuple[str, str | None]] = [
    (":x", "http://a.example/b/c/:x"),
    ("\u00e9:x", "http://a.example/b/c/%C3%A9:x"),
    ("h\u00e9:x", "http://a.example/b/c/h%C3%A9:x"),
    ("1a:x", "http://a.example/b/c/1a:x"),
    ("#f", "http://a.example/b/c/d"),
    ("", "http://a.example/b/c/d"),
    ("//XY.example/x", "http://xy.example/x"),
    ("\\/XY.example/x", "http://xy.example/x"),
    ("/a/b/.%2E/c", "http://a.example/a/c"),
    ("..", "http://a.example/b/"),
    (".", "http://a.example/b/c/"),
    ("x/./y/../z", "http://a.example/b/c/x/z"),
    ("?q#f", "http://a.example/b/c/d?q"),
    ("http:x", "http://a.example/b/c/x"),
    ("http://x", "http://x/"),
    ("http:\\\\x", "http://x/"),
    ("http:/\\x", "http://x/"),
    ("http:/x", "http://a.example/x"),
    ("http:?q", "http://a.example/b/c/d?q"),
    ("https:x", "https://x/"),
    ("a1:x", None),
    ("a+b:x", None),
]


def ada(text: str, base: str | None = None) -> str | None:
    """What ada-url makes of ``text``: the URL without its fragment, or None if not an http(s) URL."""
    try:
        url = ada_url.URL(text, base=base) if base else ada_url.URL(text)
    except ValueError:
        return None
    if url.protocol not in ("http:", "https:"):
        return None
    url.hash = ""
    return url.href


def ours(text: str, base: str | None = None) -> str | None:
    try:
        return str(urls.parse(text, urls.parse(base) if base else None))
    except urls.URLError:
        return None


@pytest.mark.parametrize(("text", "expected"), ABSOLUTE)
def test_an_absolute_url_becomes_the_url_a_browser_makes_of_it(text: str, expected: str | None) -> None:
    assert ours(text) == expected


@pytest.mark.parametrize(("text", "expected"), RELATIVE)
def test_a_relative_reference_resolves_as_a_browser_resolves_it(text: str, expected: str | None) -> None:
    assert ours(text, BASE) == expected


def test_the_expected_urls_are_the_standards() -> None:
    assert [ada(text) for text, _ in ABSOLUTE] == [expected for _, expected in ABSOLUTE]
    assert [ada(text, BASE) for text, _ in RELATIVE] == [expected for _, expected in RELATIVE]


@pytest.mark.parametrize(
    ("text", "credentials"),
    [
        ("http://a.example/", False),
        ("http://@a.example/", False),
        ("http://:@a.example/", False),
        ("http://u@a.example/", True),
        ("http://:p@a.example/", True),
        ("http://u:@a.example/", True),
        ("http://::@a.example/", True),
        ("http://a@b@a.example/", True),
    ],
)
def test_credentials_are_any_username_or_password(text: str, credentials: bool) -> None:
    theirs = ada_url.URL(text)

    assert urls.parse(text).has_credentials is credentials
    assert bool(theirs.username or theirs.password) is credentials


def test_a_lone_surrogate_is_read_as_a_replacement_character_as_a_browser_reads_it() -> None:
    # A command-line byte that is not UTF-8 reaches the parser as a lone surrogate;
    # a browser's USVString conversion makes it U+FFFD.
    url = urls.parse("http://a.example/\udcff?\udcfe")

    assert (
        url.target
        == "/%EF%BF%BD?%EF%BF%BD"
        == ada_url.URL("http://a.example/\ufffd?\ufffd").pathname + "?%EF%BF%BD"
    )


def test_a_surrogate_pair_is_the_character_it_encodes() -> None:
    assert urls.parse("http://a.example/\ud83d\ude00").path == "/%F0%9F%98%80"


def test_a_lone_surrogate_in_the_host_is_refused_like_a_replacement_character() -> None:
    with pytest.raises(urls.URLError, match="give the host in its xn-- \\(punycode\\) form"):
        urls.parse("http://\udcff/")


def refusal(text: str, base: urls.URL | None = None) -> str:
    with pytest.raises(urls.URLError) as raised:
        urls.parse(text, base)
    return str(raised.value)


@pytest.mark.parametrize("text", ["http://", "http://:80/", "http://?x", "http://#x", "http:///"])
def test_a_missing_host_is_named_as_such(text: str) -> None:
    assert refusal(text) == "an http(s) URL needs a host"


def test_credentials_without_a_host_are_named_as_such() -> None:
    assert refusal("http://user@/") == "a URL with credentials must have a host after the '@'"


def test_a_relative_reference_without_a_base_asks_for_an_absolute_url() -> None:
    assert refusal("/relative") == "give an absolute http:// or https:// URL"


@pytest.mark.parametrize(
    ("text", "port"),
    [("http://a.example:80]/", "80]"), ("http://[::1]:80]/", "80]"), ("http://a:80:80/", "80:80")],
)
def test_everything_after_the_hosts_colon_is_the_port(text: str, port: str) -> None:
    assert refusal(text) == f"the port {port!r} is not a number"


@pytest.mark.parametrize(
    ("text", "port"), [("http://a.example:100000/", "100000"), ("http://a.example:0065536/", "0065536")]
)
def test_a_port_over_65535_is_named(text: str, port: str) -> None:
    assert refusal(text) == f"the port {port!r} is over 65535"


def test_forbidden_host_characters_are_all_named() -> None:
    assert refusal("http://a<>/") == "the host 'a<>' contains '<>', which a browser refuses"


def test_a_host_that_is_not_utf8_once_decoded_is_named() -> None:
    assert refusal("http://%ff/") == "'%ff': the percent-decoded host is not UTF-8"


def test_invalid_punycode_names_the_label() -> None:
    assert refusal("http://\u00fc.xn--abc-/") == "'xn--abc-' is not valid punycode"


def test_deviation_characters_are_named_with_the_way_out() -> None:
    assert refusal("https://a\u00df\u03c2.example/") == (
        "'a\\xdf\\u03c2' contains '\\xdf', '\\u03c2', which browsers and Python's IDNA codec map "
        "differently; give the host in its xn-- (punycode) form"
    )


def test_an_unassigned_code_point_is_named_with_the_unicode_version() -> None:
    assert refusal("https://a\u0378\u0379.example/") == (
        "'a\\u0378\\u0379' contains '\\u0378', '\\u0379', unassigned in Unicode "
        f"{unicodedata.unidata_version}: browsers refuse it; if it is assigned in a newer Unicode, give the "
        "host in its xn-- (punycode) form"
    )


def test_a_label_the_idna_codec_cannot_convert_is_named_with_the_way_out() -> None:
    label = "\u00e9" + "a" * 64

    message = refusal(f"https://{label}.example/")

    assert message.startswith(f"{label!a} cannot be converted to ASCII here (")
    assert message.endswith("); give the host in its xn-- (punycode) form")


def test_ipv4_refusals_say_which_rule_failed() -> None:
    assert refusal("http://1.2.3.4.5/") == (
        "'1.2.3.4.5' ends in a number but is not an IPv4 address (more than four parts)"
    )
    assert refusal("http://1.x.3/") == "'1.x.3' ends in a number but 'x' is not an IPv4 number"
    assert refusal("http://1..3/") == "'1..3' ends in a number but '' is not an IPv4 number"
    assert refusal("http://1.2.256.4/") == "'1.2.256.4' is an IPv4 address out of range"
