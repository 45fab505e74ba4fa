"""Every hostile test runs through both adapters: the WSGI middleware and the ASGI one."""

from __future__ import annotations

import pytest

from cors_wsgi import CORSMiddleware
from tests.asgi.driver import ASGIAsWSGI
from tests.hostile import harness

ADAPTERS = {"wsgi": CORSMiddleware, "asgi": ASGIAsWSGI}


@pytest.fixture(autouse=True, params=list(ADAPTERS))
def adapter(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The adapter the harness's Probe wraps its app in."""
    monkeypatch.setattr(harness, "CORSMiddleware", ADAPTERS[request.param])
    return str(request.param)
