"""Patterns and regexes that would grant sites nobody controls are refused at start-up.

``https://*.com``, ``https://*.github.io`` or ``https?://.*`` are as open as
``*``; with credentials they hand every site the user's session. They are
refused always (``*`` says "every site" plainly), with the option, the value,
what was checked and the fix.
"""

from __future__ import annotations

import logging
import re
import sys

import pytest

from cors_wsgi import ConfigError, CORSPolicy, decide_actual
from cors_wsgi.suffixes import BUILTIN_SUFFIXES

PATTERN_FIX = "or list the origins; for every site without credentials, write '*'"


@pytest.fixture
def without_psl(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if cors-wsgi[psl] were not installed: importing publicsuffixlist fails."""
    monkeypatch.setitem(sys.modules, "publicsuffixlist", None)


@pytest.mark.parametrize("credentials", [False, True])
@pytest.mark.parametrize(
    ("pattern", "parent", "example"),
    [
        ("https://*.com", "com", "https://*.your-domain.com"),
        ("http://*.net", "net", "http://*.your-domain.net"),
        ("https://*.io:8443", "io", "https://*.your-domain.io:8443"),
        ("https://*.test:*", "test", "https://*.your-domain.test:*"),
        ("http://*.local", "local", "http://*.your-domain.local"),
        ("https://*.xn--p1ai", "xn--p1ai", "https://*.your-domain.xn--p1ai"),
    ],
)
def test_a_single_label_parent_is_refused_with_the_fix(
    pattern: str, parent: str, example: str, credentials: bool
) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=["https://app.example.com", pattern], allow_credentials=credentials)
    error = raised.value
    assert (error.option, error.value) == ("allow_origins", pattern)
    assert error.problem == f"grants every site under the top-level domain {parent!r}"
    assert error.fix == f"name a domain you own, such as {example!r}, {PATTERN_FIX}"
    assert str(error).startswith(f"allow_origins={pattern!r}: grants every site")


@pytest.mark.parametrize(
    "parent", ["co.uk", "github.io", "herokuapp.com", "gov.br", "myshopify.com", "azurestaticapps.net"]
)
def test_a_public_suffix_parent_is_refused_naming_the_list_checked(parent: str) -> None:
    pytest.importorskip(
        "publicsuffixlist", reason="the psl extra (part of the test extra) checks the full list"
    )
    pattern = f"https://*.{parent}"
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[pattern], allow_credentials=True)
    error = raised.value
    assert (error.option, error.value) == ("allow_origins", pattern)
    assert error.problem == (
        f"grants every site registered under {parent!r}, a public suffix "
        "(checked against the Public Suffix List (publicsuffixlist))"
    )
    assert error.fix == f"name a domain you own, such as 'https://*.your-domain.{parent}', {PATTERN_FIX}"


@pytest.mark.usefixtures("without_psl")
@pytest.mark.parametrize("parent", ["co.uk", "github.io", "s3.amazonaws.com", "vercel.app", "com.au"])
def test_without_the_psl_extra_the_built_in_suffixes_are_refused_and_the_error_says_so(parent: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[f"https://*.{parent}:*"])
    assert raised.value.problem == (
        f"grants every site registered under {parent!r}, a public suffix (checked against a built-in "
        f"list of {len(BUILTIN_SUFFIXES)} common suffixes; install cors-wsgi[psl] to check the full "
        "Public Suffix List)"
    )


@pytest.mark.usefixtures("without_psl")
def test_without_the_psl_extra_single_labels_are_still_refused_and_owned_domains_accepted() -> None:
    with pytest.raises(ConfigError, match="top-level domain 'app'"):
        CORSPolicy(allow_origins=["https://*.app"])
    policy = CORSPolicy(allow_origins=["https://*.example.co.uk"])
    assert decide_actual(policy, "https://shop.example.co.uk").allowed


def test_every_built_in_suffix_is_on_the_public_suffix_list() -> None:
    psl = pytest.importorskip("publicsuffixlist").PublicSuffixList()
    assert sorted(s for s in BUILTIN_SUFFIXES if not psl.is_public(s)) == []
    assert all(s == s.lower() and s.count(".") >= 1 for s in BUILTIN_SUFFIXES)


@pytest.mark.parametrize(
    ("pattern", "granted", "refused"),
    [
        ("https://*.example.co.uk", "https://shop.example.co.uk", "https://example-shop.co.uk"),
        ("https://*.me.github.io", "https://docs.me.github.io", "https://you.github.io"),
        ("https://*.blogspot.co.uk", "https://a.blogspot.co.uk", "https://a.co.uk"),
        ("https://*.example.com", "https://a.b.example.com", "https://evilexample.com"),
    ],
)
def test_a_pattern_under_a_domain_someone_owns_is_accepted(pattern: str, granted: str, refused: str) -> None:
    policy = CORSPolicy(allow_origins=[pattern], allow_credentials=True)
    assert decide_actual(policy, granted).allowed
    assert not decide_actual(policy, refused).allowed


@pytest.mark.parametrize("pattern", ["http://*.localhost", "http://*.localhost:*"])
def test_localhost_subdomains_are_a_loopback_dev_pattern_accepted_without_warning(
    pattern: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        policy = CORSPolicy(allow_origins=[pattern], allow_credentials=True)
    assert caplog.text == ""
    assert decide_actual(policy, "http://app.localhost" + (":3000" if pattern.endswith("*") else "")).allowed
    assert not decide_actual(policy, "http://localhost.evil.com").allowed


REGEX_FIX = (
    r"anchor it to your own domain with escaped dots, such as r'https://[a-z0-9-]+\.example\.com'; "
    "for every site without credentials, write allow_origins='*'"
)


@pytest.mark.parametrize(
    ("regex", "probe"),
    [
        (".*", "https://cors-wsgi-probe.invalid"),
        ("^.*$", "https://cors-wsgi-probe.invalid"),
        ("https?://.*", "https://cors-wsgi-probe.invalid"),
        ("[a-z]+://.+", "https://cors-wsgi-probe.invalid"),
        (r"https?://[^/]+", "https://cors-wsgi-probe.invalid"),
        (r"http://.*", "http://cors-wsgi-probe.invalid"),
        (r"http://[a-z]\.[a-z]+", "http://x.example"),
        (r"https://([a-z]+\.)+test:\d+", "https://a.b.c.test:8443"),
        (r"https://[a-z]+\.com", "https://corswsgiprobe.com"),
        (r"https://[a-z0-9-]+\.co\.uk", "https://corswsgiprobe.co.uk"),
        (r"https://\w+\.github\.io", "https://corswsgiprobe.github.io"),
        (re.compile("HTTPS://.*", re.IGNORECASE), "https://cors-wsgi-probe.invalid"),
    ],
)
def test_a_regex_matching_origins_nobody_owns_is_refused(regex: str | re.Pattern[str], probe: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origin_regex=["https://app\\.example\\.com", regex])
    error = raised.value
    source = regex if isinstance(regex, str) else regex.pattern
    assert (error.option, error.value) == ("allow_origin_regex", source)
    assert error.problem == f"matches {probe!r}, so it grants sites nobody controls or anyone can register"
    assert error.fix == REGEX_FIX


@pytest.mark.parametrize(
    ("regex", "suggested"),
    [
        (r"^[a-z.]+\.example\.com$", r"https://[a-z.]+\.example\.com"),
        (r"app\.example\.com", r"https://app\.example\.com"),
        (r"/api/.*", r"https:///api/.*"),
        (r"https:/app\.example\.com", r"https://https:/app\.example\.com"),
    ],
)
def test_a_regex_without_a_scheme_separator_is_refused_since_it_matches_no_origin(
    regex: str, suggested: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origin_regex=regex)
    error = raised.value
    assert (error.option, error.value) == ("allow_origin_regex", regex)
    assert error.problem == (
        "cannot match any origin: it has no '://', and it must match the whole scheme://host[:port]"
    )
    assert error.fix == f"include the scheme, such as {suggested!r}"


@pytest.mark.parametrize(
    "regex", [r"https://app\.example\.com", r"https:\/\/app\.example\.com", r"https:/{2}app\.example\.com"]
)
def test_each_spelling_of_the_scheme_separator_is_accepted(regex: str) -> None:
    assert decide_actual(CORSPolicy(allow_origin_regex=regex), "https://app.example.com").allowed


@pytest.mark.parametrize(
    ("regex", "escaped", "lookalike"),
    [
        (r"https://.*.example.com", r"https://.*\.example\.com", "https://evil-example.com"),
        (r"https://app.example\.com", r"https://app\.example\.com", "https://app-example.com"),
        (r"https://shop[0-9]+.(com|org)", r"https://shop[0-9]+\.(com|org)", "https://shop1-com"),
        (r"https://(a|b)\d.[a-z]+\.net", r"https://(a|b)\d\.[a-z]+\.net", "https://a1-x.net"),
        (r"https://[a-z]+.[a-z]+\.net", r"https://[a-z]+\.[a-z]+\.net", "https://ab-c.net"),
        (r"https://[ab].[cd]\.net", r"https://[ab]\.[cd]\.net", "https://a-c.net"),
        (r"https://(a|b).(c|d)\.net", r"https://(a|b)\.(c|d)\.net", "https://a-c.net"),
    ],
)
def test_an_unescaped_dot_between_host_labels_is_warned_about_with_the_escaped_fix(
    regex: str, escaped: str, lookalike: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        loose = CORSPolicy(allow_origin_regex=regex)
    assert [record.name for record in caplog.records] == ["cors_wsgi"]
    assert caplog.records[0].getMessage() == (
        f"allow_origin_regex {regex!r} has an unescaped '.' between host labels, which matches any "
        f"character (so a lookalike such as 'exampleXcom' passes); write {escaped!r}"
    )
    assert decide_actual(loose, lookalike).allowed
    assert not decide_actual(CORSPolicy(allow_origin_regex=escaped), lookalike).allowed


@pytest.mark.parametrize(
    "regex",
    [
        r"https://.*\.example\.com",
        r"https://[a-z.]+\.example\.com",
        r"https://(.+)\.example\.com",
        r"https://.{1,20}\.example\.com",
        r"https://pr-[0-9]+\.preview\.example\.com(:[0-9]+)?",
        r"https://a\\b\.example\.com",
        r"https://(.[a-z]+)\.example\.com",
        r"https://x.?\.example\.com",
    ],
)
def test_regexes_with_every_label_dot_escaped_are_not_warned_about(
    regex: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(allow_origin_regex=regex)
    assert caplog.text == ""
