"""Every documented flask-cors usage answers as flask-cors 6 does (flask-cors itself is the oracle).

Where flask-cors and flask_ext deliberately differ (Vary, refused preflights,
credentials with '*', ...) the difference is asserted in test_flask_migration.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from flask import Blueprint, Flask
from werkzeug.test import TestResponse

from tests.flask_ext.conftest import ORIGIN, OTHER, Setup, api_app, cors_headers, preflight, vary

Both = Callable[[Setup, str, str, dict[str, str]], tuple[TestResponse, TestResponse]]


def app_with(**cors: Any) -> Setup:
    return lambda module: api_app(module, **cors)


def assert_same(both: Both, setup: Setup, path: str, method: str, headers: dict[str, str]) -> TestResponse:
    theirs, ours = both(setup, path, method, headers)
    assert ours.status_code == theirs.status_code
    expected = cors_headers(theirs)
    if "Access-Control-Request-Method" in headers:
        # flask-cors also repeats Expose-Headers on preflights, where browsers ignore it.
        expected.pop("Access-Control-Expose-Headers", None)
    assert cors_headers(ours) == expected
    return ours


USAGES = {
    "app-wide defaults": {},
    "origins list": {"origins": [ORIGIN, OTHER]},
    "single origin string": {"origins": ORIGIN},
    "origin regex string": {"origins": r"https://.*\.example\.com"},
    "upper-case origin regex": {"origins": r"https://APP\.example\.com"},
    "compiled origin regex": {"origins": [re.compile(r"https://app\.example\.(com|net)")]},
    "credentials with listed origins": {"origins": [ORIGIN], "supports_credentials": True},
    "send_wildcard": {"send_wildcard": True},
    "expose_headers list": {"expose_headers": ["X-Total", "X-Page"]},
    "expose_headers string": {"expose_headers": "X-Total"},
    "max_age int": {"max_age": 600},
    "max_age timedelta": {"max_age": timedelta(hours=1)},
    "methods list": {"methods": ["GET", "PUT"]},
    "methods string": {"methods": "PUT"},
    "resources dict": {"resources": {r"/api/*": {"origins": ORIGIN}}},
    "resources string": {"resources": r"/api/*"},
    "resources list": {"resources": [r"/api/*", "/public"]},
    "resources regex": {"resources": {r"/api/items/\d+": {"origins": ORIGIN}}},
    "private network": {"allow_private_network": True},
    "always_send off": {"always_send": False},
    "intercept_exceptions off": {"intercept_exceptions": False},
    "automatic_options off": {"automatic_options": False},
}


@pytest.mark.parametrize("cors", USAGES.values(), ids=USAGES.keys())
@pytest.mark.parametrize("path", ["/api/items", "/api/items/7", "/public", "/missing"])
def test_an_allowed_cross_origin_request_gets_the_same_headers(
    both: Both, cors: dict[str, Any], path: str
) -> None:
    assert_same(both, app_with(**cors), path, "GET", {"Origin": ORIGIN})


@pytest.mark.parametrize("cors", USAGES.values(), ids=USAGES.keys())
def test_an_allowed_preflight_gets_the_same_grant(both: Both, cors: dict[str, Any]) -> None:
    for path in ("/api/items", "/api/items/7"):
        assert_same(both, app_with(**cors), path, "OPTIONS", preflight(method="PUT"))


def test_a_preflight_for_a_safelisted_method_gets_the_same_grant(both: Both) -> None:
    assert_same(both, app_with(methods=["GET"]), "/api/items", "OPTIONS", preflight(method="GET"))


def test_a_private_network_preflight_is_granted_alike_when_opted_in(both: Both) -> None:
    request = {**preflight(), "Access-Control-Request-Private-Network": "true"}
    ours = assert_same(both, app_with(allow_private_network=True), "/api/items", "OPTIONS", request)
    assert ours.headers["Access-Control-Allow-Private-Network"] == "true"


def test_allowed_request_headers_are_granted_alike(both: Both) -> None:
    setup = app_with(allow_headers=["Content-Type", "X-Token"])
    theirs, ours = both(setup, "/api/items", "OPTIONS", preflight(headers="content-type,x-token"))
    granted = {h.strip().lower() for h in ours.headers["Access-Control-Allow-Headers"].split(",")}
    theirs_granted = {h.strip() for h in theirs.headers["Access-Control-Allow-Headers"].split(",")}
    # We also list the CORS-safelisted names, which we always allow (issue 14).
    assert granted - theirs_granted <= {"accept", "accept-language", "content-language", "content-type"}
    assert theirs_granted <= granted


def test_any_request_header_is_echoed_by_default_as_flask_cors_does(both: Both) -> None:
    theirs, ours = both(app_with(), "/api/items", "OPTIONS", preflight(headers="x-a,x-b"))
    assert ours.headers["Access-Control-Allow-Headers"] == theirs.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("origins", [[ORIGIN, OTHER], r"https://.*\.example\.com"])
def test_vary_origin_is_sent_alike_when_several_origins_can_match(both: Both, origins: object) -> None:
    theirs, ours = both(app_with(origins=origins), "/api/items", "GET", {"Origin": ORIGIN})
    assert vary(ours) == vary(theirs) == {"origin"}


def test_a_wildcard_is_sent_without_origin_when_send_wildcard_is_set(both: Both) -> None:
    assert_same(both, app_with(send_wildcard=True), "/api/items", "GET", {})


@pytest.mark.parametrize("origin", [OTHER, "https://app.example.com.evil.net"])
def test_a_refused_origin_gets_no_grant_alike(both: Both, origin: str) -> None:
    theirs, ours = both(app_with(origins=[ORIGIN]), "/api/items", "GET", {"Origin": origin})
    assert "Access-Control-Allow-Origin" not in ours.headers
    assert cors_headers(ours) == cors_headers(theirs) == {}


def config_app(module: ModuleType) -> Flask:
    app = Flask(__name__)
    app.config.update(
        CORS_ORIGINS=[ORIGIN],
        CORS_SUPPORTS_CREDENTIALS=True,
        CORS_EXPOSE_HEADERS=["X-Total"],
        CORS_MAX_AGE=60,
        CORS_RESOURCES={r"/data": {}},
    )

    @app.route("/uncovered")
    def uncovered() -> str:
        return "uncovered"

    @app.route("/data", methods=["GET", "PUT"])
    def data() -> str:
        return "data"

    module.CORS(app)
    return app


@pytest.mark.parametrize(
    ("method", "headers"), [("GET", {"Origin": ORIGIN}), ("OPTIONS", preflight()), ("GET", {"Origin": OTHER})]
)
@pytest.mark.parametrize("path", ["/data", "/uncovered"])
def test_app_config_keys_configure_the_extension_alike(
    both: Both, path: str, method: str, headers: dict[str, str]
) -> None:
    assert_same(both, config_app, path, method, headers)


def decorated_app(module: ModuleType) -> Flask:
    app = Flask(__name__)

    @app.route("/open", methods=["GET", "PUT"])
    @module.cross_origin()
    def open_view() -> str:
        return "open"

    @app.route("/closed", methods=["GET", "PUT"])
    @module.cross_origin(origins=[ORIGIN], max_age=30, methods=["PUT"], expose_headers=["X-Id"])
    def closed_view() -> str:
        return "closed"

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    return app


@pytest.mark.parametrize("path", ["/open", "/closed", "/plain"])
@pytest.mark.parametrize(
    ("method", "headers"),
    [("GET", {"Origin": ORIGIN}), ("OPTIONS", preflight()), ("GET", {"Origin": OTHER})],
)
def test_the_decorator_answers_alike(both: Both, path: str, method: str, headers: dict[str, str]) -> None:
    assert_same(both, decorated_app, path, method, headers)


def test_the_decorator_answers_plain_options_requests_alike(both: Both) -> None:
    theirs, ours = both(decorated_app, "/closed", "OPTIONS", {"Origin": ORIGIN})
    assert ours.status_code == theirs.status_code == 200
    assert ours.headers["Allow"] == theirs.headers["Allow"]
    assert cors_headers(ours) == cors_headers(theirs)


def blueprint_app(module: ModuleType) -> Flask:
    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/api")

    @api.route("/things", methods=["GET", "PUT"])
    def things() -> str:
        return "things"

    module.CORS(api, origins=[ORIGIN])
    app.register_blueprint(api)

    @app.route("/outside")
    def outside() -> str:
        return "outside"

    return app


@pytest.mark.parametrize("path", ["/api/things", "/outside"])
@pytest.mark.parametrize(
    ("method", "headers"),
    [("GET", {"Origin": ORIGIN}), ("OPTIONS", preflight()), ("GET", {"Origin": OTHER})],
)
def test_a_blueprint_extension_answers_alike(
    both: Both, path: str, method: str, headers: dict[str, str]
) -> None:
    assert_same(both, blueprint_app, path, method, headers)


def init_app_setup(module: ModuleType) -> Flask:
    app = Flask(__name__)

    @app.route("/late")
    def late() -> str:
        return "late"

    cors = module.CORS(origins=[OTHER])
    cors.init_app(app, max_age=5)
    return app


@pytest.mark.parametrize(
    ("method", "headers"), [("GET", {"Origin": OTHER}), ("OPTIONS", preflight(OTHER, "GET"))]
)
def test_init_app_merges_constructor_and_call_options_alike(
    both: Both, method: str, headers: dict[str, str]
) -> None:
    ours = assert_same(both, init_app_setup, "/late", method, headers)
    assert ours.headers["Access-Control-Allow-Origin"] == OTHER
