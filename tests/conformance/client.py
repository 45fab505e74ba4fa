"""A WebTest client for CORSMiddleware that sends requests the way browsers do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from webtest import TestApp, TestResponse

ORIGIN = "https://app.example.com"
OTHER_ORIGIN = "https://other.example.net"

WSGIApp = Callable[..., Iterable[bytes]]


def hello_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The application behind the middleware: one plain-text body for any method."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Total", "3")])
    return [b"hello"]


class BrowserClient:
    """Requests as a browser sends them: Origin always, ACRH lower-cased, sorted, comma-joined."""

    def __init__(self, app: TestApp) -> None:
        self.app = app

    def preflight(
        self, origin: str, method: str, header_names: Iterable[str] = (), **extra: str
    ) -> TestResponse:
        headers = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
        names = sorted({name.lower() for name in header_names})
        if names:
            headers["Access-Control-Request-Headers"] = ",".join(names)
        return self.app.options("/resource", headers=headers, expect_errors=True)

    def request(self, method: str, origin: str | None, **headers: str) -> TestResponse:
        if origin is not None:
            headers["Origin"] = origin
        return self.app.request("/resource", method=method, headers=headers, expect_errors=True)
