"""Helpers for the core's tests: a tiny app behind CORSMiddleware, both sides validated."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.validate import validator

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware, Decision
from tests.fake_clock import clock  # noqa: F401  (the log limiters' clock, for test_decision_context)

Headers = list[tuple[str, str]]


def text_app(status: str = "200 OK", headers: Headers | None = None) -> Callable[..., Iterable[bytes]]:
    """A WSGI app answering ``status`` with the given headers and a short body."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "text/plain"), *(headers or [])])
        return [b"app body"]

    return app


@pytest.fixture
def make_client() -> Callable[..., TestApp]:
    """``make_client(app=None, **options)``: a TestApp over the validated middleware."""

    def make(app: Callable[..., Iterable[bytes]] | None = None, **options: Any) -> TestApp:
        inner = validator(app or text_app())
        return TestApp(validator(CORSMiddleware(inner, **options)))

    return make


def preflight_headers(origin: str, method: str, headers: str | None = None) -> dict[str, str]:
    request = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request["Access-Control-Request-Headers"] = headers
    return request


def grant_of(decision: Decision) -> dict[str, str]:
    """The grant headers of a decision: everything but our Vary."""
    return {name: value for name, value in decision.headers if name != "Vary"}
