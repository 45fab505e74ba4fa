"""The ``client`` fixture of the conformance suite, once per adapter (WSGI and ASGI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware
from tests.asgi.driver import ASGIAsWSGI
from tests.conformance.client import BrowserClient, WSGIApp, hello_app

ADAPTERS: dict[str, Callable[..., Any]] = {"wsgi": CORSMiddleware, "asgi": ASGIAsWSGI}


@pytest.fixture(params=list(ADAPTERS))
def client(request: pytest.FixtureRequest) -> Callable[..., BrowserClient]:
    """``client(**options)``: a BrowserClient for CORSMiddleware(hello_app, **options), per adapter."""
    adapter = ADAPTERS[request.param]

    def build(app: WSGIApp = hello_app, **options: Any) -> BrowserClient:
        return BrowserClient(TestApp(adapter(app, **options)))

    return build
