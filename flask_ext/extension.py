"""``CORS`` and ``cross_origin``: flask-cors's interface in front of one ``CORSMiddleware``.

Each app gets one :class:`cors_wsgi.CORSMiddleware` around ``app.wsgi_app``.
Its resolver picks the request's policy from tables built once, at the first
request (when Flask forbids further routes): the decorated view or the
blueprint of the matched endpoint, else the app's resource rules by path. So
preflights are answered before any ``before_request`` hook or strict-slashes
redirect, and every response Flask produces, errors included, passes through
the core on its way out.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import update_wrapper
from typing import Any, NamedTuple, TypeVar, Union, cast
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, Request, current_app, make_response, request, request_started
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, RequestRedirect
from werkzeug.routing import Rule as URLRule
from werkzeug.wrappers import Response

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.middleware import Environ, StartResponse, WSGIApp
from cors_wsgi.resources import PathPattern, PathRouter
from cors_wsgi.tokens import MAX_METHOD_LENGTH, is_token
from cors_wsgi.vary import merge_headers

from .options import (
    APP_OPTIONS,
    DEFAULTS,
    VIEW_OPTIONS,
    Rule,
    build_policy,
    check_names,
    config_options,
    resource_rules,
)

F = TypeVar("F", bound=Callable[..., Any])
Entry = Union[CORSPolicy, PathRouter[CORSPolicy]]
Resolved = tuple[Union[CORSPolicy, None], bool]
"""A policy (None: pass through) and whether it may be memoized."""

#: Attribute a decorated view carries: its ``cross_origin`` options.
VIEW_ATTRIBUTE = "_flask_ext_cors_options"
#: ``app.extensions`` key of the per-app state.
EXTENSION_KEY = "flask_ext.cors"
#: Environ key set by the resolver, so a decorated view knows the core handles it.
_HANDLED = "flask_ext.cors.handled"
#: Environ key set when the resolver passes a preflight through to Flask.
_PASSED_THROUGH = "flask_ext.cors.passed_through"
#: Environ key of the resolver's routing of the request, which Flask's dispatch reuses.
_ROUTED = "flask_ext.cors.routed"
#: Bound on the per-app memo of resolved (host, path, method) triples.
CACHE_SIZE = 4096
#: Longest Host and PATH_INFO that go into the memo; longer requests are resolved uncached.
#: With CACHE_SIZE entries the memo holds at most a few MiB, whatever requests arrive.
MAX_KEY_HOST = 300
MAX_KEY_PATH = 1024
#: Preflights are answered like Flask's automatic OPTIONS response, with 200.
PREFLIGHT_STATUS = 200
#: What a path gets when its spellings, routed to one place, select different rules: no origin.
NO_GRANT = CORSPolicy()
#: The environ values Flask's routing reads; the resolver's routing is reused only if they are unchanged.
_ROUTING_KEYS = (
    "PATH_INFO",
    "SCRIPT_NAME",
    "REQUEST_METHOD",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "QUERY_STRING",
)
_SLASHES = re.compile("/{2,}")


class CORS:
    """flask-cors's ``CORS``: ``CORS(app)``, ``CORS(blueprint)`` or ``CORS()`` + ``init_app``."""

    def __init__(self, app: Flask | Blueprint | None = None, **options: Any) -> None:
        check_names(options, APP_OPTIONS, "CORS")
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        """Validate the options now; blueprints take effect when registered on an app."""
        check_names(options, APP_OPTIONS, "init_app")
        merged = {**self._options, **options}
        if isinstance(app, Blueprint):
            blueprint_entry(app.name, merged)  # fail here, not at registration
            app.record(
                lambda state: _state(cast(Flask, state.app)).add_blueprint(_blueprint_name(state), merged)
            )
        else:
            _state(app).add_app(merged)


def cross_origin(**options: Any) -> Callable[[F], F]:
    """flask-cors's view decorator, for sync and ``async def`` views.

    The options are layered over flask-cors's defaults and ``app.config`` at
    the first request; preflights to the view are answered by the core before
    Flask dispatches them.
    """
    check_names(options, VIEW_OPTIONS, "cross_origin")
    request_started.connect(_install_for_decorated_views)

    def decorator(view: F) -> F:
        rule = _view_rule(view.__name__)
        build_policy({**DEFAULTS, **options}, rule)  # fail at import time, not at the first request

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            automatic = options.get("automatic_options", current_app.config.get("CORS_AUTOMATIC_OPTIONS"))
            if request.method == "OPTIONS" and automatic is not False:
                response: Any = current_app.make_default_options_response()
            else:
                response = current_app.ensure_sync(view)(*args, **kwargs)
            if request.environ.get(_HANDLED):
                return response
            app: Flask = cast(Any, current_app)._get_current_object()
            return _state(app).serve_unwrapped(wrapper, response)

        update_wrapper(wrapper, view)
        setattr(wrapper, VIEW_ATTRIBUTE, options)
        if options.get("automatic_options", True):
            # As flask-cors: a plain OPTIONS request reaches the wrapper, which answers it.
            methods = set(getattr(view, "required_methods", ()))
            wrapper.required_methods = methods | {"OPTIONS"}  # type: ignore[attr-defined]
            wrapper.provide_automatic_options = False  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def blueprint_entry(name: str, options: Mapping[str, Any]) -> Entry:
    """A blueprint's policy, or its path rules: flask-cors's defaults and its own options only.

    flask-cors looks for ``CORS_*`` keys on the blueprint, which has no
    config, and never sees ``CORS(app)``'s options: inheriting either here
    would grant what flask-cors refuses (credentials, exposed headers).
    """
    merged = {**DEFAULTS, **options}
    rules = resource_rules(merged.pop("resources"), f"blueprint {name!r}", "blueprint")
    if len(rules) == 1 and rules[0][0] in ("/*", "*") and not rules[0][1]:
        return build_policy(merged, rules[0][2])
    return PathRouter(
        (pattern, build_policy({**merged, **overrides}, rule)) for pattern, overrides, rule in rules
    )


def _view_rule(name: str) -> Rule:
    return Rule(f"@cross_origin on {name!r}", "@cross_origin(...)")


def _install_for_decorated_views(app: Flask, **extra: Any) -> None:
    """At an app's first request, install the middleware if any view is decorated.

    Sent before the ``before_request`` hooks, so even when a hook refuses the
    first request, later preflights are answered by the core. Apps set up with
    ``CORS(...)`` have the middleware from the start.
    """
    if EXTENSION_KEY in app.extensions:
        return
    if any(hasattr(view, VIEW_ATTRIBUTE) for view in app.view_functions.values()):
        _state(app)
    else:
        app.extensions[EXTENSION_KEY] = None  # checked once: routes are final after the first request


def _blueprint_name(state: BlueprintSetupState) -> str:
    """The name Flask prefixes the blueprint's endpoints with (nested and renamed included)."""
    return f"{state.name_prefix}.{state.name}".lstrip(".")


def _state(app: Flask) -> _AppState:
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = app.extensions[EXTENSION_KEY] = _AppState(app)
    return state


class _Route(NamedTuple):
    """Where Flask's URL map sends a request."""

    endpoint: str | None
    rule: URLRule | None
    """The URL rule that serves it (the redirect target's, after a redirect); None: 404 or 405."""
    redirect: str | None
    """The path Flask redirects to (strict or merged slashes), else None."""


_NOWHERE = _Route(None, None, None)


class _Lookup:
    """One request's path and routing, each computed at most once.

    The routing of the request itself is left in the environ for Flask's
    dispatch, which then does not route again: URL converters run once per
    request, and one that raises does so inside Flask, where error handlers,
    ``got_request_exception`` and the CORS headers see it.
    """

    __slots__ = ("cacheable", "environ", "method", "path", "request", "routes", "state")

    def __init__(self, state: _AppState, environ: Environ) -> None:
        self.state = state
        self.environ = environ
        self.request: Request = state.app.request_class(environ)
        self.path = self.request.path  # Werkzeug's: decoded, leading slashes collapsed, as Flask routes
        self.method = _routing_method(environ)
        self.cacheable = True
        self.routes: dict[str | None, _Route] = {}

    def route(self, path: str | None = None) -> _Route:
        """Where Flask sends ``path`` (None: the request's own path) for the routed method."""
        found = self.routes.get(path)
        if found is None:
            found = self.routes[path] = self._route(path)
        return found

    def _route(self, path: str | None) -> _Route:
        try:
            adapter = self.state.flask_url_adapter(self.request)
        except HTTPException:
            return _NOWHERE
        if adapter is None:
            return _NOWHERE
        try:
            rule, values = adapter.match(path, method=self.method, return_rule=True)
        except RequestRedirect as redirect:
            self._hand_to_flask(path, redirect)
            return self._redirect(adapter, redirect)
        except HTTPException as error:
            self._hand_to_flask(path, error)
            return _NOWHERE
        except Exception as error:
            # Flask raises it again in its own dispatch; this answer must not be memoized.
            self._hand_to_flask(path, error)
            self.cacheable = False
            return _NOWHERE
        self._hand_to_flask(path, (rule, values))
        return _Route(rule.endpoint, rule, None)

    def _redirect(self, adapter: MapAdapter, redirect: RequestRedirect) -> _Route:
        """A strict-slashes or merged-slashes redirect: the target's route."""
        script = adapter.script_name.rstrip("/")
        target = unquote(urlsplit(redirect.new_url).path[len(script) :])
        try:
            rule = adapter.match(target, method=self.method, return_rule=True)[0]
        except HTTPException:
            return _Route(None, None, target)
        except Exception:
            self.cacheable = False
            return _Route(None, None, target)
        return _Route(rule.endpoint, rule, target)

    def _hand_to_flask(self, path: str | None, result: object) -> None:
        if path is None and self.method == self.environ.get("REQUEST_METHOD"):
            self.environ[_ROUTED] = (_routing_snapshot(self.environ), result)
            self.state.share_routing()


class _AppState:
    """One app's CORS configuration and the middleware that applies it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.app_options: dict[str, Any] | None = None
        self.app_rules: list[tuple[PathPattern, CORSPolicy]] = []
        self.blueprints: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._resolve: Callable[[Environ], CORSPolicy | None] | None = None
        # The core answers preflights itself; only those it passes through reach the Vary wrapper.
        # Bound methods, not the objects: Flask and the middleware then call them as plain
        # functions, and each layer costs a request about 800 instructions less.
        self.wsgi_app = app.wsgi_app
        self.passing_through = _PassThroughVary(app.wsgi_app).__call__
        self.middleware = CORSMiddleware(
            self.passing_through, resolver=self._build_and_resolve, preflight_status=PREFLIGHT_STATUS
        )
        app.wsgi_app = self.middleware.__call__  # type: ignore[method-assign]
        self.flask_url_adapter = app.create_url_adapter

    def add_app(self, options: Mapping[str, Any]) -> None:
        """``CORS(app)``: its rules add to those of earlier calls; a pattern listed twice is an error."""
        base = {**DEFAULTS, **config_options(self.app.config), **options}
        rules = resource_rules(base["resources"])
        added = [(pattern, build_policy({**base, **overrides}, rule)) for pattern, overrides, rule in rules]
        PathRouter(self.app_rules + added)  # a duplicate or shadowed rule fails here, changing nothing
        self.app_rules += added
        self.app_options = {k: v for k, v in options.items() if k != "resources"}
        self._rebuild()

    def add_blueprint(self, name: str, options: Mapping[str, Any]) -> None:
        self.blueprints[name] = dict(options)
        blueprint_entry(name, options)  # validate now, under the registered name
        self._rebuild()

    def _rebuild(self) -> None:
        """Build the tables again at the next request (they depend on every registration)."""
        with self._lock:
            self._resolve = None
            # The Vary wrapper first: the resolver may pass preflights through from now on.
            self.middleware.app = self.passing_through
            self.middleware.reconfigure(resolver=self._build_and_resolve)

    def _view_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """A decorated view's options: defaults, ``app.config`` and the decorator's, as in flask-cors."""
        return {**DEFAULTS, **config_options(self.app.config), **options}

    def _endpoints(self) -> dict[str, Entry]:
        """endpoint -> policy (decorated views) or a blueprint's policy or path rules."""
        blueprints = {name: blueprint_entry(name, opts) for name, opts in self.blueprints.items()}
        table: dict[str, Entry] = {}
        for endpoint, view in self.app.view_functions.items():
            name = endpoint.rpartition(".")[0]
            while name and name not in self.blueprints:
                name = name.rpartition(".")[0]
            decorated = getattr(view, VIEW_ATTRIBUTE, None)
            if decorated is not None:
                table[endpoint] = build_policy(self._view_options(decorated), _view_rule(endpoint))
            elif name:
                table[endpoint] = blueprints[name]
        return table

    def _build_and_resolve(self, environ: Environ) -> CORSPolicy | None:
        """The first request's resolver: build the tables, install the real resolver, use it."""
        with self._lock:
            resolve = self._resolve
            if resolve is None:
                found = self._resolver()
                if isinstance(found, CORSPolicy):
                    # One policy for every path: no resolver, so no preflight is passed through
                    # and the Vary wrapper can go too (each costs a request a few hundred
                    # instructions). Requests in flight still call this function meanwhile.
                    self.middleware.reconfigure(policy=found, resolver=None)
                    self.middleware.app = self.wsgi_app
                    resolve = self._resolve = lambda environ: found
                else:
                    self.middleware.reconfigure(resolver=found)
                    resolve = self._resolve = found
        return resolve(environ)

    def _resolver(self) -> CORSPolicy | Callable[[Environ], CORSPolicy | None]:
        """The policy of every request (``CORS(app)`` alone), or the resolver choosing one."""
        router = PathRouter(self.app_rules) if self.app_rules else None
        endpoints = self._endpoints()
        if not endpoints and len(self.app_rules) == 1 and self.app_rules[0][0] in ("/*", "*"):
            return self.app_rules[0][1]

        def resolve(environ: Environ) -> Resolved:
            lookup = _Lookup(self, environ)
            entry: Entry | None = None
            if endpoints:
                endpoint = lookup.route().endpoint
                entry = endpoints.get(endpoint) if endpoint is not None else None
            if isinstance(entry, PathRouter):
                entry = _by_path(entry, lookup)
            if entry is None and router is not None:
                entry = _by_path(router, lookup)
            return entry, lookup.cacheable

        cached = _cached(resolve)

        def mark_and_resolve(environ: Environ) -> CORSPolicy | None:
            environ[_HANDLED] = True
            policy = cached(environ)
            if policy is None and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
                environ[_PASSED_THROUGH] = True  # a preflight (if OPTIONS with an Origin) Flask answers
            return policy

        return mark_and_resolve

    def share_routing(self) -> None:
        """From the first request the resolver routes on, Flask's dispatch reuses its routing.

        Installed only then, so that apps whose policy never needs routing pay nothing for it.
        """
        if self.app.create_url_adapter != self._create_url_adapter:
            self.app.create_url_adapter = self._create_url_adapter  # type: ignore[method-assign]

    def _create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Flask's URL adapter; for the request the resolver routed, its ``match`` replays that routing."""
        adapter = self.flask_url_adapter(request)
        if request is not None and adapter is not None:
            routed = request.environ.pop(_ROUTED, None)
            if routed is not None and routed[0] == _routing_snapshot(request.environ):
                adapter.match = _replay(adapter.match, routed[1])  # type: ignore[method-assign]
        return adapter

    def serve_unwrapped(self, view: Callable[..., Any], response: Any) -> Response:
        """A decorated view's response when the app had no middleware yet (only ``@cross_origin``).

        The middleware now installed serves later requests; this one goes
        through a middleware of its own with the view's policy.
        """
        options = self._view_options(getattr(view, VIEW_ATTRIBUTE))
        policy = build_policy(options, _view_rule(view.__name__))
        flask_response = make_response(response)
        middleware = CORSMiddleware(flask_response, policy=policy, preflight_status=PREFLIGHT_STATUS)
        return Response.from_app(middleware, request.environ)


def _by_path(router: PathRouter[CORSPolicy], lookup: _Lookup, path: str | None = None) -> CORSPolicy | None:
    """The rule for the path as Flask routes it, never a looser one for another spelling of a view.

    Werkzeug serves ``/x/`` from a ``strict_slashes=False`` route ``/x`` (and
    the reverse), and redirects ``/a//b`` to ``/a/b`` and ``/x`` to a route
    ``/x/``. When the rules agree on the merged and slash-toggled spellings, the
    answer is theirs without routing. Otherwise Flask's routing decides: a
    redirect takes the rule of its target, a 404 or 405 that of the path as
    written (as flask-cors), a view the rule of its own spelling, and any
    other spelling that reaches the view gets no grant (fail closed).
    """
    own = path is None
    written = lookup.path if path is None else path
    policy = router.match(written, NO_GRANT)
    merged = _SLASHES.sub("/", written)
    toggled = merged[:-1] if merged.endswith("/") else merged + "/"
    merges_alike = merged == written or router.match(merged, NO_GRANT) is policy
    if merges_alike and (merged == "/" or router.match(toggled, NO_GRANT) is policy):
        return policy
    found = lookup.route(None if own else written)
    if found.redirect is not None:
        return _by_path(router, lookup, found.redirect) if own else NO_GRANT
    if found.rule is None:
        return policy
    canonical = merges_alike and (
        found.rule.strict_slashes or found.rule.rule.endswith("/") == merged.endswith("/")
    )
    return policy if canonical else NO_GRANT


class _PassThroughVary:
    """Flask's own answer to a preflight the resolver passed through still varies on the request.

    The resolver routes a preflight by its Access-Control-Request-Method, so
    whether the core answers it depends on that header: a shared cache must
    not reuse the answer for another origin, method or header list.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        app = self.app  # read, then called: see CORSMiddleware.__call__
        if not environ.get(_PASSED_THROUGH):
            return app(environ, start_response)

        def varying(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(
                status, merge_headers(headers, NO_GRANT.preflight_refusal_headers), exc_info
            )

        return app(environ, varying)


def _replay(match: Callable[..., Any], result: object) -> Callable[..., Any]:
    """``match`` whose first call as Flask makes it (``match(return_rule=True)``) returns ``result``."""
    pending = [result]

    def replayed(*args: Any, **kwargs: Any) -> Any:
        if args or kwargs != {"return_rule": True} or not pending:
            return match(*args, **kwargs)
        outcome = pending.pop()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return replayed


def _routing_snapshot(environ: Environ) -> tuple[object, ...]:
    return tuple(environ.get(key) for key in _ROUTING_KEYS)


def _is_method(value: str) -> bool:
    return len(value) <= MAX_METHOD_LENGTH and is_token(value)


def _routing_method(environ: Environ) -> str:
    """A preflight is routed as the request it announces, so it finds that request's view.

    An invalid Access-Control-Request-Method (not a token, or too long) is
    refused by the core whatever the route; it is routed as plain OPTIONS.
    """
    method: str = environ.get("REQUEST_METHOD", "GET")
    if method == "OPTIONS" and environ.get("HTTP_ORIGIN") is not None:
        requested: str | None = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if requested and _is_method(requested):
            return requested
    return method


def _route_key(environ: Environ) -> tuple[str | None, str, str] | None:
    """The memo key, or None when a part is too long (or the method invalid) to be kept."""
    host: str | None = environ.get("HTTP_HOST")
    path: str = environ.get("PATH_INFO", "")
    request_method: str = environ.get("REQUEST_METHOD", "GET")
    method = _routing_method(environ) if request_method == "OPTIONS" else request_method
    if len(path) > MAX_KEY_PATH or (host is not None and len(host) > MAX_KEY_HOST):
        return None
    if method is request_method and not _is_method(method):  # a requested method is checked already
        return None
    return (host, path, method)


def _cached(resolve: Callable[[Environ], Resolved]) -> Callable[[Environ], CORSPolicy | None]:
    """``resolve`` behind a bounded memo: repeated routes cost one dict lookup.

    Finding the endpoint through Flask's URL adapter costs about a third of a
    Flask request, and regex resource rules are tried one by one, so the
    answer is memoized. It is a pure function of the key (the routes are
    final after the first request). Keys are bounded in length and count (the
    memo is cleared when full), so no request can make it hold more than a
    few MiB; a longer request is resolved without it, as is one whose routing
    raised.
    """
    cache: dict[object, CORSPolicy | None] = {}

    def cached(environ: Environ) -> CORSPolicy | None:
        key = _route_key(environ)
        if key is None:
            return resolve(environ)[0]
        try:
            return cache[key]
        except KeyError:
            pass
        policy, cacheable = resolve(environ)
        if cacheable:
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            cache[key] = policy
        return policy

    return cached
