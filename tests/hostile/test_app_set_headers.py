"""Applications that set CORS headers themselves, or reuse header lists.

Two Access-Control-Allow-Origin headers (or two ``true`` credentials) are
combined by the browser into one value that fails the CORS check; a header
list shared between requests must never be mutated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.hostile.harness import ALLOWED_ORIGIN, Probe


def app_with(headers: list[tuple[str, str]]) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", headers)
        return [b""]

    return app


def test_app_allow_origin_wins_and_is_not_doubled() -> None:
    probe = Probe(app=app_with([("Access-Control-Allow-Origin", "*")]))
    answer = probe.send("GET", ORIGIN=ALLOWED_ORIGIN)
    assert answer.get("Access-Control-Allow-Origin") == ["*"]
    assert answer.get("Access-Control-Allow-Credentials") == []


def test_app_allow_origin_is_not_extended_to_a_refused_origin() -> None:
    """The middleware adds nothing to what the app decided for an origin outside the policy."""
    probe = Probe(app=app_with([("Access-Control-Allow-Origin", "https://app-chosen.example")]))
    answer = probe.send("GET", ORIGIN="https://evil.com")
    assert answer.get("Access-Control-Allow-Origin") == ["https://app-chosen.example"]


def test_app_allow_credentials_is_not_doubled() -> None:
    """``true, true`` is not ``true``: the credentialed read would fail."""
    probe = Probe(app=app_with([("Access-Control-Allow-Credentials", "true")]))
    answer = probe.send("GET", ORIGIN=ALLOWED_ORIGIN)
    assert answer.get("Access-Control-Allow-Credentials") == ["true"]
    assert answer.grant == ALLOWED_ORIGIN


def test_shared_header_list_of_the_app_is_never_mutated() -> None:
    shared = [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")]
    snapshot = list(shared)
    probe = Probe(app=app_with(shared))
    for origin in (ALLOWED_ORIGIN, "https://evil.com", ALLOWED_ORIGIN):
        probe.send("GET", ORIGIN=origin)
    assert shared == snapshot


def test_precomputed_grant_is_not_changed_by_an_earlier_response() -> None:
    """A handler mutating the list it received must not leak into the next answer."""

    def mutating_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers: list[tuple[str, str]] = []
        start_response("200 OK", headers)
        return [b""]

    probe = Probe(app=mutating_app)
    first = probe.send("GET", ORIGIN=ALLOWED_ORIGIN)
    first.headers.append(("Access-Control-Allow-Origin", "https://evil.com"))
    second = probe.send("GET", ORIGIN="https://evil.com")
    assert second.grant is None
