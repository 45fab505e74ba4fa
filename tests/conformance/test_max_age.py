"""Access-Control-Max-Age.

Fetch, "CORS-preflight fetch" and "CORS-preflight cache" (#concept-cache):
the value is delta-seconds; when missing or invalid the browser uses 5
seconds; ``0`` disables caching; browsers cap it (Chromium 2 h).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cors_wsgi import ConfigError
from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient
from tests.conformance.fetch_model import DEFAULT_MAX_AGE, get_header, max_age


@pytest.mark.parametrize("seconds", [0, 5, 600, 7200, 86400])
def test_granted_preflight_carries_the_configured_max_age(
    client: Callable[..., BrowserClient], seconds: int
) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"], max_age=seconds).preflight(ORIGIN, "PUT")
    assert get_header(response.headerlist, "Access-Control-Max-Age") == str(seconds)
    assert max_age(response.headerlist) == seconds


def test_default_max_age_is_ten_minutes(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(ORIGIN, "PUT")
    assert max_age(response.headerlist) == 600


def test_max_age_none_leaves_the_browser_default(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"], max_age=None).preflight(ORIGIN, "PUT")
    assert "Access-Control-Max-Age" not in response.headers
    assert max_age(response.headerlist) == DEFAULT_MAX_AGE


def test_refused_preflight_carries_no_max_age(client: Callable[..., BrowserClient]) -> None:
    """Only a successful preflight creates cache entries; a refusal should not look cacheable."""
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(OTHER_ORIGIN, "PUT")
    assert "Access-Control-Max-Age" not in response.headers


def test_actual_response_carries_no_max_age(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN]).request("GET", ORIGIN)
    assert "Access-Control-Max-Age" not in response.headers


@pytest.mark.parametrize("value", [-1, 1.5, "600", True])
def test_max_age_must_be_a_non_negative_int(client: Callable[..., BrowserClient], value: object) -> None:
    with pytest.raises(ConfigError, match="max_age"):
        client(allow_origins=[ORIGIN], max_age=value)
