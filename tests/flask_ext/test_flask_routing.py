"""Rules follow the path as Flask routes it; routing happens once, inside Flask's error handling.

Each spelling test drives a real Flask app through the browser model
(``cors_wsgi.browser.run``) with the raw PATH_INFO a server passes on, so it
asserts what a page may read, not which headers were written.
"""

from __future__ import annotations

import gc
import re
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import pytest
from flask import Blueprint, Flask, got_request_exception
from werkzeug.routing import BaseConverter
from werkzeug.test import EnvironBuilder, run_wsgi_app

from cors_wsgi import browser
from cors_wsgi.decision import Header
from flask_ext import CORS, cross_origin

ADMIN = "https://admin.example.com"
BLOG = "https://blog.example.com"
#: The issue's rules: the admin API for one origin, everything else for every subdomain.
RULES = {
    "/api/admin/*": {"origins": [ADMIN], "supports_credentials": True},
    "/*": {"origins": "https://*.example.com", "supports_credentials": True},
}


def call(app: Any, method: str, path: str, headers: Sequence[Header] = ()) -> browser.Response:
    """One request with PATH_INFO exactly ``path`` (a test client would read ``//x`` as a host)."""
    environ = EnvironBuilder(path="/", method=method, headers=list(headers)).get_environ()
    environ["PATH_INFO"] = path
    body, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    return browser.Response(int(status.split()[0]), tuple(response_headers.items()), b"".join(body))


def reads(app: Flask, path: str, origin: str = BLOG, method: str = "GET", **extra: Any) -> bool:
    """Whether a page on ``origin`` can read the view's answer at ``path`` with the user's cookies.

    Error pages and redirects a page may read (as with flask-cors) do not count.
    """
    request = browser.Request(origin, method, credentials=True, **extra)
    outcome = browser.run(request, lambda _url, m, headers: call(app.wsgi_app, m, path, headers))
    return outcome.allowed and outcome.actual is not None and outcome.actual.response.status == 200


JSON = (("Content-Type", "application/json"),)


def admin_app(**route: Any) -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/api/admin/users", "users", lambda: "secret users", methods=["GET", "PUT"], **route)
    app.add_url_rule("/blog/posts", "posts", lambda: "posts", methods=["GET", "PUT"])
    CORS(app, resources=RULES)
    return app


def test_the_admin_origin_reads_the_admin_api_and_the_blog_reads_its_own_pages() -> None:
    app = admin_app()
    assert reads(app, "/api/admin/users", ADMIN)
    assert reads(app, "/api/admin/users", ADMIN, "PUT", headers=JSON)
    assert reads(app, "/blog/posts")
    assert not reads(app, "/api/admin/users")


SPELLINGS = [
    "//api/admin/users",
    "///api/admin/users",
    "/api//admin/users",
    "/api/admin//users",
    "//api//admin//users",
    "/api/admin/users/",
    "//api/admin/users/",
    "/api//admin/users//",
]


@pytest.mark.parametrize("path", SPELLINGS)
@pytest.mark.parametrize("strict", [True, False], ids=["strict_slashes", "strict_slashes=False"])
@pytest.mark.parametrize(("method", "headers"), [("GET", ()), ("PUT", JSON)], ids=["simple", "preflighted"])
def test_another_spelling_of_the_admin_path_gets_no_looser_rule(
    path: str, strict: bool, method: str, headers: tuple[Header, ...]
) -> None:
    assert not reads(admin_app(strict_slashes=strict), path, BLOG, method, headers=headers)


def exact_rule_app(rule: str, strict: bool) -> Flask:
    """An exact resource rule for the admin path, next to the looser '/*'."""
    app = Flask(__name__)
    app.add_url_rule(rule, "users", lambda: "secret users", methods=["GET", "PUT"], strict_slashes=strict)
    CORS(app, resources={rule: RULES["/api/admin/*"], "/*": RULES["/*"]})
    return app


@pytest.mark.parametrize(
    ("rule", "strict", "spelling"),
    [
        ("/api/admin/users", False, "/api/admin/users/"),  # Flask serves the view under both
        ("/api/admin/users/", False, "/api/admin/users"),
        ("/api/admin/users/", True, "/api/admin/users"),  # Flask redirects to the rule's spelling
        ("/api/admin/users", True, "/api//admin/users"),  # merged slashes: a redirect too
    ],
)
@pytest.mark.parametrize(("method", "headers"), [("GET", ()), ("PUT", JSON)], ids=["simple", "preflighted"])
def test_a_spelling_flask_serves_or_redirects_to_an_exact_rule_gets_no_looser_rule(
    rule: str, strict: bool, spelling: str, method: str, headers: tuple[Header, ...]
) -> None:
    app = exact_rule_app(rule, strict)
    assert reads(app, rule, ADMIN, method, headers=headers)
    assert not reads(app, spelling, BLOG, method, headers=headers)


def test_an_exact_rule_also_governs_its_trailing_slash_404() -> None:
    app = exact_rule_app("/api/admin/users", strict=True)
    assert reads(app, "/api/admin/users", ADMIN)
    assert not reads(app, "/api/admin/users", BLOG)
    # "/api/admin/users/" is a 404 here; the exact rule covers its trailing-slash
    # spelling, so the admin origin reads the error page and the blog does not.
    for origin, readable in ((ADMIN, True), (BLOG, False)):
        request = browser.Request(origin, credentials=True)
        outcome = browser.run(
            request, lambda _url, m, headers: call(app.wsgi_app, m, "/api/admin/users/", headers)
        )
        assert outcome.allowed is readable
        assert outcome.actual is not None
        assert outcome.actual.response.status == 404


def test_a_catch_all_route_serving_repeated_slashes_gets_no_grant_when_merging_changes_the_rule() -> None:
    app = Flask(__name__)
    app.add_url_rule("/<path:anything>", "anything", lambda anything: anything)
    CORS(app, resources=RULES)
    assert reads(app, "/blog/posts")
    assert reads(app, "/api/admin/users", ADMIN)
    for path in ("/api//admin/users", "/api///admin/users/"):
        assert not reads(app, path, BLOG)
        assert not reads(app, path, ADMIN)  # which rule applies is ambiguous: none does


def blueprint_rules_app() -> Flask:
    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/api")
    api.add_url_rule("/admin/users", "users", lambda: "secret users", strict_slashes=False)
    api.add_url_rule("/posts", "posts", lambda: "posts")
    CORS(api, resources=RULES)
    app.register_blueprint(api)
    return app


@pytest.mark.parametrize("path", SPELLINGS)
def test_a_blueprints_rules_follow_the_routed_path_too(path: str) -> None:
    app = blueprint_rules_app()
    assert reads(app, "/api/posts")
    assert reads(app, "/api/admin/users", ADMIN)
    assert not reads(app, path, BLOG)


def test_a_blueprint_path_its_own_rules_disagree_on_never_falls_back_to_the_apps_looser_rule() -> None:
    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/api")
    api.add_url_rule("/admin/users", "users", lambda: "secret users")
    # Both a prefix rule and a regex claim /api/admin/users: neither applies (fail closed) ...
    CORS(
        api,
        resources={
            "/api/*": {"origins": [ADMIN]},
            re.compile(r"/api/(admin|internal)/.*"): {"origins": [ADMIN]},
        },
    )
    app.register_blueprint(api)
    # ... and the app's rule for every subdomain must not step in for them.
    CORS(app, resources={"/*": {"origins": "https://*.example.com", "supports_credentials": True}})
    assert not reads(app, "/api/admin/users", BLOG)
    assert not reads(app, "/api/admin/users", ADMIN)


def test_rules_match_the_path_as_flask_decodes_it() -> None:
    app = Flask(__name__)
    app.add_url_rule("/café/<item>", "item", lambda item: item)
    CORS(app, resources={"/café/*": {"origins": [ADMIN]}})
    path = "/café/x".encode().decode("latin-1")  # PATH_INFO, as PEP 3333 carries UTF-8
    response = call(app.wsgi_app, "GET", path, [("Origin", ADMIN)])
    assert response.status == 200
    assert browser.get_header(response.headers, "Access-Control-Allow-Origin") == ADMIN


class Counting(BaseConverter):
    calls: ClassVar[list[str]] = []

    def to_python(self, value: str) -> str:
        Counting.calls.append(value)
        return value


class Failing(BaseConverter):
    def to_python(self, value: str) -> str:
        raise RuntimeError(f"database down while looking up {value}")


def converter_app(setup: Callable[[Flask], None]) -> Flask:
    app = Flask(__name__)
    app.url_map.converters.update(counted=Counting, failing=Failing)
    app.add_url_rule("/items/<counted:item>", "item", lambda item: item, methods=["GET", "PUT"])
    app.add_url_rule("/broken/<failing:item>", "broken", lambda item: item)
    setup(app)
    return app


def with_a_decorated_view(app: Flask) -> None:
    """The resolver routes every request: some view has its own policy."""

    @app.route("/decorated")
    @cross_origin(origins=[BLOG])
    def decorated() -> str:
        return "decorated"

    CORS(app, origins=[ADMIN])


def with_exact_path_rules(app: Flask) -> None:
    """The resolver routes the paths whose exact rule differs from their slash-toggled spelling's."""
    exact = {"origins": [ADMIN]}
    CORS(app, resources={"/items/x": exact, "/broken/7": exact, "/*": {"origins": [BLOG]}})


SETUPS: dict[str, Callable[[Flask], None]] = {
    "view table": with_a_decorated_view,
    "path rules": with_exact_path_rules,
}


@pytest.mark.parametrize("setup", SETUPS.values(), ids=SETUPS.keys())
def test_a_url_converter_runs_once_per_request(setup: Callable[[Flask], None]) -> None:
    app = converter_app(setup)
    Counting.calls = []
    paths = [f"/items/{n}" for n in range(5)] + ["/items/x"] * 3 + ["/items/x/"]
    for path in paths:
        call(app.wsgi_app, "GET", path, [("Origin", ADMIN)])
    assert Counting.calls == [path.split("/")[2] for path in paths if not path.endswith("/")]


@pytest.mark.parametrize("setup", SETUPS.values(), ids=SETUPS.keys())
def test_a_failing_url_converter_is_handled_by_flask_with_cors_headers(
    setup: Callable[[Flask], None],
) -> None:
    app = converter_app(setup)
    seen: list[BaseException] = []

    def record(sender: Flask, exception: BaseException, **extra: Any) -> None:
        seen.append(exception)

    @app.errorhandler(500)
    def handled(error: Exception) -> tuple[str, int]:
        return "handled by the app", 500

    got_request_exception.connect(record, app)
    for _ in range(2):  # the second request is not answered from a memo of the first
        response = call(app.wsgi_app, "GET", "/broken/7", [("Origin", ADMIN)])
        assert (response.status, response.body) == (500, b"handled by the app")
        assert browser.get_header(response.headers, "Access-Control-Allow-Origin") == ADMIN
    assert [str(error) for error in seen] == ["database down while looking up 7"] * 2


@pytest.mark.parametrize("setup", SETUPS.values(), ids=SETUPS.keys())
def test_a_failing_url_converter_under_a_preflight_does_not_escape_the_middleware(
    setup: Callable[[Flask], None],
) -> None:
    app = converter_app(setup)
    preflight = [
        ("Origin", ADMIN),
        ("Access-Control-Request-Method", "GET"),
        ("Access-Control-Request-Headers", "x"),
    ]
    response = call(app.wsgi_app, "OPTIONS", "/broken/7", preflight)
    assert response.status == 200
    assert browser.get_header(response.headers, "Access-Control-Allow-Origin") == ADMIN


def hostile_app() -> Flask:
    """Every request is routed and memoized: a decorated view, blueprint rules and app rules."""
    app = Flask(__name__)
    app.add_url_rule("/<path:anything>", "anything", lambda anything: "x", methods=["GET", "PUT"])
    app.url_map.converters.update(counted=Counting)
    app.add_url_rule("/items/<counted:item>", "item", lambda item: item)
    with_a_decorated_view(app)
    return app


def hostile_preflight(n: int, size: int) -> dict[str, Any]:
    """The n-th of a series of preflights, each with ``size`` bytes in a value a memo could key on."""
    environ = EnvironBuilder(path="/", method="OPTIONS", headers=[("Origin", ADMIN)]).get_environ()
    environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "PUT"
    padding = f"{n:08d}" + "a" * size
    kind = n % 4
    if kind == 0:
        environ["PATH_INFO"] = "/" + padding
    elif kind == 1:
        environ["HTTP_HOST"] = padding + ".example"
    else:
        # Too long for a method, or not a token at all.
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "P" + padding if kind == 2 else "GET " + padding
    return environ


def test_the_route_memo_holds_little_memory_after_thousands_of_hostile_requests() -> None:
    app = hostile_app()
    requests, size = 2000, 32 * 1024  # kept, their values would pin 2000 * 32 KiB = 62 MiB
    bound = 4 * 1024 * 1024  # a leak would exceed it 15 times over

    def serve(environ: dict[str, Any]) -> None:
        body, _status, _headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
        b"".join(body)

    serve(hostile_preflight(0, 10))  # the first request builds the tables
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for n in range(requests):
            serve(hostile_preflight(n, size))
        gc.collect()
        held = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert held < bound, held


def test_invalid_requested_methods_are_never_memo_keys_but_share_the_options_route() -> None:
    app = hostile_app()
    Counting.calls = []
    for n in range(50):
        preflight = [("Origin", ADMIN), ("Access-Control-Request-Method", f"GET {n}")]
        response = call(app.wsgi_app, "OPTIONS", "/items/x", preflight)
        assert response.status == 403  # the core refuses a method that is not a token
    assert Counting.calls == ["x"]  # routed once, as OPTIONS; the 49 others were answered from the memo
