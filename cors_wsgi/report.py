"""Report-only policies: a candidate policy decides every CORS request beside the enforced one.

The answer always comes from the enforced policy. Where the candidate's
decision differs (allowed versus refused, or another reason), a Report is
logged to the ``cors_wsgi.report`` logger at WARNING and passed to
``on_report``, so that a tighter policy can be watched on real traffic
before it is enforced. Log lines are rate-limited as refusal lines are: one
per (origin, method, rule, reasons) and ``cors_wsgi.logs.REPORT_LOG_WINDOW``,
in a bounded table; the callback sees every report.

Candidates are built when a configuration is installed, never per request:
this module maps each policy a configuration can select to its candidate and
tells the differences. The engine decides the candidate (the ASGI adapter
awaiting its async origin checks first), so no adapter holds this logic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, Union

from .config import MIDDLEWARE_OPTIONS
from .errors import ConfigError, reject_unknown
from .facts import Decision, RequestFacts
from .logs import MAX_LOGGED_LENGTH, LogLimiter, loggable, logger, report_log_window
from .policy import OPTION_NAMES, CORSPolicy
from .resources import PathPattern

__all__ = [
    "Report",
    "ReportOnly",
    "Reporter",
    "differs",
    "install",
    "layered",
    "report_limiter",
    "report_logger",
]

report_logger = logging.getLogger("cors_wsgi.report")
"""Where reports are logged, at WARNING: a logger of their own, to route or silence apart from refusals."""

ReportOnly = Union[CORSPolicy, Mapping[str, Any]]
"""A candidate: a policy, or options layered over the enforced policy's (as ``resources=`` dicts are)."""

Rules = Sequence[tuple[PathPattern, CORSPolicy]]


class Report(NamedTuple):
    """A request that the candidate policy decides differently from the enforced one.

    ``path`` (and the origin in the decisions) are as received, chosen by
    the client: escape them before logging (``cors_wsgi.logs.loggable``).
    """

    enforced: Decision
    """What the request got: the enforced policy's decision."""
    candidate: Decision
    """What it would get if the candidate were enforced."""
    method: str
    """The method decided on: for a preflight, the requested one (Access-Control-Request-Method)."""
    path: str
    """The path as ``resources=`` rules match it: below the mount point (SCRIPT_NAME, root_path)."""
    rule: str | None
    """The ``resources=`` pattern that picked both policies (a regex's pattern), else None."""


def report_limiter() -> LogLimiter:
    """The limiter of one adapter's report lines: kept across reconfigurations, like the refusals'."""
    return LogLimiter(report_log_window, "reports")


class Reporter:
    """One configuration's candidates, and where their differences go.

    ``candidate(policy)`` is the candidate of a policy the configuration
    selected (None for a policy it never selects); ``tell`` reports a
    difference (see ``differs``). Both are safe to call from any number of
    threads.
    """

    __slots__ = ("_by_policy", "_fixed", "_limiter", "_on_report", "spec")

    def __init__(
        self,
        spec: ReportOnly,
        fixed: tuple[CORSPolicy, str | None] | None,
        by_policy: Mapping[int, tuple[CORSPolicy, CORSPolicy, str | None]],
        on_report: Callable[[Report], object] | None,
        limiter: LogLimiter,
    ) -> None:
        self.spec = spec
        """The candidate as configured, for ``reconfigure`` to apply to a new configuration."""
        self._fixed = fixed
        self._by_policy = by_policy
        self._on_report = on_report
        self._limiter = limiter

    def candidate(self, policy: CORSPolicy) -> tuple[CORSPolicy, str | None] | None:
        """The candidate to decide a request that ``policy`` decided, and the rule that picked both."""
        if self._fixed is not None:
            return self._fixed
        # Each entry holds its policy, so no other live policy has its id: no identity check is needed.
        entry = self._by_policy.get(id(policy))
        if entry is None:
            return None
        return entry[1], entry[2]

    def tell(
        self,
        enforced: Decision,
        candidate: Decision,
        facts: RequestFacts,
        rule: str | None,
        path: str,
        what: str = "",
    ) -> None:
        """Report a candidate's decision that differs from the enforced one: log it and call
        ``on_report``, whose failure is logged, never raised."""
        method = (facts.request_method if enforced.preflight else facts.method) or ""
        report = Report(enforced, candidate, method, path, rule)
        if report_logger.isEnabledFor(logging.WARNING):
            self._log(report, what or ("preflight" if enforced.preflight else "request"))
        on_report = self._on_report
        if on_report is not None:
            try:
                on_report(report)
            except Exception:
                logger.exception("on_report callback %r failed", on_report)

    def _log(self, report: Report, what: str) -> None:
        """One line per (origin, method, rule, reasons) and window; it counts the repeats held back."""
        enforced, candidate = report.enforced, report.candidate
        origin = enforced.origin or ""
        key = (
            origin[:MAX_LOGGED_LENGTH],
            report.method[:MAX_LOGGED_LENGTH],
            report.rule,
            enforced.reason,
            candidate.reason,
        )
        admitted = self._limiter.admit(key)
        if admitted is None:
            return
        report_logger.warning(
            "CORS report-only: the candidate policy decides this %s differently: enforced=%s candidate=%s "
            "origin=%s method=%s path=%s%s%s",
            what,
            _verdict(enforced),
            _verdict(candidate),
            loggable(enforced.origin),
            loggable(report.method),
            loggable(report.path),
            "" if report.rule is None else f" rule={loggable(report.rule)}",
            self._limiter.note(*admitted),
        )


def differs(enforced: Decision, candidate: Decision) -> bool:
    """Whether the candidate decides otherwise: allowed versus refused, or another reason (or detail).

    Headers alone do not count: a grant with credentials is the same verdict.
    """
    return (
        enforced.allowed != candidate.allowed
        or enforced.reason != candidate.reason
        or enforced.detail != candidate.detail
    )


def _verdict(decision: Decision) -> str:
    """``allowed`` or ``refused(reason: detail)``; the detail is a validated token."""
    return "allowed" if decision.allowed else f"refused({decision.message})"


def _check(spec: object, resolving: bool) -> ReportOnly:
    """``spec`` as a candidate, or a ConfigError naming what is wrong with it and the fix."""
    if isinstance(spec, CORSPolicy):
        return spec
    if not isinstance(spec, Mapping):
        raise ConfigError(
            "report_only",
            spec,
            "is neither a CORSPolicy nor a dict of policy options",
            "pass report_only=CORSPolicy(...) or a dict such as {'allow_origins': ['https://app.example.com']}",
        )
    for key, value in spec.items():
        if not isinstance(key, str):
            raise ConfigError("report_only", key, "is not an option name", "use policy option names as keys")
        if key in MIDDLEWARE_OPTIONS:
            raise ConfigError(
                f"report_only {key}",
                value,
                "is an option of the middleware, not of a policy: the candidate is compared under "
                "the enforced configuration's rules and options",
                "remove it from report_only",
            )
    with _named("report_only "):
        reject_unknown(spec, OPTION_NAMES, "report_only (a policy's options)")
    if resolving:
        raise ConfigError(
            "report_only",
            dict(spec),
            "is a dict of options, but with resolver= there are no enforced options to layer it over "
            "(the resolver picks each request's policy)",
            "pass report_only=CORSPolicy(...): the candidate for every request the resolver decides",
        )
    return spec


def install(
    spec: ReportOnly,
    base: CORSPolicy,
    rules: Rules | None,
    resolving: bool,
    prepare: Callable[[CORSPolicy], CORSPolicy],
    on_report: Callable[[Report], object] | None,
    limiter: LogLimiter,
) -> tuple[Reporter, Rules | None]:
    """The Reporter of a configuration, and its rules (two rules that shared one policy get a copy
    each, so that a report names the rule that picked the policy).

    ``base`` is the top-level policy; ``rules`` the ``resources=`` rules with
    their policies, if any; ``resolving`` whether a resolver picks policies.
    Every candidate is validated and ``prepare``-d as an enforced policy is.
    """
    spec = _check(spec, resolving)
    if rules is None:
        fixed = (_candidate(spec, base, prepare, ""), None)
        return Reporter(spec, fixed, {}, on_report, limiter), None
    shared = _candidate(spec, base, prepare, "") if isinstance(spec, CORSPolicy) else None
    by_policy: dict[int, tuple[CORSPolicy, CORSPolicy, str | None]] = {}
    own: list[tuple[PathPattern, CORSPolicy]] = []
    for pattern, policy in rules:
        if id(policy) in by_policy:
            policy = policy.replace()
        label = pattern if isinstance(pattern, str) else pattern.pattern
        candidate = (
            shared if shared is not None else _candidate(spec, policy, prepare, f"resources[{pattern!r}] ")
        )
        by_policy[id(policy)] = (policy, candidate, label)
        own.append((pattern, policy))
    return Reporter(spec, None, by_policy, on_report, limiter), own


def layered(spec: ReportOnly, policy: CORSPolicy, prepare: Callable[[CORSPolicy], CORSPolicy]) -> CORSPolicy:
    """The candidate of a policy picked by other means (a Django ``@cors`` view): built as a rule's."""
    return _candidate(spec, policy, prepare, "")


def _candidate(
    spec: ReportOnly, enforced: CORSPolicy, prepare: Callable[[CORSPolicy], CORSPolicy], where: str
) -> CORSPolicy:
    """``spec`` itself, or its options layered over ``enforced``'s; errors name report_only."""
    with _named(f"{where}report_only "):
        return prepare(spec if isinstance(spec, CORSPolicy) else enforced.replace(**spec))


@contextmanager
def _named(prefix: str) -> Iterator[None]:
    """Prefix the ConfigErrors raised inside with where the candidate's option sits."""
    try:
        yield
    except ConfigError as error:
        raise ConfigError(prefix + error.option, error.value, error.problem, error.fix) from None
