"""What a cors-wsgi server says about its own refusal, read back from its response.

A refused preflight is a 403 whose body starts ``CORS preflight refused:
REASON[: DETAIL]``, and ``debug=True`` adds ``X-CORS-Decision: refused;
reason=REASON[; header=NAME]``. The browser only sees "status 403"; the server
knows the real cause. ``check`` and ``explain`` show that cause, with its fix,
before the browser-side fact. Both formats come from an untrusted server, so
only a known reason code and a token detail are ever taken from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from . import reasons
from .decision import Header
from .tokens import is_token

#: What to do about each of the core's refusals.
CORE_FIXES = {
    reasons.ALLOWED: "",
    reasons.NO_ORIGIN: "not a CORS request; nothing to grant",
    reasons.ORIGIN_NOT_ALLOWED: "add the origin to allow_origins exactly as the browser sends it",
    reasons.ORIGIN_MALFORMED: "browsers send scheme://host[:port] in lower case; check the Origin",
    reasons.ORIGIN_CHECK_FAILED: "the origin callable raised; see the cors_wsgi log for the traceback",
    reasons.METHOD_MALFORMED: "Access-Control-Request-Method must be a single method name",
    reasons.METHOD_NOT_ALLOWED: "add the method to allow_methods (names are case-sensitive)",
    reasons.HEADERS_MALFORMED: "Access-Control-Request-Headers must be a short comma-separated list of names",
    reasons.HEADER_NOT_ALLOWED: "add the header to allow_headers, or stop sending it",
    reasons.PRIVATE_NETWORK_NOT_ALLOWED: "set allow_private_network=True if this server is meant for it",
}

DEBUG_HEADER = "x-cors-decision"
REFUSAL_BODY_PREFIX = b"CORS preflight refused: "
#: Longest detail (a header or method name) taken from a response.
_MAX_DETAIL = 128


class ServerReason(NamedTuple):
    """A refusal the server states: a core reason code, its detail, where it was read, the fix."""

    reason: str
    detail: str
    source: str
    """``"response body"`` (a refused preflight's) or ``"X-CORS-Decision header"``."""

    @property
    def fix(self) -> str:
        return CORE_FIXES[self.reason]

    @property
    def message(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def _reason(code: str | None, detail: str, source: str) -> ServerReason | None:
    if code not in reasons.ALL or code in (reasons.ALLOWED, reasons.NO_ORIGIN):
        return None
    if not (is_token(detail) and len(detail) <= _MAX_DETAIL):
        detail = ""
    return ServerReason(code, detail, source)


def _from_debug_header(value: str) -> ServerReason | None:
    """``refused; reason=header-not-allowed; header=x-foo``."""
    verdict, *fields = (part.strip(" \t") for part in value.split(";"))
    if verdict != "refused":
        return None
    pairs = dict(field.partition("=")[::2] for field in fields)
    detail = pairs.get("header") or pairs.get("method") or ""
    return _reason(pairs.get("reason"), detail, "X-CORS-Decision header")


def _from_body(body: bytes) -> ServerReason | None:
    """``CORS preflight refused: header-not-allowed: x-foo``, the first line of a 403's body."""
    if not body.startswith(REFUSAL_BODY_PREFIX):
        return None
    line = body[len(REFUSAL_BODY_PREFIX) :].partition(b"\n")[0].decode("latin-1").strip()
    code, _, detail = line.partition(": ")
    return _reason(code, detail, "response body")


def stated_reason(status: int, headers: Sequence[Header], body: bytes) -> ServerReason | None:
    """The refusal a cors-wsgi server states in this response, or None.

    The debug header wins over the body: it is there on every response, the
    body only on a refused preflight.
    """
    for name, value in headers:
        if name.lower() == DEBUG_HEADER:
            found = _from_debug_header(value)
            if found is not None:
                return found
    if status == 403:
        return _from_body(body)
    return None
