"""CorsMiddleware: cors-wsgi's decisions inside Django's MIDDLEWARE, sync and async.

Listed first in MIDDLEWARE, it answers preflights in its request phase, so
no later middleware (CSRF, authentication, APPEND_SLASH) ever sees one, and it
adds the CORS headers to every response passing back through it, Django's own
404 and 500 pages included. The test client, ``runserver`` and any WSGI or
ASGI server all run it. The decision itself is the core's: this module only
reads the request, picks the policy, and writes the answer Django's way.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from logging import DEBUG, INFO
from typing import Any, NamedTuple

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings  # type: ignore[import-untyped]
from django.core.signals import setting_changed  # type: ignore[import-untyped]
from django.http import HttpResponse  # type: ignore[import-untyped]
from django.urls import Resolver404, get_resolver, resolve  # type: ignore[import-untyped]
from django.utils.cache import patch_vary_headers  # type: ignore[import-untyped]

from .. import reasons
from ..decision import Decision, Header, RequestFacts, decide
from ..engine import Engine
from ..logs import logger
from ..origins import split_origin
from ..policy import CORSPolicy
from ..report import differs, layered
from ..vary import merge_headers
from . import conf
from .decorators import ViewOptions, decorated_views, view_options
from .signals import check_request_enabled

Response = Any
"""An ``HttpResponseBase``: Django ships no type information."""

#: Settings whose change rebuilds the configuration (ROOT_URLCONF: where the ``@cors`` views are).
_WATCHED = re.compile(r"CORS(_.*)?|ROOT_URLCONF")


class _Generation:
    """Counts setting changes; a middleware whose configuration is older rebuilds it."""

    value = 0


def _settings_changed(setting: str, **kwargs: Any) -> None:
    if _WATCHED.fullmatch(setting):
        _Generation.value += 1


setting_changed.connect(_settings_changed, dispatch_uid="cors_wsgi.django.settings_changed")

#: Most ``check_request_enabled`` variants of policies kept at once (one per policy in use).
_MAX_SIGNAL_POLICIES = 64

_AMBIGUOUS = CORSPolicy()
"""Stands for "two spellings of this path select different rules": it allows no origin."""


def _allow_every_origin(origin: str) -> bool:
    """The origin check of a grant by ``check_request_enabled``: only canonical origins reach it."""
    return True


class _Spelling(NamedTuple):
    """Another spelling of the request's path, given to the path rules in place of the request."""

    path_info: str


class _Served(Engine[None, Any]):
    """The engine of one configuration, plus what Django adds: CORS_URLS_REGEX, ``@cors`` views,
    ``check_request_enabled`` grants, and the path spellings a path rule must agree on."""

    _kind = "settings.CORS"
    _request = "request"

    def __init__(self, config: conf.Config) -> None:
        super().__init__(None, **conf.engine_options(config))
        self.config = config
        select, *_, routing = self._current
        self.by_path = select if routing.resources is not None else None
        self.resolver = routing.resolver
        self.reporter = routing.report
        #: The candidate of each ``@cors`` view's policy, built with it: a view is a rule of its own.
        self.view_candidates: dict[int, tuple[CORSPolicy, CORSPolicy]] = {}
        views = (
            list(decorated_views(get_resolver().url_patterns)) if hasattr(settings, "ROOT_URLCONF") else []
        )
        self.resolves = bool(views)
        self.view_policies: dict[int, tuple[ViewOptions, CORSPolicy]] = {}
        for _, recorded in views:
            self.view_policy(recorded)
        self.signal_policies: dict[int, tuple[CORSPolicy, CORSPolicy]] = {}

    @staticmethod
    def _path(request: Any) -> str:
        """What Django routes: ``path_info``, below the script name."""
        return request.path_info  # type: ignore[no-any-return]

    def rule(self, path: str) -> CORSPolicy | None:
        """The policy the project's path rules give ``path`` (None: CORS does not apply there)."""
        if self.config.urls_regex is not None:
            return self.policy if self.config.urls_regex.match(path) else None
        if self.by_path is not None:
            return self.by_path(_Spelling(path))
        return self.policy

    def select(self, request: Any) -> CORSPolicy | None:
        """The rule for the request's path; no origin is allowed if another spelling of it that a
        server or proxy may treat as the same path (``//``, dot segments, a final slash) gets another."""
        if self.resolver is not None:
            return self.resolver(request)
        path = request.path_info
        selected = self.rule(path)
        if ("//" in path or "/." in path) and self.rule(normalized(path)) is not selected:
            return _AMBIGUOUS
        if self.by_path is not None and selected is not None and len(path) > 1:
            other = self.rule(path[:-1] if path.endswith("/") else path + "/")
            if other is not None and other is not selected:
                return _AMBIGUOUS
        return selected

    def view_policy(self, recorded: ViewOptions) -> CORSPolicy:
        """The project's policy with a view's ``@cors`` options, built once per view."""
        entry = self.view_policies.get(id(recorded))
        if entry is None or entry[0] is not recorded:
            entry = (recorded, self.policy.replace(**recorded))
            self.view_policies[id(recorded)] = entry
            if self.reporter is not None:
                candidate = layered(self.reporter.spec, entry[1], self._prepare)
                self.view_candidates[id(entry[1])] = (entry[1], candidate)
        return entry[1]

    def judge(self, found: _Request) -> _Judged | None:
        """The candidate's decision of the request, before any ``check_request_enabled`` grant: by
        the candidate of the policy its path or view selected. None where nothing is reported: no
        candidate, a path outside the rules, or an ambiguous path (refused by both)."""
        reporter, selected = self.reporter, found.selected
        if reporter is None or found.decision is None or selected is None or selected is _AMBIGUOUS:
            return None
        view = self.view_candidates.get(id(selected))
        candidate = (
            (view[1], None) if view is not None and view[0] is selected else reporter.candidate(selected)
        )
        if candidate is None:
            return None
        policy, rule = candidate
        return _Judged(policy, rule, decide(policy, found.facts))

    def judge_outside(self, found: _Request) -> _Judged | None:
        """The candidate's decision of a request on a path outside the rules that a grant enabled: by
        the candidate of the project's policy, granted as the enforced policy was. None with
        ``resources`` rules, whose candidates are the rules'."""
        candidate = None if self.reporter is None else self.reporter.candidate(self.policy)
        if candidate is None:
            return None
        policy, rule = candidate
        return _Judged(policy, rule, decide(self.signal_policy(policy), found.facts))

    def report_request(self, found: _Request, judged: _Judged, request: Any) -> None:
        """Report the candidate's decision if it differs from the enforced one."""
        decision = found.decision
        if decision is not None and self.reporter is not None and differs(decision, judged.decision):
            self.reporter.tell(decision, judged.decision, found.facts, judged.rule, self._path(request))

    def signal_policy(self, policy: CORSPolicy) -> CORSPolicy:
        """``policy`` with the request's origin allowed, for a ``check_request_enabled`` grant."""
        entry = self.signal_policies.get(id(policy))
        if entry is None or entry[0] is not policy:
            if len(self.signal_policies) >= _MAX_SIGNAL_POLICIES:
                self.signal_policies.clear()  # a resolver may make a new policy per request
            entry = (policy, policy.replace(allow_origins=[_allow_every_origin], allow_origin_regex=None))
            self.signal_policies[id(policy)] = entry
        return entry[1]


class _Request(NamedTuple):
    """What the request phase found, for the response phase."""

    served: _Served
    facts: RequestFacts
    policy: CORSPolicy | None
    decision: Decision | None
    selected: CORSPolicy | None
    """The policy the path or view selected, before any ``check_request_enabled`` grant."""


class _Judged(NamedTuple):
    """The report-only candidate's side of a request."""

    policy: CORSPolicy
    """The candidate, before any ``check_request_enabled`` grant."""
    rule: str | None
    decision: Decision


class CorsMiddleware:
    """Django middleware answering CORS with the policy of the project's settings.

    Put it first in MIDDLEWARE. It reads django-cors-headers' ``CORS_*``
    settings or cors-wsgi's ``CORS`` dict (see ``cors_wsgi.django.conf``),
    rebuilds its policy when ``override_settings`` changes them, and applies
    ``@cors`` options of the view the path resolves to.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Response | Awaitable[Response]]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
        self._state = self._rebuild()

    def _rebuild(self) -> tuple[int, _Served]:
        generation = _Generation.value
        state = (generation, _Served(conf.load(settings)))
        self._state = state  # one assignment: a request sees the old or the new, never a mix
        return state

    def __call__(self, request: Any) -> Response:
        if self.is_async:
            return self.__acall__(request)
        found = self._request_phase(request)
        served = found.served
        if served.reporter is not None and found.facts.origin is not None:
            judged = served.judge(found)
            asks = _asks(found, judged)
            if any(asks):
                replies = check_request_enabled.send(sender=None, request=request)
                found, judged = _after_signals(found, judged, asks, replies)
            if judged is not None:
                served.report_request(found, judged, request)
        elif _wants_signal(found, found.decision):
            found = _after_signal(found, check_request_enabled.send(sender=None, request=request))
        answer = self._answer(request, found)
        if answer is not None:
            return answer
        return self._response_phase(request, found, self.get_response(request))

    async def __acall__(self, request: Any) -> Response:
        found = self._request_phase(request)
        served = found.served
        if served.reporter is not None and found.facts.origin is not None:
            judged = served.judge(found)
            asks = _asks(found, judged)
            if any(asks):
                replies = await check_request_enabled.asend(sender=None, request=request)
                found, judged = _after_signals(found, judged, asks, replies)
            if judged is not None:
                served.report_request(found, judged, request)
        elif _wants_signal(found, found.decision):
            found = _after_signal(found, await check_request_enabled.asend(sender=None, request=request))
        answer = self._answer(request, found)
        if answer is not None:
            return answer
        return self._response_phase(request, found, await self.get_response(request))

    def _request_phase(self, request: Any) -> _Request:
        generation, served = self._state
        if generation != _Generation.value:
            generation, served = self._rebuild()
        meta = request.META
        facts = RequestFacts(
            meta.get("HTTP_ORIGIN"),
            request.method,
            meta.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            meta.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            meta.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
        )
        path = request.path_info
        policy = None
        if served.resolves:
            # The view Django will route to, resolved exactly as Django will: its spelling is its own.
            try:
                match = resolve(path)
            except Resolver404:
                match = None
            recorded = None
            if match is not None:
                recorded = view_options(match.func, _method(facts))
            if recorded is not None:
                policy = served.view_policy(recorded)
        if policy is None:
            policy = served.select(request)
        decision = decide(policy, facts) if policy is not None else None
        return _Request(served, facts, policy, decision, policy)

    def _answer(self, request: Any, found: _Request) -> Response | None:
        """Mark the request; answer a preflight here, before any later middleware sees it."""
        request._cors_enabled = found.policy is not None
        decision = found.decision
        if decision is None:
            return None
        served = found.served
        level = INFO if decision.preflight else DEBUG  # a refused actual request may well be same-origin
        # A request without Origin is no CORS request (a same-origin page, curl): nothing refused it.
        if not decision.allowed and decision.origin is not None and logger.isEnabledFor(level):
            served.log_refusal(decision, _method(found.facts), request, level)
        if not decision.preflight or served.preflight_passthrough:
            return None
        if served.on_decision is not None:
            served.notify(decision, _method(found.facts), request)
        status, _, headers, body = served.preflight_answer(decision)
        return _write(_response(status, body), headers)

    def _response_phase(self, request: Any, found: _Request, response: Response) -> Response:
        decision = found.decision
        if decision is None:
            if found.facts.origin is None and check_request_enabled.has_listeners():
                # A receiver may enable CORS on this path for some origin: caches must keep them apart.
                patch_vary_headers(response, ("origin",))
            return response
        announce = found.served._announce
        if announce is None:
            return _write(response, decision.headers)
        return _write(response, announce(decision, _method(found.facts), request))


def _method(facts: RequestFacts) -> str:
    """The method a decision is about: for a preflight, the requested one."""
    return (facts.request_method if facts.is_preflight else facts.method) or ""


def _response(status: int, body: bytes) -> Response:
    """An HttpResponse for one of our own answers (its headers are written by ``_write``)."""
    response = HttpResponse(body, status=status)
    del response["Content-Type"]  # Django's default; the answer has its own when it has a body
    return response


def _write(response: Response, headers: Iterable[Header]) -> Response:
    """Add our headers to the response as merge_headers rules, with Vary merged by Django."""
    vary = ""
    ours = []
    for name, value in headers:
        if name == "Vary":
            vary = value.lower()  # lower case, as django-cors-headers writes it
        else:
            ours.append((name, value))
    # Only the app's own Vary and Access-Control-* headers change what we write.
    present = [name for name in response.headers if name[:1] in "aAvV"]
    if ours:
        app = [(name, response[name]) for name in present if name[:1] in "aA"]
        for name, value in merge_headers(app, ours)[len(app) :] if app else ours:
            response[name] = value
    if vary:
        if any(name.lower() == "vary" for name in present):
            patch_vary_headers(response, vary.split(", "))
        else:
            response["Vary"] = vary
    return response


def _wants_signal(found: _Request, decision: Decision | None) -> bool:
    """Whether a ``check_request_enabled`` receiver could change ``decision`` (the enforced
    policy's or the candidate's): an origin it refuses, or a path outside the rules, with a
    well-formed Origin."""
    if decision is not None and decision.reason != reasons.ORIGIN_NOT_ALLOWED:
        return False
    if found.policy is _AMBIGUOUS or not check_request_enabled.has_listeners():
        return False
    origin = found.facts.origin
    return origin is not None and split_origin(origin) is not None


def _asks(found: _Request, judged: _Judged | None) -> tuple[bool, bool]:
    """Whose decision a grant could change, the enforced policy's and the candidate's: receivers are
    sent the request (once) if either could change."""
    return (
        _wants_signal(found, found.decision),
        judged is not None and _wants_signal(found, judged.decision),
    )


def _granted(replies: list[tuple[Any, Any]]) -> bool:
    """Whether a receiver returned a true value."""
    return any(reply for _, reply in replies)


def _after_signal(found: _Request, replies: list[tuple[Any, Any]]) -> _Request:
    """The enforced decision after the receivers' replies."""
    return _grant(found) if _granted(replies) else found


def _grant(found: _Request) -> _Request:
    """The request decided by its policy with its origin allowed."""
    served = found.served
    policy = served.signal_policy(found.policy if found.policy is not None else served.policy)
    return found._replace(policy=policy, decision=decide(policy, found.facts))


def _after_signals(
    found: _Request, judged: _Judged | None, asks: tuple[bool, bool], replies: list[tuple[Any, Any]]
) -> tuple[_Request, _Judged | None]:
    """Both decisions after the receivers' replies: a grant applies to each one it could change
    (``asks``), so the candidate is judged as it would decide if it were enforced."""
    if not _granted(replies):
        return found, judged
    enforced, candidate = asks
    if enforced:
        outside = found.decision is None
        found = _grant(found)
        if outside:
            return found, found.served.judge_outside(found)
    if candidate and judged is not None:
        policy = found.served.signal_policy(judged.policy)
        judged = judged._replace(decision=decide(policy, found.facts))
    return found, judged


def normalized(path: str) -> str:
    """``path`` with repeated slashes collapsed and dot segments resolved; a final slash kept."""
    segments: list[str] = []
    parts = path.split("/")
    for part in parts:
        if part == "..":
            if segments:
                segments.pop()
        elif part and part != ".":
            segments.append(part)
    trailing = "/" if parts[-1] in ("", ".", "..") and segments else ""
    return "/" + "/".join(segments) + trailing
