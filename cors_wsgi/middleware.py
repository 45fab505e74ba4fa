"""CORSMiddleware: reads the facts from the WSGI environ and applies decisions.

It answers preflights itself and wraps ``start_response`` for everything else;
it never buffers or iterates the application's body, so streaming responses
stay streaming and the server still calls the iterable's ``close()``.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from logging import DEBUG, INFO
from types import MethodType, TracebackType
from typing import Any, NamedTuple, Self, Union, Unpack

from . import reasons
from .decision import Decision, Header, decide_actual, decide_preflight
from .errors import ConfigError, reject_unknown
from .logs import loggable, logger
from .policy import OPTION_NAMES, CORSPolicy, PolicyOptions
from .resources import PathPattern, PathRouter
from .vary import merge_headers

Environ = dict[str, Any]
ExcInfo = Union[tuple[type[BaseException], BaseException, TracebackType], tuple[None, None, None]]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Resolver = Callable[[Environ], Union[CORSPolicy, None]]
"""Picks the policy for a request from its environ; None lets it pass through untouched."""
ResourceRules = Union[
    Mapping[PathPattern, Union[CORSPolicy, Mapping[str, Any]]],
    Iterable[tuple[PathPattern, Union[CORSPolicy, Mapping[str, Any]]]],
]

MIDDLEWARE_OPTIONS = frozenset(
    {
        "policy",
        "resources",
        "resolver",
        "preflight_status",
        "preflight_passthrough",
        "catch_exceptions",
        "on_decision",
        "debug",
    }
)

_STATUS_LINES = {200: "200 OK", 204: "204 No Content"}
_REFUSED_STATUS = "403 Forbidden"
_DEBUG_HEADER = "X-CORS-Decision"


class CORSMiddleware:
    """Wrap a WSGI application so that it answers the browser's CORS protocol.

    Policy options (``allow_origins``, ``allow_methods``, ...) are those of
    :class:`CORSPolicy`. ``resources`` maps path patterns to policies or to
    option dicts that override the top-level options; paths that no rule
    matches then pass through untouched. ``resolver`` is the general form used
    by framework adapters: a function of the environ returning the policy,
    or None to pass the request through.
    """

    def __init__(
        self,
        app: WSGIApp,
        *,
        policy: CORSPolicy | None = None,
        resources: ResourceRules | None = None,
        resolver: Resolver | None = None,
        preflight_status: int = 204,
        preflight_passthrough: bool = False,
        catch_exceptions: bool = False,
        on_decision: Callable[[Decision], object] | None = None,
        debug: bool = False,
        **options: Unpack[PolicyOptions],
    ) -> None:
        reject_unknown(options, OPTION_NAMES | MIDDLEWARE_OPTIONS, "CORSMiddleware")
        if preflight_status not in _STATUS_LINES:
            raise ConfigError("preflight_status", preflight_status, "must be 204 or 200")
        for name, flag in (
            ("preflight_passthrough", preflight_passthrough),
            ("catch_exceptions", catch_exceptions),
            ("debug", debug),
        ):
            if type(flag) is not bool:
                raise ConfigError(name, flag, "must be True or False")
        if on_decision is not None and not callable(on_decision):
            raise ConfigError("on_decision", on_decision, "is not callable")
        check_wsgi_app(app)
        self.app = app
        self.preflight_status = preflight_status
        self.preflight_passthrough = preflight_passthrough
        self.catch_exceptions = catch_exceptions
        self.on_decision = on_decision
        self.debug = debug
        self._status_line = _STATUS_LINES[preflight_status]
        self._install(_routing(policy, resources, resolver, options))

    @classmethod
    def from_mapping(
        cls, app: WSGIApp, mapping: Mapping[str, Any], *, source: str = "mapping", **overrides: Any
    ) -> Self:
        """Build from a dict such as a Django setting; errors name ``source`` and the key."""
        from .config import build, options_from_mapping

        return build(cls, app, options_from_mapping(mapping, source), overrides, source)

    @classmethod
    def from_env(
        cls, app: WSGIApp, prefix: str = "CORS_", environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Self:
        """Build from ``CORS_ALLOW_ORIGINS``-style variables; keyword overrides win."""
        from .config import build, options_from_env

        options = options_from_env(environ, prefix)
        return build(cls, app, options, overrides, "environment", lambda name: prefix + name.upper())

    def reconfigure(
        self,
        *,
        policy: CORSPolicy | None = None,
        resources: ResourceRules | None = None,
        resolver: Resolver | None = None,
        **options: Unpack[PolicyOptions],
    ) -> None:
        """Validate a new configuration, then swap it in atomically.

        Policy options change the current top-level policy (the others keep
        their values); resources given here replace the rules, otherwise the
        current rules are kept and re-based on the new top-level policy. A
        ConfigError leaves the running configuration untouched. Requests in
        flight finish with the configuration they started with.
        """
        reject_unknown(options, OPTION_NAMES | {"policy", "resources", "resolver"}, "reconfigure")
        current = self._routing
        if resolver is None and resources is None and current.resolver is not None:
            if policy is not None or options:
                name, value = ("policy", policy) if policy is not None else next(iter(options.items()))
                raise ConfigError(
                    name,
                    value,
                    "is never used: this middleware's resolver picks the policy of every request",
                    "pass resolver= a new function (or resources= rules) instead",
                )
            resolver = current.resolver
        if policy is None and resolver is None:
            policy = current.policy.replace(**options)
            options = {}
        if resources is None and resolver is None:
            resources, resolver = current.resources, current.resolver
        self._install(_routing(policy, resources, resolver, options))

    def _install(self, routing: _Routing) -> None:
        self._routing = routing
        # What requests read, as one plain tuple: replaced in one step, and
        # unpacking it is cheaper than two attribute lookups on a NamedTuple.
        self._select_policy = (routing.select, routing.policy)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        select, policy = self._select_policy
        if select is not None:
            selected = select(environ)
            if selected is None:
                return self.app(environ, start_response)
            policy = selected
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            decision = policy.no_origin_decision
        elif environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            decision = decide_preflight(
                policy,
                origin,
                environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"],
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
            )
            if not decision.allowed and logger.isEnabledFor(INFO):
                _log_refusal(decision, INFO)
            if not self.preflight_passthrough:
                if self.on_decision is not None:
                    _notify(self.on_decision, decision)
                return self._answer_preflight(decision, start_response)
        else:
            decision = decide_actual(policy, origin)
            # A refused actual request may well be same-origin: DEBUG only.
            if not decision.allowed and logger.isEnabledFor(DEBUG):
                _log_refusal(decision, DEBUG)
        if self.on_decision is not None:
            _notify(self.on_decision, decision)
        headers = decision.headers
        if self.debug:
            headers = (*headers, _debug_header(decision))
        # A bound method is cheaper to make per request than a closure.
        cors_start_response = MethodType(_add_headers, (start_response, headers))
        if self.catch_exceptions:
            return self._call_catching(environ, start_response, cors_start_response, headers)
        return self.app(environ, cors_start_response)

    @property
    def policy(self) -> CORSPolicy:
        """The top-level policy (the defaults of every resource rule)."""
        return self._routing.policy

    def _call_catching(
        self,
        environ: Environ,
        start_response: StartResponse,
        cors_start_response: StartResponse,
        headers: tuple[Header, ...],
    ) -> Iterable[bytes]:
        """Turn an exception raised before the response started into a 500 with CORS headers."""
        try:
            result = self.app(environ, cors_start_response)
            if isinstance(result, (list, tuple)):
                return result
            # A generator app fails only when iterated: read its first chunk inside the guard.
            rest = iter(result)
            try:
                first = [next(rest)]
            except StopIteration:
                first = []
            except BaseException:
                _close(result)
                raise
            return _PrimedBody(first, rest, result)
        except Exception:
            logger.exception("unhandled exception in the application; answering 500 with CORS headers")
            body = b"Internal Server Error\n"
            error_headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                *headers,
            ]
            start_response("500 Internal Server Error", error_headers, sys.exc_info())
            return [body]

    def _answer_preflight(self, decision: Decision, start_response: StartResponse) -> Iterable[bytes]:
        headers = list(decision.headers)
        if self.debug:
            headers.append(_debug_header(decision))
        if decision.allowed:
            if self.preflight_status == 200:
                headers += [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")]
            start_response(self._status_line, headers)
            return []
        body = f"CORS preflight refused: {decision.message}\n".encode("ascii")
        headers += [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
        start_response(_REFUSED_STATUS, headers)
        return [body]


def _add_headers(
    bound: tuple[StartResponse, tuple[Header, ...]],
    status: str,
    app_headers: list[Header],
    exc_info: ExcInfo | None = None,
) -> Callable[[bytes], object]:
    """The ``start_response`` the app sees: ``bound`` is the server's and our headers."""
    start_response, headers = bound
    # Only a Vary or Access-Control-* header of the app's needs merging;
    # a first-letter scan is the cheapest way to rule both out.
    try:
        for name, _ in app_headers:
            if name[0] in "vVaA":
                break
        else:
            return start_response(status, [*app_headers, *headers], exc_info)
    except IndexError:
        pass  # an empty name: an invalid header for the server to refuse, not our crash
    return start_response(status, merge_headers(app_headers, headers), exc_info)


class _PrimedBody:
    """The app's body with its first chunk already read; streams the rest and closes the original."""

    __slots__ = ("_body", "_first", "_rest")

    def __init__(self, first: list[bytes], rest: Iterator[bytes], body: Iterable[bytes]) -> None:
        self._first = first
        self._rest = rest
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        yield from self._first
        yield from self._rest

    def close(self) -> None:
        _close(self._body)


def _close(body: Iterable[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


def _notify(on_decision: Callable[[Decision], object], decision: Decision) -> None:
    """A failing ``on_decision`` callback is logged and never fails the request."""
    try:
        on_decision(decision)
    except Exception:
        logger.exception("on_decision callback %r failed", on_decision)


def _log_refusal(decision: Decision, level: int) -> None:
    logger.log(
        level,
        "CORS refused %s: origin=%s reason=%s",
        "preflight" if decision.preflight else "request",
        loggable(decision.origin),
        decision.message,
    )


def _debug_header(decision: Decision) -> Header:
    """``X-CORS-Decision: refused; reason=header-not-allowed; header=x-foo``."""
    if decision.reason == reasons.NO_ORIGIN:
        value = "not-cors; reason=no-origin"
    else:
        value = "allowed" if decision.allowed else f"refused; reason={decision.reason}"
    if decision.detail:
        value += (
            f"; {'header' if decision.reason == reasons.HEADER_NOT_ALLOWED else 'method'}={decision.detail}"
        )
    return (_DEBUG_HEADER, value)


class _Routing(NamedTuple):
    """Everything that picks the policy for a request, swapped as one value."""

    policy: CORSPolicy
    """The top-level policy."""
    select: Resolver | None
    """Picks the policy for a request (None: pass it through); None: always ``policy``."""
    resources: ResourceRules | None
    resolver: Resolver | None


def _routing(
    policy: CORSPolicy | None,
    resources: ResourceRules | None,
    resolver: Resolver | None,
    options: Mapping[str, Any],
) -> _Routing:
    if policy is not None and options:
        raise ConfigError("policy", policy, "cannot be combined with policy options", "pass either one")
    if resolver is not None and (policy is not None or options):
        name, value = ("policy", policy) if policy is not None else next(iter(sorted(options.items())))
        raise ConfigError(
            name,
            value,
            "cannot be combined with resolver=: the resolver picks the policy of every request",
            "build the policies in the resolver, or drop resolver=",
        )
    if resources is not None and resolver is not None:
        raise ConfigError("resolver", resolver, "cannot be combined with resources", "pass either one")
    if resolver is not None and not callable(resolver):
        raise ConfigError("resolver", resolver, "is not callable", "pass a function of the environ")
    base = policy if policy is not None else CORSPolicy(**options)
    if resources is not None:
        router = _router(base, resources)

        def by_path(environ: Environ) -> CORSPolicy | None:
            return router.match(environ.get("PATH_INFO", ""))

        return _Routing(base, by_path, resources, None)
    if resolver is None and base.origins.is_empty:
        logger.warning("CORSMiddleware allows no origin: every cross-origin read will be refused")
    return _Routing(base, resolver, None, resolver)


def _router(base: CORSPolicy, resources: ResourceRules) -> PathRouter[CORSPolicy]:
    if isinstance(resources, (str, bytes)) or not isinstance(resources, (Mapping, Iterable)):
        raise ConfigError("resources", resources, "is not a dict or a list of (pattern, options) pairs")
    rules = resources.items() if isinstance(resources, Mapping) else resources
    resolved: list[tuple[PathPattern, CORSPolicy]] = []
    for rule in rules:
        if not (isinstance(rule, tuple) and len(rule) == 2):
            raise ConfigError("resources", rule, "is not a (path pattern, policy or options) pair")
        pattern, options = rule
        if isinstance(options, CORSPolicy):
            resolved.append((pattern, options))
        elif isinstance(options, Mapping):
            try:
                resolved.append((pattern, base.replace(**options)))
            except ConfigError as error:
                raise ConfigError(
                    f"resources[{pattern!r}] {error.option}", error.value, error.problem, error.fix
                ) from None
        else:
            raise ConfigError("resources", options, "is neither a CORSPolicy nor a dict of options")
    return PathRouter(resolved)


def check_wsgi_app(app: object) -> None:
    """An ASGI app would build fine and then fail every request: refuse it at start-up."""
    if not callable(app):
        raise ConfigError("app", app, "is not callable", "pass the WSGI application")
    if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(type(app).__call__):
        raise ConfigError(
            "app",
            app,
            "is an ASGI application (a coroutine function), not a WSGI one",
            "use cors_wsgi.asgi.CORSMiddleware",
        )
