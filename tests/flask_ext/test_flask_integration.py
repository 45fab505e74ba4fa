"""How the extension fits into Flask: hooks, redirects, errors, async views, precedence, lookups."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from flask import Blueprint, Flask, Response, abort
from werkzeug.test import TestResponse

from cors_wsgi import ConfigError
from cors_wsgi.resources import PathRouter
from flask_ext import CORS, cross_origin
from tests.flask_ext.conftest import ORIGIN, OTHER, preflight


def granted(response: TestResponse, origin: str = ORIGIN) -> bool:
    return response.headers.get("Access-Control-Allow-Origin") in (origin, "*")


def guarded_app(**cors: Any) -> Flask:
    """An app whose before_request hook refuses everything without a token."""
    app = Flask(__name__)

    @app.before_request
    def require_token() -> Response | None:
        if "X-Token" not in __import__("flask").request.headers:
            return Response("login first", status=401)
        return None

    @app.route("/things/", methods=["GET", "PUT"])
    def things() -> str:
        return "things"

    CORS(app, **cors)
    return app


def test_a_preflight_is_answered_before_an_auth_hook_refuses_it() -> None:
    response = guarded_app(origins=[ORIGIN]).test_client().options("/things/", headers=preflight())
    assert response.status_code == 200
    assert granted(response)


def test_the_auth_hooks_refusal_carries_cors_headers_so_the_page_can_read_it() -> None:
    response = guarded_app(origins=[ORIGIN]).test_client().get("/things/", headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert granted(response)


def test_a_preflight_is_answered_instead_of_a_strict_slashes_redirect() -> None:
    response = guarded_app(origins=[ORIGIN]).test_client().options("/things", headers=preflight())
    assert response.status_code == 200
    assert granted(response)


def test_a_preflight_to_a_decorated_view_is_answered_before_the_redirect_with_its_policy() -> None:
    app = Flask(__name__)

    @app.route("/things/", methods=["PUT"])
    @cross_origin(origins=[OTHER], max_age=42)
    def things() -> str:
        return "things"

    CORS(app, resources={})
    response = app.test_client().options("/things", headers=preflight(OTHER))
    assert response.status_code == 200
    assert response.headers["Access-Control-Max-Age"] == "42"


def failing_app(**config: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(config)

    @app.route("/missing")
    def missing() -> str:
        abort(404)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/teapot")
    def teapot() -> str:
        abort(418)

    @app.errorhandler(418)
    def handle_teapot(error: Exception) -> tuple[str, int]:
        return "short and stout", 418

    CORS(app, origins=[ORIGIN])
    return app


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/missing", 404), ("GET", "/nowhere", 404), ("POST", "/missing", 405), ("GET", "/teapot", 418)],
)
def test_error_responses_carry_cors_headers(method: str, path: str, status: int) -> None:
    response = failing_app().test_client().open(path, method=method, headers={"Origin": ORIGIN})
    assert response.status_code == status
    assert granted(response)


def test_an_unhandled_exception_in_production_gives_a_500_with_cors_headers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    response = failing_app().test_client().get("/boom", headers={"Origin": ORIGIN})
    assert response.status_code == 500
    assert granted(response)
    assert "boom" in caplog.text


def test_with_propagate_exceptions_the_exception_reaches_the_caller() -> None:
    client = failing_app(PROPAGATE_EXCEPTIONS=True).test_client()
    with pytest.raises(RuntimeError, match="boom"):
        client.get("/boom", headers={"Origin": ORIGIN})


def test_an_app_set_allow_origin_header_is_left_alone() -> None:
    app = Flask(__name__)

    @app.route("/own")
    def own() -> Response:
        return Response("own", headers={"Access-Control-Allow-Origin": "https://mine.example"})

    CORS(app)
    response = app.test_client().get("/own", headers={"Origin": ORIGIN})
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["https://mine.example"]


def async_app() -> Flask:
    app = Flask(__name__)

    @app.route("/async", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN], expose_headers=["X-Async"])
    async def async_view() -> str:
        await asyncio.sleep(0)
        return "async"

    @app.route("/sync", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN])
    def sync_view() -> str:
        return "sync"

    return app


@pytest.mark.parametrize("path", ["/async", "/sync"])
def test_the_decorator_serves_sync_and_async_views(path: str) -> None:
    client = async_app().test_client()
    for _ in range(2):  # the first request installs the middleware, the second uses it
        response = client.get(path, headers={"Origin": ORIGIN})
        assert response.text == path[1:]
        assert granted(response)
        answer = client.options(path, headers=preflight())
        assert answer.status_code == 200
        assert granted(answer)
        assert not granted(client.get(path, headers={"Origin": OTHER}), OTHER)


def test_an_async_view_exposes_its_headers() -> None:
    client = async_app().test_client()
    client.get("/async")
    assert (
        client.get("/async", headers={"Origin": ORIGIN}).headers["Access-Control-Expose-Headers"] == "X-Async"
    )


def test_a_decorated_views_preflight_skips_auth_hooks_once_the_app_is_set_up() -> None:
    app = async_app()

    @app.before_request
    def refuse() -> Response:
        return Response("no", status=401)

    client = app.test_client()
    client.get("/sync")
    response = client.options("/sync", headers=preflight())
    assert response.status_code == 200
    assert granted(response)


def layered_app() -> Flask:
    """Each layer sets max_age; the config also sets expose_headers, which no layer overrides."""
    app = Flask(__name__)
    app.config.update(CORS_MAX_AGE=1, CORS_EXPOSE_HEADERS=["X-Config"], CORS_ORIGINS=[ORIGIN])
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/plain", methods=["PUT"])
    def bp_plain() -> str:
        return "bp"

    @bp.route("/decorated", methods=["PUT"])
    @cross_origin(max_age=5)
    def bp_decorated() -> str:
        return "decorated"

    @app.route("/kw/x", methods=["PUT"])
    @app.route("/res/x", methods=["PUT"])
    def app_view() -> str:
        return "app"

    CORS(bp, max_age=4)
    app.register_blueprint(bp)
    CORS(app, max_age=2, resources={"/kw/*": {}, "/res/*": {"max_age": 3}, "/bp/*": {}})
    return app


def config_only_app() -> Flask:
    app = Flask(__name__)
    app.config.update(CORS_MAX_AGE=1, CORS_EXPOSE_HEADERS=["X-Config"], CORS_ORIGINS=[ORIGIN])

    @app.route("/x", methods=["PUT"])
    def x() -> str:
        return "x"

    CORS(app)
    return app


@pytest.mark.parametrize(
    ("app_factory", "path", "max_age", "exposed"),
    [
        (config_only_app, "/x", "1", "X-Config"),
        (layered_app, "/kw/x", "2", "X-Config"),
        (layered_app, "/res/x", "3", "X-Config"),
        (layered_app, "/bp/plain", "4", None),
        (layered_app, "/bp/decorated", "5", "X-Config"),
    ],
    ids=["app.config", "CORS kwargs", "resource options", "blueprint", "decorator"],
)
def test_each_layer_overrides_the_ones_it_reads_as_flask_cors_does(
    app_factory: Any, path: str, max_age: str, exposed: str | None
) -> None:
    # As in flask-cors: a blueprint reads only the defaults and its own options, a view app.config too.
    response = app_factory().test_client().options(path, headers=preflight())
    assert response.headers["Access-Control-Max-Age"] == max_age
    actual = app_factory().test_client().put(path, headers={"Origin": ORIGIN})
    assert actual.headers.get("Access-Control-Expose-Headers") == exposed


def ordered_app() -> Flask:
    app = Flask(__name__)

    @app.route("/<path:anything>")
    def anything(anything: str) -> str:
        return anything

    CORS(
        app,
        resources={
            re.compile(r"/files/.*\.png"): {"origins": ["https://regex.example"]},
            r"/api/*": {"origins": ["https://short.example"]},
            r"/api/v1/*": {"origins": ["https://long.example"]},
            "/api/v1/login": {"origins": ["https://exact.example"]},
        },
    )
    return app


@pytest.mark.parametrize(
    ("path", "winner"),
    [
        ("/api/v1/login", "https://exact.example"),
        ("/api/v1/users", "https://long.example"),
        ("/api/v1", "https://long.example"),
        ("/api/v2/users", "https://short.example"),
        ("/files/a.png", "https://regex.example"),
    ],
)
def test_the_narrowest_rule_wins_whatever_the_order(path: str, winner: str) -> None:
    client = ordered_app().test_client()
    origins = [
        "https://regex.example",
        "https://short.example",
        "https://long.example",
        "https://exact.example",
    ]
    allowed = [o for o in origins if granted(client.get(path, headers={"Origin": o}), o)]
    assert allowed == [winner]


def test_a_regex_resource_shadowed_by_a_prefix_rule_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="can never match"):
        CORS(Flask(__name__), resources={r"/api/*": {}, r"/api/v\d+/x": {"origins": [ORIGIN]}})


def test_a_pattern_listed_in_two_cors_calls_is_a_config_error_that_changes_nothing() -> None:
    app = Flask(__name__)
    app.add_url_rule("/api/x", "x", lambda: "x")
    CORS(app, resources=r"/api/*", origins=[ORIGIN])
    with pytest.raises(ConfigError, match="listed twice"):
        CORS(app, resources=r"/api/*", origins=[OTHER])
    client = app.test_client()
    assert granted(client.get("/api/x", headers={"Origin": ORIGIN}))
    assert not granted(client.get("/api/x", headers={"Origin": OTHER}), OTHER)


def test_rules_of_several_cors_calls_add_up() -> None:
    app = Flask(__name__)

    @app.route("/<path:anything>")
    def anything(anything: str) -> str:
        return anything

    CORS(app, resources=r"/a/*", origins=[ORIGIN])
    CORS(app, resources=r"/b/*", origins=[OTHER])
    client = app.test_client()
    assert granted(client.get("/a/x", headers={"Origin": ORIGIN}))
    assert granted(client.get("/b/x", headers={"Origin": OTHER}), OTHER)
    assert not granted(client.get("/b/x", headers={"Origin": ORIGIN}))


def test_a_blueprint_registered_twice_is_configured_under_each_name() -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)

    @bp.route("/x")
    def x() -> str:
        return "x"

    CORS(bp, origins=[ORIGIN])
    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="two")
    client = app.test_client()
    assert granted(client.get("/one/x", headers={"Origin": ORIGIN}))
    assert granted(client.get("/two/x", headers={"Origin": ORIGIN}))


def test_a_nested_blueprint_inherits_its_parents_extension() -> None:
    app = Flask(__name__)
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    @child.route("/x")
    def x() -> str:
        return "x"

    parent.register_blueprint(child)
    CORS(parent, origins=[ORIGIN])
    app.register_blueprint(parent)
    assert granted(app.test_client().get("/p/c/x", headers={"Origin": ORIGIN}))


def test_a_path_is_resolved_once_however_many_rules_and_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask(__name__)

    @app.route("/r/<int:n>")
    def numbered(n: int) -> str:
        return str(n)

    CORS(app, resources={re.compile(rf"/r/{n}"): {"origins": [ORIGIN]} for n in range(600)})
    calls: list[str] = []
    original = PathRouter.match

    def counting(self: PathRouter[Any], path: str, ambiguous: Any = None) -> Any:
        calls.append(path)
        return original(self, path, ambiguous)

    monkeypatch.setattr(PathRouter, "match", counting)
    client = app.test_client()
    assert granted(client.get("/r/599", headers={"Origin": ORIGIN}))
    first = len(calls)
    for _ in range(50):
        assert granted(client.get("/r/599", headers={"Origin": ORIGIN}))
    assert set(calls) <= {"/r/599", "/r/599/"}  # the path and the spelling Flask may serve it under
    assert len(calls) == first


def test_routing_for_view_policies_happens_once_per_path(monkeypatch: pytest.MonkeyPatch) -> None:
    app = async_app()
    calls: list[object] = []
    original = Flask.create_url_adapter

    def counting(self: Flask, request: Any) -> Any:
        if request is not None:  # None: an app context's adapter, not routing
            calls.append(request)
        return original(self, request)

    monkeypatch.setattr(Flask, "create_url_adapter", counting)
    client = app.test_client()
    client.get("/sync")
    calls.clear()
    for _ in range(20):
        assert granted(client.get("/sync", headers={"Origin": ORIGIN}))
    assert len(calls) == 21  # Flask's own 20, plus ours once: this request's (host, path, method) is new


def test_the_extension_can_be_initialised_for_several_apps() -> None:
    cors = CORS(origins=[ORIGIN])
    apps = [Flask(__name__), Flask(__name__)]
    for app in apps:
        app.add_url_rule("/x", "x", lambda: "x")
        cors.init_app(app)
    for app in apps:
        assert granted(app.test_client().get("/x", headers={"Origin": ORIGIN}))
