"""The CORS check.

Fetch, "CORS check" (#concept-cors-check): Access-Control-Allow-Origin must be
``*`` (only without credentials) or byte-equal to the request's serialized
origin; with credentials, Access-Control-Allow-Credentials must be exactly
``true``. "get" combines repeated headers, so two ACAO values fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient
from tests.conformance.fetch_model import cors_check, get_header

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]


@pytest.mark.parametrize("method", METHODS)
def test_allowed_origin_passes_the_check_for_every_method(
    client: Callable[..., BrowserClient], method: str
) -> None:
    response = client(allow_origins=[ORIGIN]).request(method, ORIGIN)
    assert response.headers.getall("Access-Control-Allow-Origin") == [ORIGIN]
    assert cors_check(response.headerlist, ORIGIN, credentials=False)


@pytest.mark.parametrize("method", METHODS)
def test_other_origin_fails_the_check_but_still_gets_the_response(
    client: Callable[..., BrowserClient], method: str
) -> None:
    """CORS guards reading, not sending: the app still answers; the browser hides it."""
    response = client(allow_origins=[ORIGIN]).request(method, OTHER_ORIGIN)
    assert response.status_int == 200
    assert not cors_check(response.headerlist, OTHER_ORIGIN, credentials=False)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_allow_origin_is_byte_equal_to_the_request_origin_with_a_port(
    client: Callable[..., BrowserClient],
) -> None:
    origin = "http://localhost:8080"
    response = client(allow_origins=["http://localhost:*"]).request("GET", origin)
    assert get_header(response.headerlist, "Access-Control-Allow-Origin") == origin


def test_wildcard_policy_passes_without_credentials_and_never_reflects(
    client: Callable[..., BrowserClient],
) -> None:
    response = client(allow_origins="*").request("GET", OTHER_ORIGIN)
    assert get_header(response.headerlist, "Access-Control-Allow-Origin") == "*"
    assert cors_check(response.headerlist, OTHER_ORIGIN, credentials=False)
    assert not cors_check(response.headerlist, OTHER_ORIGIN, credentials=True)


def test_credentials_need_allow_credentials_exactly_true(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_credentials=True).request(
        "GET", ORIGIN, Cookie="session=1"
    )
    assert get_header(response.headerlist, "Access-Control-Allow-Credentials") == "true"
    assert cors_check(response.headerlist, ORIGIN, credentials=True)


def test_without_allow_credentials_a_credentialed_read_fails(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN]).request("GET", ORIGIN, Cookie="session=1")
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert cors_check(response.headerlist, ORIGIN, credentials=False)
    assert not cors_check(response.headerlist, ORIGIN, credentials=True)


def test_refused_origin_gets_no_allow_credentials_either(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_credentials=True).request("GET", OTHER_ORIGIN)
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert not cors_check(response.headerlist, OTHER_ORIGIN, credentials=True)


def test_request_without_origin_gets_no_cors_headers(client: Callable[..., BrowserClient]) -> None:
    """Same-origin GETs carry no Origin; there is nothing to grant (#http-origin)."""
    response = client(allow_origins=[ORIGIN], allow_credentials=True).request("GET", None)
    assert not [name for name, _ in response.headerlist if name.lower().startswith("access-control-")]


def test_app_that_sets_allow_origin_itself_gets_no_second_one(client: Callable[..., BrowserClient]) -> None:
    """Two ACAO headers are combined by "get" into one value, which never matches."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Access-Control-Allow-Origin", ORIGIN)])
        return [b""]

    response = client(app, allow_origins=[ORIGIN]).request("GET", ORIGIN)
    assert response.headers.getall("Access-Control-Allow-Origin") == [ORIGIN]
    assert cors_check(response.headerlist, ORIGIN, credentials=False)


def test_null_origin_is_refused_unless_listed(client: Callable[..., BrowserClient]) -> None:
    """#concept-origin-opaque: sandboxed and data: documents serialize as ``null``."""
    response = client(allow_origins=[ORIGIN]).request("GET", "null")
    assert not cors_check(response.headerlist, "null", credentials=False)
