"""The ``client`` fixture of the conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import CORSMiddleware
from tests.conformance.client import BrowserClient, WSGIApp, hello_app


@pytest.fixture
def client() -> Callable[..., BrowserClient]:
    """``client(**options)``: a BrowserClient for CORSMiddleware(hello_app, **options)."""

    def build(app: WSGIApp = hello_app, **options: Any) -> BrowserClient:
        return BrowserClient(TestApp(CORSMiddleware(app, **options)))

    return build
