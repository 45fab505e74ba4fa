"""The applications compared and the requests sent to them.

Every CORS variant gets the same policy: one allowed origin (or a list of
them), methods GET/POST/PUT, headers Content-Type and X-Requested-With, and
a max age of 600 s. The bare application (or plain Flask) is the baseline
whose cost is subtracted to get what each CORS layer adds.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
from collections.abc import Callable, Iterable
from types import MethodType
from typing import Any

from cors_wsgi.middleware import ORDINARY_HEADER_NAMES

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

ALLOWED_ORIGIN = "https://app.example.com"
REFUSED_ORIGIN = "https://evil.example.net"
METHODS = ("GET", "POST", "PUT")
HEADERS = ("Content-Type", "X-Requested-With")
MAX_AGE = 600
PATH = "/api/items"

WSGI_VARIANTS = ("bare", "pass_floor", "vary_fn_floor", "vary_floor", "core", "wsgicors")
#: The least any middleware sending ``Vary: Origin`` on every response adds (see VaryFloor).
FLOOR = "vary_floor"
#: Reference middlewares that are not CORS layers, least first: a function passing the request
#: through, a function adding Vary: Origin, and the same as a class instance (as CORSMiddleware is).
FLOORS = ("pass_floor", "vary_fn_floor", FLOOR)
FLASK_VARIANTS = ("plain", "flask_ext", "flask_cors")
BASELINES = {"wsgi": "bare", "flask": "plain"}
PEERS = {"core": "wsgicors", "flask_ext": "flask_cors"}

#: The module each variant needs, for a clear message when it is missing.
_REQUIRES = {
    "wsgicors": ("wsgicors", "pip install -e '.[bench]'"),
    "plain": ("flask", "pip install -e '.[bench]'"),
    "flask_cors": ("flask_cors", "pip install -e '.[bench]'"),
    "flask_ext": ("flask", "pip install -e '.[bench]'"),
}


@dataclasses.dataclass(frozen=True)
class AppSpec:
    """One application to build: a variant and the size of its configuration."""

    variant: str
    origins: int = 1
    """Exact origins listed; the allowed one is always the last."""
    subdomains: int = 0
    """``https://*.tenantN.example.com`` patterns instead of exact origins."""
    resources: int = 0
    """Flask resource patterns ``/api/tN/*``; 0 means the extension's default (everything)."""

    @property
    def stack(self) -> str:
        return "wsgi" if self.variant in WSGI_VARIANTS else "flask"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> AppSpec:
        return cls(**json.loads(text))


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One kind of request: its method and CORS request headers."""

    name: str
    method: str = "GET"
    origin: str | None = ALLOWED_ORIGIN
    request_method: str | None = None
    request_headers: str | None = None
    subdomains: int = 0
    """The policy lists this many subdomain patterns instead of one exact origin (WSGI only)."""
    origins: int = 1
    """The policy lists this many exact origins, the allowed one last (WSGI only)."""
    distinct: bool = False
    """Every request sends a new Origin, as a flood does: nothing a layer remembers helps."""


SCENARIOS = {
    "allowed": Scenario("allowed"),
    "preflight": Scenario("preflight", "OPTIONS", request_method="PUT", request_headers="content-type"),
    "preflight_acrh2": Scenario(
        "preflight_acrh2", "OPTIONS", request_method="PUT", request_headers="content-type,x-requested-with"
    ),
    "preflight_no_acrh": Scenario("preflight_no_acrh", "OPTIONS", request_method="PUT"),
    "refused": Scenario("refused", origin=REFUSED_ORIGIN),
    "no_origin": Scenario("no_origin", origin=None),
    "pattern_allowed": Scenario("pattern_allowed", subdomains=3),
    "pattern_refused": Scenario("pattern_refused", origin=REFUSED_ORIGIN, subdomains=3),
    "exact_10000": Scenario("exact_10000", origins=10_000),
    "refused_flood": Scenario("refused_flood", origin=REFUSED_ORIGIN, distinct=True),
}


def missing(variant: str) -> str | None:
    """Why ``variant`` cannot run here, or None when it can."""
    if variant == "flask_ext" and not flask_ext_ready():
        return "flask_ext does not export CORS yet"
    module, fix = _REQUIRES.get(variant, ("", ""))
    if module and importlib.util.find_spec(module) is None:
        return f"{module} is not installed ({fix})"
    return None


def flask_ext_ready() -> bool:
    """True once the Flask extension exports ``CORS``."""
    if importlib.util.find_spec("flask") is None:
        return False
    import flask_ext

    return hasattr(flask_ext, "CORS")


def allowed_origins(spec: AppSpec) -> list[str]:
    """The configured origin list; the request's allowed origin is the last entry."""
    if spec.subdomains:
        return [f"https://*.tenant{i}.example.com" for i in range(spec.subdomains)]
    return [f"https://app{i}.example.com" for i in range(spec.origins - 1)] + [ALLOWED_ORIGIN]


def request_origin(spec: AppSpec, scenario: Scenario) -> str | None:
    """The Origin sent: the last allowed one when the scenario is an allowed one."""
    if scenario.origin == ALLOWED_ORIGIN and spec.subdomains:
        return f"https://app.tenant{spec.subdomains - 1}.example.com"
    return scenario.origin


def request_path(spec: AppSpec) -> str:
    """The path requested: under the last resource pattern when there are several."""
    return f"/api/t{spec.resources - 1}/items" if spec.resources else PATH


def bare_app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """The baseline: the cheapest well-behaved WSGI application."""
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "2")])
    return [b"ok"]


def pass_floor(app: WSGIApp) -> WSGIApp:
    """The least any middleware adds: a function that calls the app with what it got."""

    def passthrough(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return app(environ, start_response)

    return passthrough


def vary_fn_floor(app: WSGIApp) -> WSGIApp:
    """VaryFloor as a plain function: a class instance's call costs ~800 instructions more."""

    def vary(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return app(environ, MethodType(_floor_start_response, start_response))

    return vary


class VaryFloor:
    """The least a middleware can do and still send ``Vary: Origin`` on every response.

    The core must add ``Vary: Origin`` even to requests without an Origin and
    to refused ones, merged into the app's own Vary. This middleware does only
    that: it reads no request header, decides nothing and always appends the
    header, wrapping ``start_response`` the cheapest way measured (a bound
    method) and scanning the app's header names as the core does. Its added
    cost is a floor under the core's no-Origin and refused requests; wsgicors
    passes ``start_response`` through untouched there and sends no Vary.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return self.app(environ, MethodType(_floor_start_response, start_response))


def _floor_start_response(
    start_response: StartResponse, status: str, headers: list[tuple[str, str]], exc_info: object = None
) -> Callable[[bytes], object]:
    for name, _ in headers:
        if name not in ORDINARY_HEADER_NAMES and name[0] in "vVaA":
            break  # a real middleware would merge here; the bare app sends no such header
    return start_response(status, [*headers, ("Vary", "Origin")], exc_info)


def build(spec: AppSpec) -> WSGIApp:
    """The WSGI callable for ``spec``; raises RuntimeError when a package is missing."""
    reason = missing(spec.variant)
    if reason is not None:
        raise RuntimeError(f"{spec.variant}: {reason}")
    origins = allowed_origins(spec)
    if spec.variant == "bare":
        return bare_app
    if spec.variant == FLOOR:
        return VaryFloor(bare_app)
    if spec.variant == "pass_floor":
        return pass_floor(bare_app)
    if spec.variant == "vary_fn_floor":
        return vary_fn_floor(bare_app)
    if spec.variant == "core":
        from cors_wsgi import CORSMiddleware

        return CORSMiddleware(
            bare_app, allow_origins=origins, allow_methods=METHODS, allow_headers=HEADERS, max_age=MAX_AGE
        )
    if spec.variant == "wsgicors":
        from wsgicors import CORS  # type: ignore[import-untyped]

        # wsgicors takes space-separated fnmatch patterns and comma-separated lists.
        wrapped: WSGIApp = CORS(
            bare_app,
            origin=" ".join(origins),
            methods=", ".join(METHODS),
            headers=", ".join(HEADERS),
            maxage=str(MAX_AGE),
        )
        return wrapped
    return _flask_app(spec, origins)


def _flask_app(spec: AppSpec, origins: list[str]) -> WSGIApp:
    from flask import Flask

    app = Flask(f"bench_{spec.variant}")

    @app.route(PATH, methods=list(METHODS))
    def items() -> str:
        return "ok"

    @app.route("/api/<tenant>/items", methods=list(METHODS))
    def tenant_items(tenant: str) -> str:
        return "ok"

    if spec.variant == "plain":
        return app
    options: dict[str, Any] = {
        "origins": origins,
        "methods": list(METHODS),
        "allow_headers": list(HEADERS),
        "max_age": MAX_AGE,
    }
    if spec.resources:
        options["resources"] = {f"/api/t{i}/*": {} for i in range(spec.resources)}
    if spec.variant == "flask_cors":
        from flask_cors import CORS as FlaskCORS

        FlaskCORS(app, **options)
    else:
        import flask_ext

        flask_ext.CORS(app, **options)
    return app


def environ(spec: AppSpec, scenario: Scenario) -> Environ:
    """A complete WSGI environ for one request; copy it before each call."""
    env: Environ = {
        "REQUEST_METHOD": scenario.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": request_path(spec),
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "api.example.com",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    origin = request_origin(spec, scenario)
    if origin is not None:
        env["HTTP_ORIGIN"] = origin
    if scenario.request_method is not None:
        env["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = scenario.request_method
    if scenario.request_headers is not None:
        env["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = scenario.request_headers
    return env


def _write(data: bytes) -> None:
    """The legacy write() callable; no app here uses it."""


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: object = None
) -> Callable[[bytes], None]:
    return _write


#: The environ's strings a server decodes afresh for every request, besides the HTTP_ headers.
_REQUEST_LINE = frozenset({"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING"})


def run(app: WSGIApp, base: Environ, count: int, distinct: bool = False) -> None:
    """Send ``count`` requests like ``base``, consuming and closing each body like a server.

    Each request gets fresh string objects, decoded from bytes as a server
    does: a string reused across requests caches its hash, which would hide
    the cost of hashing a hostile megabyte. ``distinct`` gives every request
    a new subdomain in its Origin.
    """
    start_response = _start_response
    raw = {k: v.encode("latin-1") for k, v in base.items() if k in _REQUEST_LINE or k.startswith("HTTP_")}
    scheme, _, host = base.get("HTTP_ORIGIN", "").partition("://")
    for i in range(count):
        env = base.copy()
        for key, value in raw.items():
            env[key] = value.decode("latin-1")
        if distinct:
            env["HTTP_ORIGIN"] = f"{scheme}://r{i}.{host}"
        _drain(app(env, start_response))


def _drain(body: Iterable[bytes]) -> None:
    """Consume and close a response body, as a WSGI server does."""
    for _chunk in body:
        pass
    close = getattr(body, "close", None)
    if close is not None:
        close()


def probe(app: WSGIApp, base: Environ) -> tuple[str, list[tuple[str, str]]]:
    """Status and headers of one response: shows that the variants answer alike."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], None]:
        seen.append((status, list(headers)))
        return _write

    _drain(app(base.copy(), start_response))
    return seen[-1]
