"""Vary for shared caches.

Fetch, "CORS protocol and HTTP caches" (#cors-protocol-and-http-caches): when
Access-Control-Allow-Origin depends on the request's Origin, every response of
the resource, with or without Origin, allowed or not, needs ``Vary: Origin``,
or a cache serves one origin's answer to another. Preflight answers also
depend on Access-Control-Request-Method and -Headers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient


def vary_names(response: Any) -> list[str]:
    return [name.strip().lower() for value in response.headers.getall("Vary") for name in value.split(",")]


def app_with_headers(*headers: tuple[str, str]) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", list(headers))
        return [b""]

    return app


@pytest.mark.parametrize("origin", [ORIGIN, OTHER_ORIGIN, None, "not an origin"])
def test_every_response_of_an_origin_dependent_policy_varies_on_origin(
    client: Callable[..., BrowserClient], origin: str | None
) -> None:
    response = client(allow_origins=[ORIGIN]).request("GET", origin)
    assert "origin" in vary_names(response)


@pytest.mark.parametrize("origin", [ORIGIN, OTHER_ORIGIN])
def test_preflights_vary_on_origin_and_what_was_requested(
    client: Callable[..., BrowserClient], origin: str
) -> None:
    response = client(allow_origins=[ORIGIN], allow_headers=["X-A"]).preflight(origin, "PUT", ["x-a"])
    assert {"origin", "access-control-request-method", "access-control-request-headers"} <= set(
        vary_names(response)
    )


def test_wildcard_policy_needs_no_vary_on_actual_responses(client: Callable[..., BrowserClient]) -> None:
    """The answer is the same ``*`` for everyone, so caches may share it."""
    response = client(allow_origins="*").request("GET", OTHER_ORIGIN)
    assert "origin" not in vary_names(response)


def test_app_vary_is_extended_not_replaced(client: Callable[..., BrowserClient]) -> None:
    response = client(app_with_headers(("Vary", "Accept-Encoding")), allow_origins=[ORIGIN]).request(
        "GET", ORIGIN
    )
    assert vary_names(response) == ["accept-encoding", "origin"]


def test_app_vary_origin_is_not_repeated(client: Callable[..., BrowserClient]) -> None:
    response = client(app_with_headers(("Vary", "origin")), allow_origins=[ORIGIN]).request("GET", ORIGIN)
    assert vary_names(response) == ["origin"]


def test_app_vary_star_is_left_alone(client: Callable[..., BrowserClient]) -> None:
    response = client(app_with_headers(("Vary", "*")), allow_origins=[ORIGIN]).request("GET", ORIGIN)
    assert response.headers.getall("Vary") == ["*"]


def test_app_vary_split_over_several_lines_is_respected(client: Callable[..., BrowserClient]) -> None:
    app = app_with_headers(("Vary", "Accept-Encoding"), ("Vary", "Origin"))
    response = client(app, allow_origins=[ORIGIN]).request("GET", ORIGIN)
    assert sorted(vary_names(response)) == ["accept-encoding", "origin"]
