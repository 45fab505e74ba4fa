"""Requests other than preflights take a shorter way than the middleware's: the same answers and logs.

Each app is served twice: by ``flask_ext.CORS`` and by a ``CORSMiddleware``
with the same policy around the same Flask app. Every request, sent twice
(the second finds the decision memoized), must get the same status, headers
and body, and log the same lines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Blueprint, Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from cors_wsgi import CORSMiddleware
from cors_wsgi.origins import MAX_ORIGIN_LENGTH
from flask_ext import CORS
from flask_ext.options import DEFAULTS, build_policy

ORIGIN = "https://app.example.com"
OPTIONS: dict[str, Any] = {"origins": [ORIGIN], "methods": ["GET", "PUT"], "expose_headers": ["X-Total"]}
LONG_PATH = "/api/" + "x" * 5000

#: (method, path, request headers): actual requests of every kind, and preflights.
REQUESTS = [
    ("GET", "/api/items", {"Origin": ORIGIN}),
    ("GET", "/api/items", {"Origin": "https://evil.example.net"}),
    ("GET", "/api/items", {}),
    ("GET", "/api/items", {"Origin": "null"}),
    ("GET", "/api/items", {"Origin": "not an origin"}),
    ("GET", "/api/items", {"Origin": "https://" + "a" * MAX_ORIGIN_LENGTH + ".example.com"}),
    ("PUT", "/api/items", {"Origin": ORIGIN}),
    ("OPTIONS", "/api/items", {"Origin": ORIGIN}),
    ("OPTIONS", "/api/items", {"Origin": ORIGIN, "Access-Control-Request-Method": ""}),
    ("GET", "/api/items", {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}),
    ("OPTIONS", "/api/items", {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}),
    ("OPTIONS", "/api/items", {"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}),
    ("GET", "/api/missing", {"Origin": ORIGIN}),
    ("GET", LONG_PATH, {"Origin": ORIGIN}),
    ("GET", LONG_PATH, {"Origin": "https://evil.example.net"}),
    ("GET", "/api/vary", {"Origin": ORIGIN}),
]

Answer = tuple[str, list[tuple[str, str]], bytes]


def flask_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/api/items", "items", lambda: "items", methods=["GET", "PUT", "DELETE"])
    app.add_url_rule("/api/vary", "vary", lambda: ("vary", {"Vary": "Accept-Encoding"}))
    app.add_url_rule("/api/<path:rest>", "rest", lambda rest: rest)
    return app


def core(app: Flask, **options: Any) -> Callable[..., Any]:
    """The same app behind a CORSMiddleware with flask_ext's policy for ``options``."""
    policy = build_policy({**DEFAULTS, **options})
    return CORSMiddleware(app.wsgi_app, policy=policy, preflight_status=200)


def serve(app: Callable[..., Any], method: str, path: str, headers: dict[str, str]) -> Answer:
    environ = EnvironBuilder(path="/", method=method, headers=headers).get_environ()
    environ["PATH_INFO"] = path
    body, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    return status, list(response_headers.items()), b"".join(body)


def answers_and_logs(app: Callable[..., Any], caplog: pytest.LogCaptureFixture) -> list[Any]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, "cors_wsgi"):
        answers = [serve(app, *request) for request in REQUESTS * 2]
    return [answers, [(r.levelno, r.getMessage()) for r in caplog.records]]


def test_default_resources_answer_as_the_middleware(caplog: pytest.LogCaptureFixture) -> None:
    ours = flask_app()
    CORS(ours, **OPTIONS)
    expected = answers_and_logs(core(flask_app(), **OPTIONS), caplog)
    assert answers_and_logs(ours.wsgi_app, caplog) == expected
    assert any(level == logging.DEBUG for level, _ in expected[1])  # refusals were logged


@pytest.mark.parametrize("resources", [r"/*", {r"/api/*": {}}, [r"/api/*", r"/other"], {r"/api/.*": {}}])
def test_resource_rules_covering_the_path_answer_as_the_default(
    resources: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A rule set covering every path requested selects the default's policy, by routing or not."""
    ours = flask_app()
    CORS(ours, resources=resources, **OPTIONS)
    expected = answers_and_logs(core(flask_app(), **OPTIONS), caplog)
    assert answers_and_logs(ours.wsgi_app, caplog) == expected


def cors_only(answer: Answer) -> list[tuple[str, str]]:
    return [(name, value) for name, value in answer[1] if name.startswith("Access-Control") or name == "Vary"]


def test_a_blueprint_policy_answers_as_the_middleware_with_that_policy() -> None:
    admin = {"origins": ["https://admin.example.com"], "supports_credentials": True}
    app = flask_app()
    blueprint = Blueprint("admin", __name__)
    blueprint.add_url_rule("/users", "users", lambda: "users")
    CORS(blueprint, **admin)
    app.register_blueprint(blueprint, url_prefix="/admin")
    CORS(app, resources={"/api/*": OPTIONS})
    theirs = core(flask_app(), **admin)
    for origin in ("https://admin.example.com", ORIGIN, None):
        headers = {} if origin is None else {"Origin": origin}
        expected = cors_only(serve(theirs, "GET", "/api/items", headers))
        assert cors_only(serve(app.wsgi_app, "GET", "/admin/users", headers)) == expected


def test_a_path_no_rule_covers_passes_through_untouched() -> None:
    app = flask_app()
    CORS(app, resources={"/other/*": OPTIONS})
    status, headers, body = serve(app.wsgi_app, "GET", "/api/items", {"Origin": ORIGIN})
    assert (status, body) == ("200 OK", b"items")
    assert not [name for name, _ in headers if name.startswith("Access-Control") or name == "Vary"]


def test_a_request_passed_through_with_a_requested_method_still_varies_on_it() -> None:
    """As the middleware's own way through: the answer depends on the method it announces."""
    app = flask_app()
    CORS(app, resources={"/other/*": OPTIONS})
    request = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    for method in ("GET", "OPTIONS"):
        vary = dict(serve(app.wsgi_app, method, "/api/items", request)[1])["Vary"]
        assert "Access-Control-Request-Method" in vary


def test_rules_added_after_the_first_request_take_effect() -> None:
    app = flask_app()
    CORS(app, resources={"/other/*": OPTIONS})
    assert ("Vary", "Origin") not in serve(app.wsgi_app, "GET", "/api/items", {"Origin": ORIGIN})[1]
    CORS(app, resources={"/api/*": OPTIONS})
    assert ("Access-Control-Allow-Origin", ORIGIN) in serve(
        app.wsgi_app, "GET", "/api/items", {"Origin": ORIGIN}
    )[1]


def test_rules_added_after_a_first_request_under_cors_app_alone_take_effect() -> None:
    """``CORS(app)`` alone runs without a resolver; a later call must bring the rules back."""
    other = "https://other.example.com"
    app = flask_app()
    CORS(app, **OPTIONS)
    assert ("Access-Control-Allow-Origin", ORIGIN) in serve(
        app.wsgi_app, "GET", "/api/items", {"Origin": ORIGIN}
    )[1]
    CORS(app, resources={"/api/vary": {"origins": [other]}})
    granted = serve(app.wsgi_app, "GET", "/api/vary", {"Origin": other})[1]
    assert ("Access-Control-Allow-Origin", other) in granted
    assert ("Access-Control-Allow-Origin", ORIGIN) in serve(
        app.wsgi_app, "GET", "/api/items", {"Origin": ORIGIN}
    )[1]
