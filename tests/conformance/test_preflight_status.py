"""The preflight's status.

Fetch, "CORS-preflight fetch" (#cors-preflight-fetch): the preflight succeeds
only if the CORS check passes and the status is an ok status (200-299); a
redirect or an error status fails it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cors_wsgi import ConfigError
from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient
from tests.conformance.fetch_model import preflight_passes


@pytest.mark.parametrize("status", [204, 200])
def test_granted_preflight_has_an_ok_status(client: Callable[..., BrowserClient], status: int) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"], preflight_status=status).preflight(
        ORIGIN, "PUT"
    )
    assert response.status_int == status
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "PUT")


def test_preflight_with_status_200_sends_an_empty_body_with_its_length(
    client: Callable[..., BrowserClient],
) -> None:
    """Some old clients need Content-Length: 0 on a 200 without a body."""
    response = client(allow_origins=[ORIGIN], preflight_status=200).preflight(ORIGIN, "GET")
    assert response.headers["Content-Length"] == "0"
    assert response.body == b""


@pytest.mark.parametrize(
    ("origin", "method", "names"),
    [(OTHER_ORIGIN, "PUT", ()), (ORIGIN, "DELETE", ()), (ORIGIN, "PUT", ("x-secret",))],
    ids=["origin", "method", "header"],
)
def test_refused_preflight_has_a_non_ok_status_and_no_grant(
    client: Callable[..., BrowserClient], origin: str, method: str, names: tuple[str, ...]
) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(origin, method, names)
    assert response.status_int == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert not preflight_passes(response.status_int, response.headerlist, origin, method, names)


def test_refused_preflight_says_why_in_its_body(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(ORIGIN, "PUT", ["X-Secret"])
    assert response.text == "CORS preflight refused: header-not-allowed: x-secret\n"


@pytest.mark.parametrize("status", [301, 302, 404, 500])
def test_preflight_status_is_limited_to_ok_statuses(
    client: Callable[..., BrowserClient], status: int
) -> None:
    with pytest.raises(ConfigError, match="preflight_status"):
        client(allow_origins=[ORIGIN], preflight_status=status)
