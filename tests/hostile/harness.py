"""Sends raw, hostile WSGI environs through CORSMiddleware and checks what comes out.

Requests bypass any HTTP client on purpose: header values reach the
middleware exactly as a server would hand them over (PEP 3333 latin-1
strings, control characters and all).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cors_wsgi import CORSMiddleware, Decision
from tests.wsgi_server import Server

Headers = list[tuple[str, str]]

ALLOWED_ORIGIN = "https://example.com"
ALLOWED_SUBDOMAINS = "https://*.example.org"
ALLOWED_REGEX = r"https://app\.example\.net"

#: Characters that would split or corrupt a header line if written.
UNSAFE = re.compile(r"[\r\n\0]")


def plain_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@dataclass
class Answer:
    status: str
    headers: Headers
    body: bytes

    def get(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def grant(self) -> str | None:
        values = self.get("Access-Control-Allow-Origin")
        assert len(values) <= 1, f"several ACAO headers: {values}"
        return values[0] if values else None


@dataclass
class Probe:
    """A middleware with a recorded decision log and a counting origin callable.

    The callable is the last matcher the policy tries, so its calls show how
    far a hostile origin got: it must never see a malformed one.
    """

    options: dict[str, Any] = field(default_factory=dict)
    app: Callable[..., Iterable[bytes]] = plain_app
    decisions: list[Decision] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        def trusted_partner(origin: str) -> bool:
            self.checked.append(origin)
            return origin == "https://partner.example.com"

        options = {
            "allow_origins": [ALLOWED_ORIGIN, ALLOWED_SUBDOMAINS, trusted_partner],
            "allow_origin_regex": ALLOWED_REGEX,
            "allow_methods": ["GET", "PUT"],
            "allow_headers": ["X-Requested-With", "Content-Type"],
            "allow_credentials": True,
            **self.options,
        }
        self.middleware = CORSMiddleware(self.app, on_decision=self.decisions.append, **options)

    def send(self, method: str = "GET", **headers: str) -> Answer:
        """One request; ``headers`` are environ keys without ``HTTP_`` (``ORIGIN=...``)."""
        server = Server()
        body = server.run(self.middleware, method, "/api", **headers)
        answer = Answer(server.status, list(server.headers), body)
        assert_writable(answer.headers)
        return answer

    def preflight(self, origin: str, method: str = "PUT", **headers: str) -> Answer:
        return self.send("OPTIONS", ORIGIN=origin, ACCESS_CONTROL_REQUEST_METHOD=method, **headers)

    @property
    def last(self) -> Decision:
        return self.decisions[-1]


def assert_writable(headers: Headers) -> None:
    """Every header a server would write: no CR, LF or NUL, and latin-1 encodable."""
    for name, value in headers:
        assert not UNSAFE.search(name), f"unsafe header name {name!r}"
        assert not UNSAFE.search(value), f"unsafe value in {name}: {value[:80]!r}"
        value.encode("latin-1")


def assert_refused(probe: Probe, answer: Answer) -> None:
    """No grant of any kind, and the refusal recorded as a decision."""
    assert answer.grant is None
    assert not [name for name, _ in answer.headers if name.lower().startswith("access-control-allow")]
    assert not probe.last.allowed
