"""What every adapter shares, whatever its protocol: the engine behind WSGI, ASGI and flask_ext.

An adapter reads the request facts from its protocol (a WSGI environ, an
ASGI scope), asks ``decision`` for the answer, and writes the headers the
way its protocol writes them. Everything in between lives here once:
validating the adapter options, picking the policy by path or resolver,
swapping a new configuration in atomically, notifying ``on_decision``
(with the request's method and path when it asks for them), logging refusals
(rate-limited), deciding requests by the report-only candidate too (see
``report``), the debug header, and the answers we send ourselves (a refused
preflight, the ``catch_exceptions`` 500).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import EllipsisType
from typing import Any, Generic, NamedTuple, Self, TypeVar, Union, Unpack, cast

from . import reasons
from .config import MIDDLEWARE_OPTIONS, build, options_from_env, options_from_mapping, text_key
from .decision import Decision, Header, RequestFacts, decide, decide_actual
from .errors import ConfigError, reject_unknown
from .logs import MAX_LOGGED_LENGTH, LogLimiter, loggable, logger
from .policy import OPTION_NAMES, CORSPolicy, PolicyOptions
from .report import Report, Reporter, ReportOnly, differs, report_limiter
from .report import install as install_report
from .resources import PathPattern, PathRouter

__all__ = [
    "Answer",
    "DecisionContext",
    "Engine",
    "Resolver",
    "ResourceRules",
    "Routing",
    "debug_header",
    "error_answer",
    "is_async_callable",
    "request_facts",
]

AppT = TypeVar("AppT")
RequestT = TypeVar("RequestT")
Resolver = Callable[[RequestT], Union[CORSPolicy, None]]
"""Picks the policy for a request (environ or scope); None lets it pass through untouched."""
ResourceRules = Union[
    Mapping[PathPattern, Union[CORSPolicy, Mapping[str, Any]]],
    Iterable[tuple[PathPattern, Union[CORSPolicy, Mapping[str, Any]]]],
]

_TEXT = ("Content-Type", "text/plain; charset=utf-8")
_STATUS_LINES = {200: "200 OK", 204: "204 No Content", 403: "403 Forbidden", 500: "500 Internal Server Error"}
_ERROR_BODY = b"Internal Server Error\n"
_DEBUG_HEADER = "X-CORS-Decision"


Answer = tuple[int, str, list[Header], bytes]
"""A response we send ourselves, in the terms of any protocol: status, status line, headers, body.

A plain tuple: building a NamedTuple costs a granted preflight about a tenth of its time.
"""


class DecisionContext(NamedTuple):
    """Where a decision happened: the second argument of an ``on_decision(decision, context)``.

    Both values are as received (a hostile client chooses them): escape them
    before logging (``cors_wsgi.logs.loggable``), and never use the path as a
    metric label without mapping it to a bounded set of routes first.
    """

    method: str
    """The method decided on: for a preflight, the requested one (Access-Control-Request-Method)."""
    path: str
    """The path as ``resources=`` rules match it: below the mount point (SCRIPT_NAME, root_path)."""


class Routing(NamedTuple):
    """Everything that picks the policy for a request, swapped as one value."""

    policy: CORSPolicy
    """The top-level policy."""
    select: Callable[[Any], CORSPolicy | None] | None
    """Picks the policy for a request (None: pass it through); None: always ``policy``."""
    resources: ResourceRules | None
    resolver: Callable[[Any], CORSPolicy | None] | None
    report: Reporter | None
    """The report-only candidates; None when ``report_only`` is not configured."""


class Engine(Generic[AppT, RequestT]):
    """The configuration of an adapter; subclasses add ``__call__`` for their protocol.

    Policy options (``allow_origins``, ``allow_methods``, ...) are those of
    :class:`CORSPolicy`. ``resources`` maps path patterns to policies or to
    option dicts that override the top-level options; paths that no rule
    matches then pass through untouched. ``resolver`` is the general form: a
    function of the request (environ or scope) returning the policy, or None
    to pass the request through. ``report_only`` is a candidate policy (or
    options layered over the enforced ones) that decides every request with
    an Origin too, without changing any answer: where it decides otherwise,
    a Report goes to the ``cors_wsgi.report`` logger and to ``on_report``.
    """

    #: The adapter's name in errors about misspelt options.
    _kind = "CORSMiddleware"
    #: What a resolver is a function of, in errors.
    _request = "environ"

    def __init__(
        self,
        app: AppT,
        *,
        policy: CORSPolicy | None = None,
        resources: ResourceRules | None = None,
        resolver: Resolver[RequestT] | None = None,
        preflight_status: int = 204,
        preflight_passthrough: bool = False,
        catch_exceptions: bool = False,
        on_decision: Callable[..., object] | None = None,
        debug: bool = False,
        report_only: ReportOnly | None = None,
        on_report: Callable[[Report], object] | None = None,
        **options: Unpack[PolicyOptions],
    ) -> None:
        if "check_websocket_origin" in options:
            raise ConfigError(
                "check_websocket_origin",
                options["check_websocket_origin"],  # type: ignore[typeddict-item]
                f"is not an option of {self._kind}: WebSocket handshakes never pass through it",
                "remove it, or serve the app with cors_wsgi.asgi.CORSMiddleware",
            )
        reject_unknown(options, OPTION_NAMES | self._options(), self._kind)
        if preflight_status not in (200, 204):
            raise ConfigError("preflight_status", preflight_status, "must be 204 or 200")
        for name, flag in (
            ("preflight_passthrough", preflight_passthrough),
            ("catch_exceptions", catch_exceptions),
            ("debug", debug),
        ):
            if type(flag) is not bool:
                raise ConfigError(name, flag, "must be True or False")
        for name, callback in (("on_decision", on_decision), ("on_report", on_report)):
            if callback is not None and not callable(callback):
                raise ConfigError(name, callback, "is not callable")
        self._check_app(app)
        self.app = app
        self.preflight_status = preflight_status
        self.preflight_passthrough = preflight_passthrough
        self.catch_exceptions = catch_exceptions
        self.on_decision = on_decision
        # Decided once here, so that a request never inspects the callback.
        self._with_context = on_decision is not None and _takes_context(on_decision)
        self._limiter = LogLimiter()
        self.on_report = on_report
        self._report_limiter = report_limiter()
        self.debug = debug
        # None in the common case, so that requests test one attribute for both options.
        self._announce = self._announce_decision if on_decision is not None or debug else None
        #: When a granted preflight's whole answer is this status line and the decision's
        #: headers (no debug header, no body), so that an adapter can skip preflight_answer.
        self.plain_grant_status = None if debug or preflight_status != 204 else _STATUS_LINES[204]
        self._install(self._routing_of(policy, resources, resolver, options, report_only))

    @classmethod
    def _options(cls) -> frozenset[str]:
        """The adapter keywords besides the policy options."""
        return MIDDLEWARE_OPTIONS - {"check_websocket_origin"}

    @staticmethod
    def _check_app(app: AppT) -> None:
        """Refuse, at construction, an app of the wrong protocol (it would fail every request)."""

    def _prepare(self, policy: CORSPolicy) -> CORSPolicy:
        """The policy as this adapter runs it: WSGI cannot await, so an ``async def`` check is refused."""
        for check in policy.origins.callables:
            if is_async_callable(check):
                raise ConfigError(
                    "allow_origins",
                    check,
                    "is an async function: WSGI cannot await it, and its unawaited result would be true",
                    "use cors_wsgi.asgi.CORSMiddleware, or a plain function",
                )
        return policy

    @staticmethod
    def _path(request: RequestT) -> str:
        """The path ``resources=`` rules match: below the mount point (SCRIPT_NAME, root_path)."""
        raise NotImplementedError

    @staticmethod
    def _facts(request: RequestT) -> RequestFacts:
        """What a decision reads from the request, for the report-only candidate's decision."""
        raise NotImplementedError

    @classmethod
    def from_mapping(
        cls, app: AppT, mapping: Mapping[str, Any], *, source: str = "mapping", **overrides: Any
    ) -> Self:
        """Build from a dict such as a Django setting; errors name ``source`` and the key."""
        return build(cls, app, options_from_mapping(mapping, source), overrides, source)

    @classmethod
    def from_env(
        cls, app: AppT, prefix: str = "CORS_", environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Self:
        """Build from ``CORS_ALLOW_ORIGINS``-style variables; keyword overrides win."""
        options = options_from_env(environ, prefix)
        return build(
            cls, app, options, overrides, "environment", lambda name: prefix + text_key(name).upper()
        )

    def reconfigure(
        self,
        *,
        policy: CORSPolicy | None = None,
        resources: ResourceRules | None = None,
        resolver: Resolver[RequestT] | EllipsisType | None = ...,
        report_only: ReportOnly | EllipsisType | None = ...,
        **options: Unpack[PolicyOptions],
    ) -> None:
        """Validate a new configuration, then swap it in atomically.

        Policy options change the current top-level policy (the others keep
        their values); resources given here replace the rules, otherwise the
        current rules are kept and re-based on the new top-level policy.
        ``resolver`` replaces the resolver, and None removes it: every request
        then gets ``policy`` (or the top-level policy with ``options``).
        ``report_only`` replaces the candidate (None removes it); when it is
        not given, the current one is applied to the new configuration. A
        ConfigError leaves the running configuration untouched. Requests in
        flight finish with the configuration they started with.
        """
        known = OPTION_NAMES | {"policy", "resources", "resolver", "report_only"}
        reject_unknown(options, known, "reconfigure")
        current = self._current[-1]
        if report_only is ...:
            report_only = None if current.report is None else current.report.spec
        if resolver is ...:
            resolver = None
            if resources is None and current.resolver is not None:
                if policy is not None or options:
                    name, value = ("policy", policy) if policy is not None else next(iter(options.items()))
                    raise ConfigError(
                        name,
                        value,
                        "is never used: this middleware's resolver picks the policy of every request",
                        "pass resolver= a new function (or resources= rules) instead, or resolver=None",
                    )
                resolver = current.resolver
        if policy is None and resolver is None:
            policy = current.policy.replace(**options)
            options = {}
        if resources is None and resolver is None:
            resources = current.resources
        self._install(self._routing_of(policy, resources, resolver, options, report_only))

    @property
    def policy(self) -> CORSPolicy:
        """The top-level policy (the defaults of every resource rule)."""
        return self._current[-1].policy

    def _install(self, routing: Routing) -> None:
        # What requests read, as one plain tuple replaced in one step: unpacking
        # it is cheaper than attribute lookups, and no other attribute changes.
        self._current = (
            routing.select,
            routing.policy,
            self._announce,
            self.catch_exceptions,
            routing.report,
            routing,
        )

    def _routing_of(
        self,
        policy: CORSPolicy | None,
        resources: ResourceRules | None,
        resolver: Resolver[RequestT] | None,
        options: Mapping[str, Any],
        report_only: ReportOnly | None = None,
    ) -> Routing:
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
            raise ConfigError(
                "resolver", resolver, "is not callable", f"pass a function of the {self._request}"
            )
        base = self._prepare(policy if policy is not None else CORSPolicy(**options))
        rules: Sequence[tuple[PathPattern, CORSPolicy]] | None = (
            None if resources is None else _rules(base, resources, self._prepare)
        )
        report = None
        if report_only is not None:
            report, rules = install_report(
                report_only,
                base,
                rules,
                resolver is not None,
                self._prepare,
                self.on_report,
                self._report_limiter,
            )
        if rules is not None:
            router = PathRouter(rules)
            path = self._path

            def by_path(request: RequestT) -> CORSPolicy | None:
                return router.match(path(request))

            return Routing(base, by_path, resources, None, report)
        if resolver is None and base.origins.is_empty:
            logger.warning("CORSMiddleware allows no origin: every cross-origin read will be refused")
        return Routing(base, resolver, None, resolver, report)

    def _announce_decision(self, decision: Decision, method: str, request: RequestT) -> tuple[Header, ...]:
        """Tell ``on_decision``; the headers to add, with the debug header when it is on."""
        if self.on_decision is not None:
            self.notify(decision, method, request)
        if self.debug:
            return (*decision.headers, debug_header(decision))
        return decision.headers

    def notify(self, decision: Decision, method: str, request: RequestT) -> None:
        """Call ``on_decision``, with a DecisionContext when it takes two arguments.

        ``on_decision(decision)`` is the API users' callbacks were written
        for, and the Decision stays the pure answer of the policy; so rather
        than wrapping it (every callback comparing or unpacking it would
        break) the context is a second argument, asked for by the callback's
        signature (inspected once, at construction). A failing callback is
        logged and never fails the request.
        """
        on_decision = self.on_decision
        try:
            if self._with_context:
                on_decision(decision, DecisionContext(method, self._path(request)))  # type: ignore[misc]
            else:
                on_decision(decision)  # type: ignore[misc]
        except Exception:
            logger.exception("on_decision callback %r failed", on_decision)

    def report(self, reporter: Reporter, policy: CORSPolicy, decision: Decision, request: RequestT) -> None:
        """Decide the request by the candidate of ``policy`` too, and report a difference.

        One more decision, made only when ``report_only`` is configured; the
        caller's answer is ``decision``'s whatever the candidate decides.
        """
        found = reporter.candidate(policy)
        if found is not None:
            call, args, facts = self._candidate_call(found[0], decision, request)
            decided = call(*args)
            if differs(decision, decided):
                self._tell(reporter, decision, decided, found[1], request, facts)

    def _candidate_call(
        self, candidate: CORSPolicy, decision: Decision, request: RequestT
    ) -> tuple[Callable[..., Decision], tuple[Any, ...], RequestFacts | None]:
        """The candidate's decision as a call to make (the ASGI adapter awaits its async checks
        first), and the facts read for it: a preflight's decision needs the request's facts, an
        actual request's only its origin (the facts are read only if there is a report)."""
        if decision.preflight:
            facts = self._facts(request)
            return decide, (candidate, facts), facts
        return decide_actual, (candidate, decision.origin), None

    def _tell(
        self,
        reporter: Reporter,
        decision: Decision,
        decided: Decision,
        rule: str | None,
        request: RequestT,
        facts: RequestFacts | None = None,
        what: str = "",
    ) -> None:
        """Report the candidate's different decision, with the request's method and path."""
        facts = self._facts(request) if facts is None else facts
        reporter.tell(decision, decided, facts, rule, self._path(request), what)

    def log_refusal(
        self, decision: Decision, method: str, request: RequestT, level: int, what: str = ""
    ) -> None:
        """One line with the reason, the escaped origin, method and path (all may be hostile).

        Rate-limited per (origin, reason): a flood of refusals writes one line
        per key and ``REFUSAL_LOG_WINDOW``, and the next line counts the rest.
        Only requests with an Origin are refused: one without is no CORS request.
        """
        origin = cast(str, decision.origin)
        key = (origin[:MAX_LOGGED_LENGTH], decision.reason)
        admitted = self._limiter.admit(key)
        if admitted is None:
            return
        logger.log(
            level,
            "CORS refused %s: origin=%s method=%s path=%s reason=%s%s",
            what or ("preflight" if decision.preflight else "request"),
            loggable(origin),
            loggable(method),
            loggable(self._path(request)),
            decision.message,
            self._limiter.note(*admitted),
        )

    def preflight_answer(self, decision: Decision) -> Answer:
        """Our answer to a preflight: the grant with an empty body, or 403 with the reason."""
        headers = list(decision.headers)
        if self.debug:
            headers.append(debug_header(decision))
        if decision.allowed:
            status = self.preflight_status
            if status == 200:
                headers += [_TEXT, ("Content-Length", "0")]
            return (status, _STATUS_LINES[status], headers, b"")
        body = f"CORS preflight refused: {decision.message}\n".encode("ascii")
        headers += [_TEXT, ("Content-Length", str(len(body)))]
        return (403, _STATUS_LINES[403], headers, body)


def error_answer(headers: Iterable[Header]) -> Answer:
    """The ``catch_exceptions`` 500, with the CORS headers so the browser shows the error; logs it."""
    logger.exception("unhandled exception in the application; answering 500 with CORS headers")
    answer = [_TEXT, ("Content-Length", str(len(_ERROR_BODY))), *headers]
    return (500, _STATUS_LINES[500], answer, _ERROR_BODY)


def request_facts(
    origin: str | None,
    method: str,
    request_method: str | None,
    request_headers: str | None,
    request_private_network: bool,
) -> RequestFacts:
    """``RequestFacts(...)`` without NamedTuple's Python-level ``__new__``, which costs more than
    the candidate's decision itself: adapters build one per preflight a candidate decides."""
    return _new_tuple(
        RequestFacts, (origin, method, request_method, request_headers, request_private_network)
    )


_new_tuple = tuple.__new__


def _takes_context(on_decision: Callable[..., object]) -> bool:
    """Whether the callback accepts ``(decision, context)``; an uninspectable one gets one argument."""
    try:
        inspect.signature(on_decision).bind(None, None)
    except (TypeError, ValueError):
        return False
    return True


def debug_header(decision: Decision) -> Header:
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


def is_async_callable(function: object) -> bool:
    """A coroutine function, or an object whose ``__call__`` is one (an ASGI app, an async check)."""
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(type(function).__call__)


def _rules(
    base: CORSPolicy, resources: ResourceRules, prepare: Callable[[CORSPolicy], CORSPolicy]
) -> list[tuple[PathPattern, CORSPolicy]]:
    """Each rule's pattern and its policy (a dict of options is layered over ``base``), prepared."""
    if isinstance(resources, (str, bytes)) or not isinstance(resources, (Mapping, Iterable)):
        raise ConfigError("resources", resources, "is not a dict or a list of (pattern, options) pairs")
    rules = resources.items() if isinstance(resources, Mapping) else resources
    resolved: list[tuple[PathPattern, CORSPolicy]] = []
    for rule in rules:
        if not (isinstance(rule, tuple) and len(rule) == 2):
            raise ConfigError("resources", rule, "is not a (path pattern, policy or options) pair")
        pattern, options = rule
        if isinstance(options, CORSPolicy):
            resolved.append((pattern, prepare(options)))
        elif isinstance(options, Mapping):
            try:
                resolved.append((pattern, prepare(base.replace(**options))))
            except ConfigError as error:
                raise ConfigError(
                    f"resources[{pattern!r}] {error.option}", error.value, error.problem, error.fix
                ) from None
        else:
            raise ConfigError("resources", options, "is neither a CORSPolicy nor a dict of options")
    return resolved
