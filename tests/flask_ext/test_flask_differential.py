"""For any configuration, flask_ext lets a browser do nothing that flask-cors 6 would refuse.

Generated configurations (``app.config``, ``CORS(app)`` with resource rules,
``CORS(blueprint)``, ``@cross_origin``) are applied to the same app under both
libraries; generated ``fetch()`` calls are judged by the browser model
(``cors_wsgi.browser.run``: preflight, then the request, as the Fetch standard
checks them). Wherever flask_ext lets the call through, flask-cors must too,
and script must read no header it could not read under flask-cors.

The exceptions are those docs/flask.rst lists under "Where flask_ext allows
more", each excused below by a check as narrow as the documented case:

* the four CORS-safelisted request-header names are always allowed;
* a preflight for GET, HEAD or POST is granted whatever ``methods`` lists;
* a preflight to a path no route serves is answered by the rule that covers it;
* a request Flask redirects (strict or merged slashes) gets the rule of the target.

The other documented cases are left out of the generated configurations (the
subdomain and any-port patterns, ``methods="*"``, strict-slashes redirects,
lookalike paths a prefix regex matches by accident); each has its own test in
test_flask_migration.py.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import flask_cors
from flask import Blueprint, Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder, run_wsgi_app

import flask_ext
from cors_wsgi import ConfigError, browser

ADMIN = "https://admin.example.com"
BLOG = "https://blog.example.com"
ORIGINS = [ADMIN, ADMIN, ADMIN, BLOG, BLOG, "https://evil.example", "http://localhost:3000", "null"]
#: CORS-safelisted request-header names (Fetch), always allowed by the core.
SAFELISTED_NAMES = frozenset({"accept", "accept-language", "content-language", "content-type"})

origins = st.sampled_from(
    [
        "*",
        ADMIN,
        [ADMIN],
        [ADMIN, BLOG],
        r"https://.*\.example\.com",
        [re.compile(r"https://(admin|blog)\.example\.com")],
        ["http://localhost:3000", ADMIN],
    ]
)
layer = st.fixed_dictionaries(
    {},
    optional={
        "origins": origins,
        "supports_credentials": st.booleans(),
        "methods": st.sampled_from(
            [
                ["GET", "HEAD", "POST", "PUT"],
                "GET, HEAD, POST, DELETE",
                ["post", "get", "head"],
                ["PUT", "DELETE"],
            ]
        ),
        "allow_headers": st.sampled_from(["*", ["X-Token"], ["Content-Type", "X-Token"], "Authorization"]),
        "expose_headers": st.sampled_from([["X-Total"], "X-Total, X-Page", ["X-Page"]]),
        "max_age": st.sampled_from([None, 600]),
        "send_wildcard": st.booleans(),
        "allow_private_network": st.booleans(),
    },
)
resources = st.one_of(
    st.just(r"/*"),
    st.just([r"/api/*", "/public"]),
    st.builds(lambda a, b: {r"/api/*": a, r"/*": b}, layer, layer),
    st.builds(lambda a: {"/api/items": a}, layer),
    st.builds(lambda a, b: {re.compile(r"/pub.*"): a, r"/api/*": b}, layer, layer),
)
config = st.fixed_dictionaries(
    {},
    optional={
        "CORS_ORIGINS": origins,
        "CORS_SUPPORTS_CREDENTIALS": st.booleans(),
        "CORS_EXPOSE_HEADERS": st.just(["X-Config"]),
        "CORS_MAX_AGE": st.just(60),
        "CORS_ALLOW_HEADERS": st.sampled_from([["X-Token"], "*"]),
    },
)
setup = st.fixed_dictionaries(
    {
        "config": config,
        "app": st.one_of(
            st.none(), st.builds(lambda opts, res: {**opts, "resources": res}, layer, resources)
        ),
        "blueprint": st.one_of(st.none(), layer),
        "view": st.one_of(st.none(), layer),
    }
)
fetch = st.builds(
    browser.Request,
    origin=st.sampled_from(ORIGINS),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "patch"]),
    headers=st.sampled_from(
        [(), (("Content-Type", "application/json"),), (("X-Token", "1"),), (("Authorization", "Bearer x"),)]
    ),
    credentials=st.booleans(),
    private_network=st.booleans(),
)
#: Flask serves "//public" as "/public" and redirects "/api//items" to "/api/items".
paths = st.sampled_from(
    ["/api/items", "/public", "/bp/things", "/view", "/missing", "//public", "/api//items"]
)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def build(module: ModuleType, spec: dict[str, Any]) -> Flask:
    """The same app, set up with ``module`` (flask_cors or flask_ext)."""
    app = Flask(__name__)
    app.config.update(spec["config"])
    app.add_url_rule("/api/items", "items", lambda: "items", methods=METHODS)
    app.add_url_rule(
        "/public", "public", lambda: ("public", {"X-Total": "1", "X-Page": "2"}), methods=METHODS
    )

    def view() -> tuple[str, dict[str, str]]:
        return "view", {"X-Total": "1", "X-Config": "3"}

    decorated = module.cross_origin(**spec["view"])(view) if spec["view"] is not None else view
    app.add_url_rule("/view", "view", decorated, methods=METHODS)
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/things", "things", lambda: ("things", {"X-Page": "2"}), methods=METHODS)
    if spec["blueprint"] is not None:
        module.CORS(bp, **spec["blueprint"])
    app.register_blueprint(bp)
    if spec["app"] is not None:
        module.CORS(app, **spec["app"])
    return app


def judge(app: Flask, path: str, request: browser.Request) -> browser.Outcome:
    """What a browser does with ``request`` to ``path`` (sent as PATH_INFO exactly, ``//`` included)."""

    def transport(_url: object, method: str, headers: Any) -> browser.Response:
        environ = EnvironBuilder(path="/", method=method, headers=list(headers)).get_environ()
        environ["PATH_INFO"] = path
        _body, status, response_headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
        return browser.Response(int(status.split()[0]), tuple(response_headers.items()))

    return browser.run(request, transport)


def excused(request: browser.Request, ours: browser.Outcome, theirs: browser.Outcome) -> bool:
    """A documented case where flask_ext allows more than flask-cors (docs/flask.rst)."""
    problem = theirs.problem
    if problem is None or theirs.preflight is None:
        return False
    preflight = theirs.preflight.response
    if problem.code == browser.HEADER_NOT_LISTED:
        unsafe = set(browser.unsafe_request_header_names(request.headers))
        if unsafe <= SAFELISTED_NAMES:
            return True  # the safelisted names are always allowed
        if (
            request.method in browser.SAFELISTED_METHODS
            and browser.get_header(preflight.headers, "Access-Control-Allow-Methods") is None
        ):
            return True  # flask-cors grants nothing for a GET, HEAD or POST its methods leave out
    actual = ours.actual
    if actual is not None and 300 <= actual.response.status < 400:
        return True  # a redirect is answered with the rule of its target
    return problem.code == browser.PREFLIGHT_STATUS and actual is not None and actual.response.status == 404


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=setup, calls=st.lists(st.tuples(paths, fetch), min_size=1, max_size=6))
def test_flask_ext_never_lets_a_browser_do_what_flask_cors_refuses(
    spec: dict[str, Any], calls: list[tuple[str, browser.Request]]
) -> None:
    try:
        ours_app = build(flask_ext, spec)
    except ConfigError:
        event("flask_ext refuses the configuration")
        return  # refused at start-up: flask_ext allows nothing at all
    try:
        theirs_app = build(flask_cors, spec)
    except ValueError:
        return  # flask-cors refuses the top-level options ('*' with credentials) that every rule overrides
    for path, request in calls:
        try:
            ours = judge(ours_app, path, request)
        except ConfigError:
            return  # app.config, read at the first request, makes a rule unsafe: every request fails
        event(f"flask_ext {'allows' if ours.allowed else 'refuses'} the call")
        if not ours.allowed:
            continue
        theirs = judge(theirs_app, path, request)
        if excused(request, ours, theirs):
            event("a documented exception")
            continue
        assert theirs.allowed, (path, request, theirs.problem)
        assert set(ours.readable_headers) <= set(theirs.readable_headers), (path, request)
