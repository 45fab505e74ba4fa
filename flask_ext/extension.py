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

import threading
from collections.abc import Callable, Mapping
from functools import update_wrapper
from typing import Any, TypeVar, Union, cast
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, current_app, make_response, request, request_started
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.middleware import Environ
from cors_wsgi.resources import PathPattern, PathRouter

from .options import (
    APP_OPTIONS,
    DEFAULTS,
    VIEW_OPTIONS,
    build_policy,
    check_names,
    config_options,
    resource_rules,
)

F = TypeVar("F", bound=Callable[..., Any])
Entry = Union[CORSPolicy, PathRouter[CORSPolicy]]

#: Attribute a decorated view carries: its ``cross_origin`` options.
VIEW_ATTRIBUTE = "_flask_ext_cors_options"
#: ``app.extensions`` key of the per-app state.
EXTENSION_KEY = "flask_ext.cors"
#: Environ key set by the resolver, so a decorated view knows the core handles it.
_HANDLED = "flask_ext.cors.handled"
#: Bound on the per-app cache of resolved (host, path, method) triples.
CACHE_SIZE = 4096
#: Preflights are answered like Flask's automatic OPTIONS response, with 200.
PREFLIGHT_STATUS = 200


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
            app.record(
                lambda state: _state(cast(Flask, state.app)).add_blueprint(_blueprint_name(state), merged)
            )
        else:
            _state(app).add_app(merged)


def cross_origin(**options: Any) -> Callable[[F], F]:
    """flask-cors's view decorator, for sync and ``async def`` views.

    The options are layered over the app's at the first request; preflights
    to the view are answered by the core before Flask dispatches them.
    """
    check_names(options, VIEW_OPTIONS, "cross_origin")
    build_policy({**DEFAULTS, **options})  # fail at import time, not at the first request
    request_started.connect(_install_for_decorated_views)

    def decorator(view: F) -> F:
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


class _AppState:
    """One app's CORS configuration and the middleware that applies it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.app_options: dict[str, Any] | None = None
        self.app_rules: list[tuple[PathPattern, CORSPolicy]] = []
        self.blueprints: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._resolve: Callable[[Environ], CORSPolicy | None] | None = None
        self.middleware = CORSMiddleware(
            app.wsgi_app, resolver=self._build_and_resolve, preflight_status=PREFLIGHT_STATUS
        )
        app.wsgi_app = self.middleware  # type: ignore[method-assign]

    def add_app(self, options: Mapping[str, Any]) -> None:
        """``CORS(app)``: its rules add to those of earlier calls; a pattern listed twice is an error."""
        base = {**DEFAULTS, **config_options(self.app.config), **options}
        rules = resource_rules(base["resources"])
        added = [(pattern, build_policy({**base, **overrides})) for pattern, overrides in rules]
        PathRouter(self.app_rules + added)  # a duplicate or shadowed rule fails here, changing nothing
        self.app_rules += added
        self.app_options = {k: v for k, v in options.items() if k != "resources"}
        self._rebuild()

    def add_blueprint(self, name: str, options: Mapping[str, Any]) -> None:
        self.blueprints[name] = dict(options)
        self._blueprint_entry(self._base(), options)  # validate now
        self._rebuild()

    def _rebuild(self) -> None:
        """Build the tables again at the next request (they depend on every registration)."""
        with self._lock:
            self._resolve = None
            self.middleware.reconfigure(resolver=self._build_and_resolve)

    def _base(self) -> dict[str, Any]:
        base = {**DEFAULTS, **config_options(self.app.config), **(self.app_options or {})}
        base.pop("resources")
        return base

    def _app_router(self) -> PathRouter[CORSPolicy] | None:
        if not self.app_rules:
            return None
        return PathRouter(self.app_rules)

    def _blueprint_entry(self, base: Mapping[str, Any], options: Mapping[str, Any]) -> Entry:
        merged = {**base, **options}
        rules = resource_rules(merged.pop("resources", DEFAULTS["resources"]))
        if len(rules) == 1 and rules[0][0] in ("/*", "*") and not rules[0][1]:
            return build_policy(merged)
        return PathRouter((pattern, build_policy({**merged, **overrides})) for pattern, overrides in rules)

    def _endpoints(self, base: Mapping[str, Any]) -> dict[str, Entry]:
        """endpoint -> policy (decorated views) or a blueprint's policy or path rules."""
        blueprints = {name: self._blueprint_entry(base, opts) for name, opts in self.blueprints.items()}
        table: dict[str, Entry] = {}
        for endpoint, view in self.app.view_functions.items():
            name = endpoint.rpartition(".")[0]
            while name and name not in self.blueprints:
                name = name.rpartition(".")[0]
            decorated = getattr(view, VIEW_ATTRIBUTE, None)
            if decorated is not None:
                layers = (base, self.blueprints.get(name, {}), decorated)
                merged = {k: v for layer in layers for k, v in layer.items() if k != "resources"}
                table[endpoint] = build_policy(merged)
            elif name:
                table[endpoint] = blueprints[name]
        return table

    def _build_and_resolve(self, environ: Environ) -> CORSPolicy | None:
        """The first request's resolver: build the tables, install the real resolver, use it."""
        with self._lock:
            resolve = self._resolve
            if resolve is None:
                resolve = self._resolve = self._resolver()
                self.middleware.reconfigure(resolver=resolve)
        return resolve(environ)

    def _resolver(self) -> Callable[[Environ], CORSPolicy | None]:
        router = self._app_router()
        endpoints = self._endpoints(self._base())
        if not endpoints:
            if router is None:
                return _pass_through
            if len(self.app_rules) == 1 and self.app_rules[0][0] in ("/*", "*"):
                only = self.app_rules[0][1]
                return lambda environ: only  # CORS(app): one policy, no lookup at all
            return _cached(lambda environ: router.match(environ.get("PATH_INFO", "")), _path_key)
        endpoint_of = self._endpoint

        def resolve(environ: Environ) -> CORSPolicy | None:
            entry = endpoints.get(endpoint_of(environ))  # type: ignore[arg-type]
            path = environ.get("PATH_INFO", "")
            if isinstance(entry, PathRouter):
                entry = entry.match(path)
            if entry is None and router is not None:
                return router.match(path)
            return entry

        cached = _cached(resolve, _route_key)

        def mark_and_resolve(environ: Environ) -> CORSPolicy | None:
            environ[_HANDLED] = True
            return cached(environ)

        return mark_and_resolve

    def _endpoint(self, environ: Environ) -> str | None:
        """The endpoint Flask will dispatch to, through Flask's own URL adapter."""
        method = _routing_method(environ)
        try:
            adapter = self.app.create_url_adapter(self.app.request_class(environ))
            if adapter is None:
                return None
            try:
                endpoint: str = adapter.match(method=method)[0]
            except RequestRedirect as redirect:
                # A strict-slashes redirect: the preflight gets the answer of the target route.
                target = urlsplit(redirect.new_url).path
                script = adapter.script_name.rstrip("/")
                endpoint = adapter.match(unquote(target[len(script) :]), method=method)[0]
        except HTTPException:
            return None
        return endpoint

    def serve_unwrapped(self, view: Callable[..., Any], response: Any) -> Response:
        """A decorated view's response when the app had no middleware yet (only ``@cross_origin``).

        The middleware now installed serves later requests; this one goes
        through a middleware of its own with the view's policy.
        """
        policy = build_policy({**self._base(), **getattr(view, VIEW_ATTRIBUTE)})
        flask_response = make_response(response)
        middleware = CORSMiddleware(flask_response, policy=policy, preflight_status=PREFLIGHT_STATUS)
        return Response.from_app(middleware, request.environ)


def _pass_through(environ: Environ) -> None:
    return None


def _routing_method(environ: Environ) -> str:
    """A preflight is routed as the request it announces, so it finds that request's view."""
    method: str = environ.get("REQUEST_METHOD", "GET")
    if method == "OPTIONS" and environ.get("HTTP_ORIGIN") is not None:
        return environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") or method
    return method


def _path_key(environ: Environ) -> object:
    return environ.get("PATH_INFO", "")


def _route_key(environ: Environ) -> object:
    return (environ.get("HTTP_HOST"), environ.get("PATH_INFO", ""), _routing_method(environ))


def _cached(
    resolve: Callable[[Environ], CORSPolicy | None], key_of: Callable[[Environ], object]
) -> Callable[[Environ], CORSPolicy | None]:
    """``resolve`` behind a bounded cache: repeated routes cost one dict lookup.

    Finding the endpoint through Flask's URL adapter costs about a third of a
    Flask request, and regex resource rules are tried one by one, so the
    answer is memoized. It is a pure function of the key
    (the routes are final after the first request), never holds request data
    beyond the key, and is cleared when full: sharing it cannot leak anything
    from one request into another's response.
    """
    cache: dict[object, CORSPolicy | None] = {}

    def cached(environ: Environ) -> CORSPolicy | None:
        key = key_of(environ)
        try:
            return cache[key]
        except KeyError:
            pass
        policy = resolve(environ)
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = policy
        return policy

    return cached
