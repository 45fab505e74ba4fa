"""Private Network Access, as a legacy opt-in.

WICG Private Network Access draft, "CORS preflight": the preflight carries
``Access-Control-Request-Private-Network: true`` and is granted only by
``Access-Control-Allow-Private-Network: true``. flask-cors granted it by
default (2024); here it is off unless the policy opts in.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient

ASK = {"Access-Control-Request-Private-Network": "true"}


def test_private_network_is_refused_by_default(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(ORIGIN, "PUT", **ASK)
    assert response.status_int == 403
    assert "Access-Control-Allow-Private-Network" not in response.headers
    assert "Access-Control-Allow-Origin" not in response.headers


def test_opt_in_grants_private_network_on_the_preflight(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_methods=["PUT"], allow_private_network=True).preflight(
        ORIGIN, "PUT", **ASK
    )
    assert response.status_int == 204
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Request-Private-Network" in response.headers["Vary"]


def test_opt_in_never_grants_a_refused_origin(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_private_network=True).preflight(
        OTHER_ORIGIN, "GET", **ASK
    )
    assert "Access-Control-Allow-Private-Network" not in response.headers


def test_opt_in_adds_nothing_when_the_preflight_does_not_ask(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_private_network=True).preflight(ORIGIN, "GET")
    assert "Access-Control-Allow-Private-Network" not in response.headers


def test_only_the_exact_value_true_asks(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN]).preflight(
        ORIGIN, "GET", **{"Access-Control-Request-Private-Network": "yes"}
    )
    assert response.status_int == 204
    assert "Access-Control-Allow-Private-Network" not in response.headers


def test_actual_responses_never_carry_private_network(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN], allow_private_network=True).request("GET", ORIGIN, **ASK)
    assert "Access-Control-Allow-Private-Network" not in response.headers
