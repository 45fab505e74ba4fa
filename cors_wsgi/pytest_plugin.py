"""The ``cors_browser`` fixture, registered through the ``pytest11`` entry point (no conftest needed).

``cors_browser(app, origin=...)`` makes a ``cors_wsgi.testing.Browser`` for any
WSGI or ASGI app: a Flask ``app``, Django's ``get_wsgi_application()``, a
Starlette app or a plain callable, as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .testing import Browser


@pytest.fixture
def cors_browser() -> Callable[..., Browser]:
    """A factory: ``cors_browser(app, origin="https://app.example.com", base_url=..., asgi=...)``."""

    def make(app: Callable[..., Any], origin: str = "https://app.example.com", **options: Any) -> Browser:
        return Browser(app, origin, **options)

    return make
