"""The browser's side: when a preflight is needed and what it carries (Fetch standard)."""

from __future__ import annotations

import pytest

from cors_wsgi import browser, reasons


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Accept", "text/html, application/json;q=0.9, */*"),
        ("accept-language", "en-US,en;q=0.9"),
        ("Content-Language", "de-DE"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("CONTENT-TYPE", "Multipart/Form-Data; boundary=abc"),
        ("Range", "bytes=0-99"),
        ("Range", "bytes=100-"),
        ("Accept", "a" * 128),
    ],
)
def test_safelisted_request_headers_need_no_preflight(name: str, value: str) -> None:
    assert browser.is_safelisted_request_header(name, value)
    assert browser.preflight_reasons(browser.Request("https://a.example", "GET", ((name, value),))) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Accept", "a" * 129),
        ("Accept", "text/html(1)"),
        ("Accept", 'text/"html"'),
        ("Accept-Language", "en_US"),
        ("Content-Language", "de:DE"),
        ("Content-Type", "application/json"),
        ("Content-Type", "text/plain@x"),
        ("Content-Type", "text"),
        ("Range", "bytes=-100"),
        ("Range", "bytes=0-1,5-6"),
        ("Range", "bytes=9-1"),
        ("Range", "items=0-1"),
        ("Range", "bytes = 0-1"),
        ("X-Requested-With", "XMLHttpRequest"),
        ("Authorization", "Bearer x"),
    ],
)
def test_other_headers_or_values_need_a_preflight(name: str, value: str) -> None:
    assert not browser.is_safelisted_request_header(name, value)
    reasons = browser.preflight_reasons(browser.Request("https://a.example", "GET", ((name, value),)))
    assert len(reasons) == 1
    assert name.lower() in reasons[0]


def test_safelisted_values_over_1024_bytes_in_total_all_become_unsafe() -> None:
    at_limit = [("Accept", "a" * 128)] * 8
    over = [*at_limit, ("Content-Language", "x")]

    assert browser.unsafe_request_header_names(at_limit) == []
    assert browser.unsafe_request_header_names(over) == ["accept", "content-language"]


def test_unsafe_names_are_lower_case_sorted_and_unique() -> None:
    headers = [("X-B", "1"), ("x-a", "2"), ("X-A", "3"), ("Accept", "text/html")]

    assert browser.unsafe_request_header_names(headers) == ["x-a", "x-b"]


@pytest.mark.parametrize(
    ("method", "preflight"), [("GET", False), ("HEAD", False), ("POST", False), ("PUT", True)]
)
def test_only_safelisted_methods_go_without_preflight(method: str, preflight: bool) -> None:
    assert bool(browser.preflight_reasons(browser.Request("https://a.example", method))) is preflight


@pytest.mark.parametrize(
    ("given", "sent"),
    [("get", "GET"), ("delete", "DELETE"), ("options", "OPTIONS"), ("patch", "patch"), ("Purge", "Purge")],
)
def test_only_six_methods_are_upper_cased(given: str, sent: str) -> None:
    assert browser.normalize_method(given) == sent


def test_preflight_headers_are_those_browsers_send() -> None:
    request = browser.Request(
        "https://a.example",
        "PUT",
        (("X-Zed", "1"), ("Content-Type", "application/json"), ("Accept", "*/*")),
        True,
        True,
    )

    assert browser.preflight_request_headers(request) == [
        ("Accept", "*/*"),
        ("Origin", "https://a.example"),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "content-type,x-zed"),
        ("Access-Control-Request-Private-Network", "true"),
    ]


def test_empty_elements_in_allow_lists_are_skipped_as_chromium_does() -> None:
    request = browser.Request("https://a.example", "PUT", (("X-Foo", "1"),))
    response = browser.Response(
        204,
        (
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Allow-Methods", "GET,, PUT,"),
            ("Access-Control-Allow-Headers", ", x-foo"),
        ),
    )

    assert browser.preflight_check(request, response) is None


def test_allow_lists_split_over_several_header_lines_are_combined() -> None:
    request = browser.Request("https://a.example", "PUT", (("X-Foo", "1"),))
    response = browser.Response(
        204,
        (
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Allow-Methods", "GET"),
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "x-bar"),
            ("Access-Control-Allow-Headers", "X-Foo"),
        ),
    )

    assert browser.preflight_check(request, response) is None


def test_every_browser_code_is_distinct_from_the_core_codes() -> None:
    assert set(browser.CODES) & set(reasons.ALL) == {"allowed"}
