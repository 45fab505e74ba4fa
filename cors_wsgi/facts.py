"""What a decision reads and returns: the request facts, the Decision, its headers and its Entry.

Kept apart from the decision functions so that the policy (which precomputes
Decisions) and the memo can use these types without importing the decision
itself: the modules' imports form no cycle.
"""

from __future__ import annotations

from typing import NamedTuple

Header = tuple[str, str]

#: Methods a browser sends without asking (Fetch: CORS-safelisted methods).
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


class RequestFacts(NamedTuple):
    """What a CORS decision depends on, as read from the request."""

    origin: str | None
    method: str = "GET"
    request_method: str | None = None
    """Access-Control-Request-Method."""
    request_headers: str | None = None
    """Access-Control-Request-Headers, raw."""
    request_private_network: bool = False
    """Access-Control-Request-Private-Network: true was sent."""

    @property
    def is_preflight(self) -> bool:
        """OPTIONS with an Origin and a non-empty Access-Control-Request-Method."""
        return self.method == "OPTIONS" and self.origin is not None and bool(self.request_method)


class Decision(NamedTuple):
    """What to answer: whether the browser's check will pass, why, and the headers."""

    allowed: bool
    reason: str
    """One of the codes in ``cors_wsgi.reasons``."""
    detail: str
    """The offending method or header name (a validated token), else ``""``."""
    origin: str | None
    """The request's Origin as received (unvalidated when refused: escape it before logging)."""
    preflight: bool
    headers: tuple[Header, ...]
    """Headers to add to the response: the grant (none when refused) and our Vary, last."""

    @property
    def vary(self) -> tuple[str, ...]:
        """The names our Vary header carries (to be merged into the app's Vary)."""
        name, value = self.headers[-1] if self.headers else ("", "")
        return tuple(value.split(", ")) if name == "Vary" else ()

    @property
    def message(self) -> str:
        """The reason with its detail, as logs and error bodies show it."""
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


#: A Decision with the two fields every request reads put in front: ``(allowed, headers,
#: decision)``. An exact tuple, because CPython 3.11 unpacks one in a single specialized step,
#: while each field read on the NamedTuple is a generic attribute lookup (about 200
#: instructions): the policy's precomputed answers and the memo hold these.
Entry = tuple[bool, tuple[Header, ...], Decision]


def entry_of(decision: Decision) -> Entry:
    """``decision`` as an Entry."""
    return (decision.allowed, decision.headers, decision)
