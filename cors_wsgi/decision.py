"""The decision: a pure function of a policy and the facts of one request.

The WSGI middleware, the Flask extension and the command line all call these
functions, so a rule lives here and nowhere else. Nothing here mutates
anything; the headers returned are fresh or immutable tuples.
"""

from __future__ import annotations

from typing import NamedTuple

from . import reasons
from .policy import SAFELISTED_METHODS, CORSPolicy, Header
from .tokens import MAX_METHOD_LENGTH, is_token, parse_header_list


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
    """CORS headers to add to the response; empty when refused."""
    vary: tuple[str, ...]
    """Names to merge into the response's Vary header."""

    @property
    def message(self) -> str:
        """The reason with its detail, as logs and error bodies show it."""
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def decide(policy: CORSPolicy, facts: RequestFacts) -> Decision:
    """The decision for any request: preflight, actual, or without Origin."""
    if facts.is_preflight:
        return decide_preflight(
            policy,
            facts.origin,  # type: ignore[arg-type]
            facts.request_method,  # type: ignore[arg-type]
            facts.request_headers,
            facts.request_private_network,
        )
    return decide_actual(policy, facts.origin)


def decide_actual(policy: CORSPolicy, origin: str | None) -> Decision:
    """The decision for a request that is not a preflight (any method)."""
    if policy.origins.allow_any:
        reason = reasons.ALLOWED if origin is not None else reasons.NO_ORIGIN
        return Decision(origin is not None, reason, "", origin, False, policy.wildcard_headers, ())
    if origin is None:
        return Decision(False, reasons.NO_ORIGIN, "", None, False, (), policy.actual_vary)
    reason = policy.origins.check(origin)
    if reason == reasons.ALLOWED:
        headers = (("Access-Control-Allow-Origin", origin), *policy.actual_headers)
        return Decision(True, reason, "", origin, False, headers, policy.actual_vary)
    return Decision(False, reason, "", origin, False, (), policy.actual_vary)


def decide_preflight(
    policy: CORSPolicy,
    origin: str,
    request_method: str,
    request_headers: str | None = None,
    request_private_network: bool = False,
) -> Decision:
    """The decision for a preflight: OPTIONS, Origin and Access-Control-Request-Method."""
    vary = policy.preflight_vary
    reason = policy.origins.check(origin)
    if reason != reasons.ALLOWED:
        return Decision(False, reason, "", origin, True, (), vary)
    if len(request_method) > MAX_METHOD_LENGTH or not is_token(request_method):
        return Decision(False, reasons.METHOD_MALFORMED, "", origin, True, (), vary)
    methods = policy.allowed_methods
    if methods is not None and request_method not in methods and request_method not in SAFELISTED_METHODS:
        return Decision(False, reasons.METHOD_NOT_ALLOWED, request_method, origin, True, (), vary)
    names = parse_header_list(request_headers) if request_headers else []
    if names is None:
        return Decision(False, reasons.HEADERS_MALFORMED, "", origin, True, (), vary)
    allowed_headers = policy.allowed_headers
    if allowed_headers is not None:
        for name in names:
            if name not in allowed_headers:
                return Decision(False, reasons.HEADER_NOT_ALLOWED, name, origin, True, (), vary)
    if request_private_network and not policy.allow_private_network:
        return Decision(False, reasons.PRIVATE_NETWORK_NOT_ALLOWED, "", origin, True, (), vary)

    headers: list[Header] = [
        ("Access-Control-Allow-Origin", "*" if policy.origins.allow_any else origin),
        *policy.preflight_headers,
    ]
    if methods is None:
        headers.append(("Access-Control-Allow-Methods", request_method))
    if allowed_headers is None and names:
        headers.append(("Access-Control-Allow-Headers", ", ".join(names)))
    if request_private_network:
        headers.append(("Access-Control-Allow-Private-Network", "true"))
    return Decision(True, reasons.ALLOWED, "", origin, True, tuple(headers), vary)
