"""Access-Control-Allow-Methods and -Headers: parsing and the wildcard rules.

Fetch, "CORS-preflight fetch" (#cors-preflight-fetch): both headers are
"extracted" as comma-separated tokens and one bad token fails the preflight.
A method passes if listed (case-sensitively, #concept-method-normalize only
upper-cases six methods) or CORS-safelisted (#cors-safelisted-method); ``*``
covers any method or header only without credentials, and never covers
Authorization ("CORS-non-wildcard request-header name").
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cors_wsgi import ConfigError
from tests.conformance.client import ORIGIN, BrowserClient
from tests.conformance.fetch_model import extract_list, preflight_passes


def test_listed_method_passes_and_the_header_parses_as_tokens(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT", "DELETE"]).preflight(ORIGIN, "DELETE")
    assert extract_list(response.headerlist, "Access-Control-Allow-Methods") == ["PUT", "DELETE"]
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "DELETE")


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_safelisted_methods_pass_even_when_not_listed(
    client: Callable[..., BrowserClient], method: str
) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(ORIGIN, method)
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, method)


def test_methods_are_matched_case_sensitively(client: Callable[..., BrowserClient]) -> None:
    """Browsers send ``patch`` as written: only the six normalized methods are upper-cased."""
    browser = client(allow_origins=[ORIGIN], allow_methods=["PATCH"])
    upper = browser.preflight(ORIGIN, "PATCH")
    lower = browser.preflight(ORIGIN, "patch")
    assert preflight_passes(upper.status_int, upper.headerlist, ORIGIN, "PATCH")
    assert not preflight_passes(lower.status_int, lower.headerlist, ORIGIN, "patch")


def test_normalized_methods_configured_in_lower_case_are_upper_cased(
    client: Callable[..., BrowserClient],
) -> None:
    """``fetch(url, {method: "put"})`` is sent as PUT (#concept-method-normalize)."""
    response = client(allow_origins=[ORIGIN], allow_methods=["put"]).preflight(ORIGIN, "PUT")
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "PUT")


@pytest.mark.parametrize("credentials", [False, True])
def test_any_method_policy_names_the_method_so_it_works_with_credentials(
    client: Callable[..., BrowserClient], credentials: bool
) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods="*", allow_credentials=credentials).preflight(
        ORIGIN, "PROPFIND"
    )
    assert extract_list(response.headerlist, "Access-Control-Allow-Methods") == ["PROPFIND"]
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "PROPFIND", (), credentials)


def test_listed_headers_pass_case_insensitively(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_headers=["Content-Type", "X-Requested-With"]).preflight(
        ORIGIN, "POST", ["content-type", "x-requested-with"]
    )
    names = ["content-type", "x-requested-with"]
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "POST", names)


def test_one_unlisted_header_fails_the_whole_preflight(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_headers=["Content-Type"]).preflight(
        ORIGIN, "POST", ["content-type", "x-other"]
    )
    assert not preflight_passes(response.status_int, response.headerlist, ORIGIN, "POST", ["x-other"])


@pytest.mark.parametrize("credentials", [False, True])
def test_any_header_policy_echoes_names_so_authorization_and_credentials_work(
    client: Callable[..., BrowserClient], credentials: bool
) -> None:
    """A literal ``*`` would fail for Authorization, and for everything with credentials."""
    names = ["authorization", "x-custom"]
    response = client(allow_origins=[ORIGIN], allow_headers="*", allow_credentials=credentials).preflight(
        ORIGIN, "POST", names
    )
    assert extract_list(response.headerlist, "Access-Control-Allow-Headers") == names
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "POST", names, credentials)


def test_authorization_must_be_listed_explicitly(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_headers=["X-Custom"]).preflight(
        ORIGIN, "GET", ["authorization"]
    )
    assert not preflight_passes(response.status_int, response.headerlist, ORIGIN, "GET", ["authorization"])
    listed = client(allow_origins=[ORIGIN], allow_headers=["Authorization"]).preflight(
        ORIGIN, "GET", ["authorization"]
    )
    assert preflight_passes(listed.status_int, listed.headerlist, ORIGIN, "GET", ["authorization"])


@pytest.mark.parametrize(
    "raw",
    ["x-a, x-b", "X-A,X-B", " x-a ,\tx-b ", "x-a,,x-b,", "x-a, x-b, x-a"],
    ids=["spaces", "upper", "padding", "empty-elements", "duplicates"],
)
def test_request_headers_are_parsed_tolerantly_as_intermediaries_rewrite_them(
    client: Callable[..., BrowserClient], raw: str
) -> None:
    response = client(allow_origins=[ORIGIN], allow_headers=["X-A", "X-B"]).preflight(
        ORIGIN, "POST", **{"Access-Control-Request-Headers": raw}
    )
    assert response.status_int == 204
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "POST", ["x-a", "x-b"])


@pytest.mark.parametrize("raw", ["x-a, bad name", "x-a;x-b", "x-(a)", "x-a, x-b:"])
def test_request_headers_with_a_non_token_element_are_refused(
    client: Callable[..., BrowserClient], raw: str
) -> None:
    response = client(allow_origins=[ORIGIN], allow_headers="*").preflight(
        ORIGIN, "POST", **{"Access-Control-Request-Headers": raw}
    )
    assert response.status_int == 403
    assert "Access-Control-Allow-Headers" not in response.headers


@pytest.mark.parametrize("option", ["allow_methods", "allow_headers"])
@pytest.mark.parametrize("value", ["X A", "X,A", "", "X-A\r\n"])
def test_configured_names_must_be_tokens(
    client: Callable[..., BrowserClient], option: str, value: str
) -> None:
    """Our response would fail "extract header list values" and with it every preflight."""
    with pytest.raises(ConfigError, match=option):
        client(allow_origins=[ORIGIN], **{option: [value]})


@pytest.mark.parametrize("method", ["CONNECT", "TRACE", "TRACK", "connect"])
def test_forbidden_methods_cannot_be_allowed(client: Callable[..., BrowserClient], method: str) -> None:
    """#forbidden-method: no script can send them, so listing one is a mistake."""
    with pytest.raises(ConfigError, match="forbidden"):
        client(allow_origins=[ORIGIN], allow_methods=[method])


def test_judge_skips_empty_list_elements_and_fails_a_non_token_one() -> None:
    """RFC 9110 list rule, as Chromium applies it: ``PUT, , DELETE`` lists two methods."""
    granted = [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "PUT, , DELETE")]
    assert extract_list(granted, "Access-Control-Allow-Methods") == ["PUT", "DELETE"]
    assert preflight_passes(204, granted, ORIGIN, "DELETE")
    broken = [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "PUT, DE LETE")]
    assert not preflight_passes(204, broken, ORIGIN, "PUT")
