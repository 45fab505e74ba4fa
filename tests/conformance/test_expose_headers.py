"""Access-Control-Expose-Headers.

Fetch, "CORS-filtered response" (#concept-filtered-response-cors) and
"CORS-safelisted response-header name": script reads the safelisted headers
plus those listed; ``*`` counts only without credentials; Set-Cookie is a
"forbidden response-header name" and is never readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import ConfigError
from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient
from tests.conformance.fetch_model import exposed_headers


def test_listed_header_becomes_readable_by_script(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], expose_headers=["X-Total"]).request("GET", ORIGIN)
    assert "x-total" in exposed_headers(response.headerlist, credentials=False)


def test_unlisted_header_stays_hidden(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN]).request("GET", ORIGIN)
    assert exposed_headers(response.headerlist, credentials=False) == {"content-type", "content-length"}


def test_listed_header_works_with_credentials(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_credentials=True, expose_headers=["X-Total"]).request(
        "GET", ORIGIN
    )
    assert "x-total" in exposed_headers(response.headerlist, credentials=True)


def test_wildcard_exposes_everything_but_set_cookie_without_credentials(
    client: Callable[..., BrowserClient],
) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("X-Total", "3"), ("Set-Cookie", "a=b")])
        return [b""]

    response = client(app, allow_origins="*", expose_headers="*").request("GET", OTHER_ORIGIN)
    readable = exposed_headers(response.headerlist, credentials=False)
    assert "x-total" in readable
    assert "set-cookie" not in readable


def test_wildcard_with_credentials_is_a_configuration_error(client: Callable[..., BrowserClient]) -> None:
    with pytest.raises(ConfigError, match="expose_headers"):
        client(allow_origins=[ORIGIN], allow_credentials=True, expose_headers="*")


@pytest.mark.parametrize("name", ["Set-Cookie", "set-cookie2"])
def test_set_cookie_can_never_be_exposed(client: Callable[..., BrowserClient], name: str) -> None:
    with pytest.raises(ConfigError, match="never be exposed"):
        client(allow_origins=[ORIGIN], expose_headers=[name])


def test_refused_origin_gets_no_expose_headers(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], expose_headers=["X-Total"]).request("GET", OTHER_ORIGIN)
    assert "Access-Control-Expose-Headers" not in response.headers


def test_preflight_does_not_carry_expose_headers(client: Callable[..., BrowserClient]) -> None:
    """Only the actual response's list counts; on a preflight it is noise."""
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"], expose_headers=["X-Total"]).preflight(
        ORIGIN, "PUT"
    )
    assert "Access-Control-Expose-Headers" not in response.headers
