"""CORSPolicy: one validated, immutable policy with every header precomputed.

All the checking happens here, once, at start-up; ``decision`` then only
looks things up. A policy can be shared by any number of threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypedDict, Union, Unpack

from . import reasons
from .errors import ConfigError, reject_unknown
from .facts import SAFELISTED_METHODS, Decision, Entry, Header, entry_of
from .logs import logger
from .memo import Memo, new_memo
from .origins import OriginEntry, OriginMatcher, RegexEntry
from .tokens import MAX_HEADER_LIST_LENGTH, MAX_METHOD_LENGTH, has_control_characters, is_token

__all__ = [
    "FORBIDDEN_METHODS",
    "FORBIDDEN_RESPONSE_HEADERS",
    "NORMALIZED_METHODS",
    "OPTION_NAMES",
    "SAFELISTED_METHODS",
    "SAFELISTED_REQUEST_HEADERS",
    "CORSPolicy",
    "PolicyOptions",
]

#: Methods that browsers normalize to upper case; others keep their case.
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})

#: Methods no browser script may send (Fetch: forbidden methods).
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

#: Response headers script can never read, whatever is exposed.
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})

#: Request headers allowed once an origin is: the CORS-safelisted names, which
#: carry no credentials (Starlette allows them too). A browser asks for
#: Content-Type when its value is not safelisted, as for application/json.
SAFELISTED_REQUEST_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

#: Vary for preflight answers, which depend on everything requested: asking for
#: private network access changes the answer whether the policy allows it or not.
VARY_PREFLIGHT = (
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Private-Network",
)

Names = Union[str, Iterable[str]]


class PolicyOptions(TypedDict, total=False):
    """The options of a CORSPolicy, also accepted by CORSMiddleware and the loaders."""

    allow_origins: OriginEntry | Iterable[OriginEntry]
    allow_origin_regex: RegexEntry | Iterable[RegexEntry] | None
    allow_methods: Names
    allow_headers: Names
    allow_credentials: bool
    expose_headers: Names
    max_age: int | None
    allow_private_network: bool


OPTION_NAMES = frozenset(PolicyOptions.__annotations__)

_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "allow_origins": (),
        "allow_origin_regex": None,
        "allow_methods": ("GET", "HEAD", "POST"),
        "allow_headers": (),
        "allow_credentials": False,
        "expose_headers": (),
        "max_age": 600,
        "allow_private_network": False,
    }
)


class CORSPolicy:
    """Who may read responses, with which methods, headers and credentials.

    Construction validates every option and raises ConfigError naming the
    option, the value and the fix; nothing is checked again per request.
    """

    __slots__ = (
        "__weakref__",
        "actual_headers",
        "actual_refusal_headers",
        "allow_credentials",
        "allow_private_network",
        "allowed_headers",
        "allowed_methods",
        "granted_entries",
        "granted_preflights",
        "memo",
        "no_origin_entry",
        "options",
        "origins",
        "preflight_headers",
        "preflight_refusal_headers",
        "remembers",
        "wildcard_headers",
    )

    options: Mapping[str, Any]
    """The options as given (after defaults), for ``replace`` and for display."""
    origins: OriginMatcher
    allow_credentials: bool
    allow_private_network: bool
    allowed_methods: frozenset[str] | None
    """None means any method."""
    allowed_headers: frozenset[str] | None
    """Lower-case names; None means any header."""
    actual_headers: tuple[Header, ...]
    """Headers for a granted actual request, after Access-Control-Allow-Origin (Vary included)."""
    wildcard_headers: tuple[Header, ...]
    """The complete answer of an ``*`` policy, sent on every response."""
    preflight_headers: tuple[Header, ...]
    """Headers for a granted preflight, after Access-Control-Allow-Origin (Vary not included)."""
    actual_refusal_headers: tuple[Header, ...]
    """What a refused actual request gets: only Vary, when the answer depends on the Origin."""
    preflight_refusal_headers: tuple[Header, ...]
    """The Vary header of every preflight answer, which ends a granted one too."""
    no_origin_entry: Entry
    """The answer to every request without an Origin header."""
    granted_entries: Mapping[str, Entry]
    """The grant of each exact origin, built once so that requests allocate nothing."""
    granted_preflights: Mapping[str, Entry]
    """Each exact origin's preflight grant, when it does not depend on what was requested."""
    memo: Memo
    """Decisions already made for this policy (see ``cors_wsgi.memo``), looked up before any
    other work; empty for good when ``remembers`` is false."""
    remembers: bool
    """Whether decisions go into ``memo``: not when a callable origin check takes part, since
    its answer may change (its own ``ttl_cache`` decides)."""

    def __init__(self, **options: Unpack[PolicyOptions]) -> None:
        reject_unknown(options, OPTION_NAMES, "CORSPolicy")
        merged: dict[str, Any] = {**_DEFAULTS, **options}
        credentials = _flag(merged, "allow_credentials")
        private_network = _flag(merged, "allow_private_network")
        origins = OriginMatcher(_entries(merged["allow_origins"]), _regexes(merged["allow_origin_regex"]))
        if origins.allow_any and credentials:
            raise ConfigError(
                "allow_origins",
                "*",
                "cannot be combined with allow_credentials=True: every site could read "
                "your users' authenticated responses",
                "list the origins you trust, such as allow_origins=['https://app.example.com'], "
                "or drop allow_credentials=True",
            )
        if credentials and origins.insecure_entries():
            logger.warning(
                "allow_credentials=True with plain-http origins %s: anyone on the network path "
                "can act as them",
                origins.insecure_entries(),
            )
        methods = _methods(merged["allow_methods"])
        headers = _names("allow_headers", merged["allow_headers"], MAX_HEADER_LIST_LENGTH)
        if headers != ("*",):
            listed = {h.lower() for h in headers}
            headers += tuple(h for h in SAFELISTED_REQUEST_HEADERS if h.lower() not in listed)
        exposed = _names("expose_headers", merged["expose_headers"], None)
        if exposed == ("*",) and credentials:
            raise ConfigError(
                "expose_headers",
                "*",
                "is ignored by browsers for requests with credentials",
                "list the header names to expose",
            )
        forbidden = sorted(FORBIDDEN_RESPONSE_HEADERS.intersection(h.lower() for h in exposed))
        if forbidden:
            raise ConfigError("expose_headers", forbidden[0], "can never be exposed to script", "remove it")
        max_age = merged["max_age"]
        if max_age is not None and (type(max_age) is not int or max_age < 0):
            raise ConfigError("max_age", max_age, "must be an int >= 0 (seconds) or None", "for example 600")

        set_ = object.__setattr__
        set_(self, "options", MappingProxyType(merged))
        set_(self, "origins", origins)
        set_(self, "allow_credentials", credentials)
        set_(self, "allow_private_network", private_network)
        set_(self, "allowed_methods", None if methods == ("*",) else frozenset(methods))
        set_(self, "allowed_headers", None if headers == ("*",) else frozenset(h.lower() for h in headers))

        credential_headers: tuple[Header, ...] = (
            (("Access-Control-Allow-Credentials", "true"),) if credentials else ()
        )
        expose: tuple[Header, ...] = (
            (("Access-Control-Expose-Headers", ", ".join(exposed)),) if exposed else ()
        )
        vary: tuple[Header, ...] = () if origins.allow_any else (("Vary", "Origin"),)
        actual = credential_headers + expose + vary
        set_(self, "actual_headers", actual)
        set_(self, "actual_refusal_headers", vary)
        set_(self, "wildcard_headers", (("Access-Control-Allow-Origin", "*"), *actual))
        preflight = list(credential_headers)
        # An empty list allows only the safelisted GET, HEAD and POST, which need no header.
        if self.allowed_methods:
            preflight.append(("Access-Control-Allow-Methods", ", ".join(methods)))
        if self.allowed_headers is not None:
            preflight.append(("Access-Control-Allow-Headers", ", ".join(headers)))
        if max_age is not None:
            preflight.append(("Access-Control-Max-Age", str(max_age)))
        set_(self, "preflight_headers", tuple(preflight))
        preflight_vary = (("Vary", ", ".join(VARY_PREFLIGHT)),)
        set_(self, "preflight_refusal_headers", preflight_vary)
        no_origin = self.wildcard_headers if origins.allow_any else vary
        no_origin_decision = Decision(False, reasons.NO_ORIGIN, "", None, False, no_origin)
        set_(self, "no_origin_entry", entry_of(no_origin_decision))
        granted: dict[str, Entry] = {}
        granted_preflights: dict[str, Entry] = {}
        echoes = self.allowed_methods is None or self.allowed_headers is None
        for origin in () if origins.allow_any else origins.exact:
            allow = (("Access-Control-Allow-Origin", origin),)
            granted[origin] = entry_of(Decision(True, reasons.ALLOWED, "", origin, False, allow + actual))
            if not echoes:
                answer = allow + self.preflight_headers + preflight_vary
                grant = Decision(True, reasons.ALLOWED, "", origin, True, answer)
                granted_preflights[origin] = entry_of(grant)
        set_(self, "granted_entries", MappingProxyType(granted))
        set_(self, "granted_preflights", MappingProxyType(granted_preflights))
        set_(self, "memo", new_memo(self))
        set_(self, "remembers", not origins.callables)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CORSPolicy is immutable; use replace({name}=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("CORSPolicy is immutable")

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.options.items() if v != _DEFAULTS[k]}
        return "CORSPolicy(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def replace(self, **changes: Unpack[PolicyOptions]) -> CORSPolicy:
        """A new, validated policy with some options changed."""
        return CORSPolicy(**{**self.options, **changes})


def _flag(options: Mapping[str, Any], name: str) -> bool:
    value = options[name]
    if type(value) is not bool:
        # "false" is truthy: a string here must never silently grant credentials.
        raise ConfigError(name, value, "must be True or False", "use a bool, not a string or number")
    return value


def _entries(value: object) -> list[OriginEntry]:
    if isinstance(value, str) or callable(value):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    raise ConfigError("allow_origins", value, "is not a string, callable or list of them")


def _regexes(value: object) -> list[RegexEntry]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or hasattr(value, "fullmatch"):
        return [value]  # type: ignore[list-item]
    if isinstance(value, Iterable):
        return list(value)
    raise ConfigError("allow_origin_regex", value, "is not a pattern or a list of patterns")


#: What a valid name looks like, per option, for error messages.
_EXAMPLES = {
    "allow_methods": "'PATCH'",
    "allow_headers": "'X-Requested-With'",
    "expose_headers": "'X-Total-Count'",
}


def _names(option: str, value: object, longest: int | None, case_sensitive: bool = False) -> tuple[str, ...]:
    """Validated header names (or methods), in order, without duplicates.

    A string is a comma-separated list (``"GET, POST"``), as the env, ini and
    Flask loaders read it. ``longest`` is the most a request can carry of it:
    a longer name could never match.
    """
    if isinstance(value, str):
        items: list[object] = [part.strip(" \t") for part in value.split(",")]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise ConfigError(option, value, "is not a string or a list of strings")
    names: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str) or has_control_characters(item) or not is_token(item):
            raise ConfigError(option, item, "is not a valid token", _token_fix(option, item))
        if longest is not None and len(item) > longest:
            raise ConfigError(
                option,
                item,
                f"is longer than the {longest} characters we read from a request, so it never matches",
                "shorten it or remove it",
            )
        names.setdefault(item if case_sensitive else item.lower(), item)
    result = tuple(names.values())
    if "*" in result and len(result) > 1:
        raise ConfigError(option, items, "mixes '*' with names", "use '*' alone or list names")
    return result


def _token_fix(option: str, item: object) -> str:
    """How to write a bad name: a list when it holds several, else what a name looks like."""
    parts = item.replace(",", " ").split() if isinstance(item, str) else []
    if len(parts) > 1 and all(is_token(part) for part in parts):
        return f"pass a list, one name per item: {option}={parts!r}"
    return f"use names such as {_EXAMPLES[option]} without spaces or commas"


def _methods(value: object) -> tuple[str, ...]:
    """Methods as browsers send them: the six Fetch normalizes upper-cased, others as written."""
    methods = _names("allow_methods", value, MAX_METHOD_LENGTH, case_sensitive=True)
    for method in methods:
        if method.upper() in FORBIDDEN_METHODS:
            raise ConfigError("allow_methods", method, "is forbidden in browsers", "remove it")
    # A script's "get" arrives as GET, so upper-casing these loses nothing.
    normalized = tuple(dict.fromkeys(m.upper() if m.upper() in NORMALIZED_METHODS else m for m in methods))
    for method in normalized:
        if method != method.upper() and method.upper() not in normalized:
            logger.warning(
                "allow_methods lists %r: browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and "
                "PUT, so it matches only scripts that write exactly %r; for fetch(url, {method: %r}) "
                "write %r",
                method,
                method,
                method.upper(),
                method.upper(),
            )
    return normalized
