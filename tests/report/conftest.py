"""Report-only tests run through both adapters: the WSGI middleware and the ASGI one (seen as WSGI)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from cors_wsgi import CORSMiddleware, Report
from tests.asgi.driver import ASGIAsWSGI
from tests.cli.conftest import cli  # noqa: F401  (the command line's in-process runner, for test_explain)
from tests.fake_clock import FakeClock, clock  # noqa: F401  (the limiters' clock fixture)

ADAPTERS: dict[str, Callable[..., Any]] = {"wsgi": CORSMiddleware, "asgi": ASGIAsWSGI}

APP = "https://app.example.com"
EVIL = "https://evil.example"

Response = tuple[str, list[tuple[str, str]], bytes]
"""Status line, headers in order, body: everything a client receives."""


def ok_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    return [b"the app's body"]


def call(
    app: Callable[..., Iterable[bytes]], method: str = "GET", path: str = "/", **headers: str
) -> Response:
    """One request; ``headers`` as ``origin="..."`` (underscores become dashes)."""
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path}
    setup_testing_defaults(environ)
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append((status, list(response_headers)))
        return lambda data: None

    body = app(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    status, response_headers = started[-1]
    return status, response_headers, content


def preflight(
    app: Callable[..., Iterable[bytes]], origin: str, method: str = "PUT", path: str = "/", **headers: str
) -> Response:
    return call(app, "OPTIONS", path, origin=origin, access_control_request_method=method, **headers)


@pytest.fixture(params=list(ADAPTERS))
def adapter(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """The middleware class: ``adapter(app, **options)``."""
    return ADAPTERS[request.param]


class Reports(list[Report]):
    """An ``on_report`` callback that keeps what it is told."""

    def __call__(self, report: Report) -> None:
        self.append(report)


@pytest.fixture
def reports() -> Reports:
    return Reports()


def report_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages logged to ``cors_wsgi.report``."""
    return [r.getMessage() for r in caplog.records if r.name == "cors_wsgi.report"]


@pytest.fixture
def caught(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog capturing the report lines (WARNING) and the callbacks' failures."""
    caplog.set_level(logging.WARNING, logger="cors_wsgi")
    return caplog
