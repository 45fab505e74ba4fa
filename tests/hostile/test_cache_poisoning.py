"""Every origin-dependent response says ``Vary: Origin``, whatever path produced it.

Without it a shared cache can store the answer for one origin (or for a
request without Origin) and serve it to another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.hostile.harness import ALLOWED_ORIGIN, Answer, Probe


def vary(answer: Answer) -> set[str]:
    return {name.strip().lower() for value in answer.get("Vary") for name in value.split(",")}


def failing_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    raise RuntimeError("boom")


REQUESTS: dict[str, Callable[[Probe], Answer]] = {
    "allowed": lambda p: p.send("GET", ORIGIN=ALLOWED_ORIGIN),
    "refused": lambda p: p.send("GET", ORIGIN="https://evil.com"),
    "malformed": lambda p: p.send("GET", ORIGIN="https://example.com\r\n"),
    "no-origin": lambda p: p.send("GET"),
    "null": lambda p: p.send("GET", ORIGIN="null"),
    "preflight-granted": lambda p: p.preflight(ALLOWED_ORIGIN),
    "preflight-refused-origin": lambda p: p.preflight("https://evil.com"),
    "preflight-refused-method": lambda p: p.preflight(ALLOWED_ORIGIN, "DELETE"),
    "options-not-preflight": lambda p: p.send("OPTIONS", ORIGIN=ALLOWED_ORIGIN),
}


@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_every_response_varies_on_origin(request_: Callable[[Probe], Answer]) -> None:
    assert "origin" in vary(request_(Probe()))


@pytest.mark.parametrize("origin", [ALLOWED_ORIGIN, "https://evil.com", None])
def test_error_response_from_catch_exceptions_varies_on_origin(origin: str | None) -> None:
    probe = Probe({"catch_exceptions": True}, app=failing_app)
    answer = probe.send("GET", **({"ORIGIN": origin} if origin else {}))
    assert answer.status.startswith("500")
    assert "origin" in vary(answer)


@pytest.mark.parametrize("name", ["Access-Control-Request-Method", "Access-Control-Request-Headers"])
def test_preflight_answers_vary_on_what_was_requested(name: str) -> None:
    assert name.lower() in vary(Probe().preflight(ALLOWED_ORIGIN))
    assert name.lower() in vary(Probe().preflight("https://evil.com"))


def test_two_origins_in_turn_get_answers_a_cache_keeps_apart() -> None:
    """The allowed answer names its origin, the refused one names none, both keyed on Origin."""
    probe = Probe()
    first = probe.send("GET", ORIGIN=ALLOWED_ORIGIN)
    second = probe.send("GET", ORIGIN="https://evil.com")
    third = probe.send("GET", ORIGIN=ALLOWED_ORIGIN)
    assert (first.grant, second.grant, third.grant) == (ALLOWED_ORIGIN, None, ALLOWED_ORIGIN)
    assert "origin" in vary(first) & vary(second) & vary(third)
