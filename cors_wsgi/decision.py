"""The decision: a pure function of a policy and the facts of one request.

The WSGI middleware, the Flask extension and the command line all call these
functions, so a rule lives here and nowhere else. Nothing here mutates
anything but the policy's bounded memo of finished decisions (``memo``);
the headers returned are fresh or immutable tuples.
"""

from __future__ import annotations

from . import reasons
from .facts import SAFELISTED_METHODS, Decision, Entry, Header, RequestFacts
from .memo import remember
from .origins import MAX_ORIGIN_LENGTH
from .policy import CORSPolicy
from .tokens import MAX_HEADER_LIST_LENGTH, MAX_METHOD_LENGTH, is_token, parse_header_list

__all__ = [
    "SAFELISTED_METHODS",
    "Decision",
    "Entry",
    "Header",
    "RequestFacts",
    "actual_entry",
    "decide",
    "decide_actual",
    "decide_preflight",
    "preflight_entry",
    "unremembered_entry",
]


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
    if origin is None:
        return policy.no_origin_entry[2]
    return actual_entry(policy, origin)[2]


def actual_entry(policy: CORSPolicy, origin: str) -> Entry:
    """``decide_actual`` for a request with an Origin, as an Entry.

    Every request value is length-checked before it is hashed for a lookup:
    hashing a fresh megabyte costs a thousand times a real header. An
    adapter may look the origin up in ``policy.memo`` itself first (a call
    costs a request about as much as the lookup); this is the rest.
    """
    if len(origin) > MAX_ORIGIN_LENGTH:
        return _actual(policy, origin)
    return policy.memo.get(origin) or unremembered_entry(policy, origin)


def unremembered_entry(policy: CORSPolicy, origin: str) -> Entry:
    """``actual_entry`` for an origin within the length bound that ``policy.memo`` lacks.

    For an adapter that has just looked in the memo itself: a flood of new
    origins then pays for one lookup, not two.
    """
    granted = policy.granted_entries
    # ``in`` reaches the dict directly; a mapping proxy's ``get`` is a method call on it.
    entry = granted[origin] if origin in granted else _actual(policy, origin)
    if policy.remembers:
        # An exact grant is remembered too, so that one lookup finds any repeat.
        remember(policy.memo, origin, entry)
    return entry


def _actual(policy: CORSPolicy, origin: str) -> Entry:
    """The decision for an origin that is not an exact grant (nor in ``origins.exact``).

    Decisions are built inline here: this is the path of every new origin in a flood.
    """
    matcher = policy.origins
    if matcher.allow_any:
        headers = policy.wildcard_headers
        return (True, headers, _new_tuple(Decision, (True, reasons.ALLOWED, "", origin, False, headers)))
    reason = matcher.check_unlisted(origin)
    if reason == reasons.ALLOWED:
        headers = (("Access-Control-Allow-Origin", origin), *policy.actual_headers)
        return (True, headers, _new_tuple(Decision, (True, reason, "", origin, False, headers)))
    headers = policy.actual_refusal_headers
    return (False, headers, _new_tuple(Decision, (False, reason, "", origin, False, headers)))


def decide_preflight(
    policy: CORSPolicy,
    origin: str,
    request_method: str,
    request_headers: str | None = None,
    request_private_network: bool = False,
) -> Decision:
    """The decision for a preflight: OPTIONS, Origin and Access-Control-Request-Method."""
    return preflight_entry(policy, origin, request_method, request_headers, request_private_network)[2]


def preflight_entry(
    policy: CORSPolicy,
    origin: str,
    request_method: str,
    request_headers: str | None = None,
    request_private_network: bool = False,
) -> Entry:
    """``decide_preflight``'s decision as an Entry."""
    memo = policy.memo
    if (
        not policy.remembers
        or len(origin) > MAX_ORIGIN_LENGTH
        or len(request_method) > MAX_METHOD_LENGTH
        or (request_headers is not None and len(request_headers) > MAX_HEADER_LIST_LENGTH)
    ):
        return _preflight(policy, origin, request_method, request_headers, request_private_network)
    key = (origin, request_method, request_headers, request_private_network)
    entry = memo.get(key)
    if entry is not None:
        return entry
    return remember(
        memo, key, _preflight(policy, origin, request_method, request_headers, request_private_network)
    )


def _preflight(
    policy: CORSPolicy,
    origin: str,
    request_method: str,
    request_headers: str | None,
    request_private_network: bool,
) -> Entry:
    """The preflight decision built from the policy, checking every length before any lookup."""
    refusal = policy.preflight_refusal_headers
    granted = policy.granted_preflights.get(origin) if len(origin) <= MAX_ORIGIN_LENGTH else None
    if granted is None:
        reason = policy.origins.check(origin)
        if reason != reasons.ALLOWED:
            return _entry(False, reason, "", origin, True, refusal)
    if len(request_method) > MAX_METHOD_LENGTH:
        return _entry(False, reasons.METHOD_MALFORMED, "", origin, True, refusal)
    methods = policy.allowed_methods
    if methods is None or request_method not in methods:
        if not is_token(request_method):
            return _entry(False, reasons.METHOD_MALFORMED, "", origin, True, refusal)
        if methods is not None and request_method not in SAFELISTED_METHODS:
            return _entry(False, reasons.METHOD_NOT_ALLOWED, request_method, origin, True, refusal)
    allowed_headers = policy.allowed_headers
    if not request_headers:
        names: list[str] | None = []
    elif len(request_headers) > MAX_HEADER_LIST_LENGTH:
        names = None
    elif allowed_headers is not None and request_headers in allowed_headers:
        names = [request_headers]  # one allowed name, written as browsers write it
    else:
        names = parse_header_list(request_headers, allowed_headers or ())
    if names is None:
        return _entry(False, reasons.HEADERS_MALFORMED, "", origin, True, refusal)
    if allowed_headers is not None:
        for name in names:
            if name not in allowed_headers:
                return _entry(False, reasons.HEADER_NOT_ALLOWED, name, origin, True, refusal)
    if request_private_network:
        if not policy.allow_private_network:
            return _entry(False, reasons.PRIVATE_NETWORK_NOT_ALLOWED, "", origin, True, refusal)
    elif granted is not None:
        return granted

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
    headers += refusal
    return _entry(True, reasons.ALLOWED, "", origin, True, tuple(headers))


def _entry(
    allowed: bool, reason: str, detail: str, origin: str | None, preflight: bool, headers: tuple[Header, ...]
) -> Entry:
    """Build a Decision without the Python-level ``__new__`` of NamedTuple (it is on the hot
    path), as an Entry."""
    return (allowed, headers, _new_tuple(Decision, (allowed, reason, detail, origin, preflight, headers)))


_new_tuple = tuple.__new__
