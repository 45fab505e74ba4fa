"""Another spelling of a protected path never gets a looser per-path policy (through the middleware)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from webtest import TestApp

from cors_wsgi import CORSMiddleware
from tests.core.conftest import text_app

ADMIN = "https://admin.example.com"
BLOG = "https://blog.example.com"

RESOURCES: dict[str, Any] = {
    "/api/admin/*": {"allow_origins": [ADMIN], "allow_credentials": True},
    "/*": {"allow_origins": ["https://*.example.com"], "allow_credentials": True},
}


def grant(client: TestApp, path: str, origin: str, **headers: str) -> dict[str, str]:
    """The CORS grant headers the middleware sent for a GET of ``path`` (PATH_INFO exactly as given)."""
    response = client.get("/", headers={"Origin": origin, **headers}, extra_environ={"PATH_INFO": path})
    return {k: v for k, v in response.headers.items() if k.startswith("Access-Control-Allow-")}


@pytest.fixture
def client() -> TestApp:
    return TestApp(CORSMiddleware(text_app(), resources=RESOURCES))


def test_a_subdomain_page_reads_the_admin_api_with_cookies_by_no_spelling(client: TestApp) -> None:
    assert grant(client, "/blog/post", BLOG) == {
        "Access-Control-Allow-Origin": BLOG,
        "Access-Control-Allow-Credentials": "true",
    }
    assert grant(client, "/api/admin/users", BLOG) == {}
    assert grant(client, "//api/admin/users", BLOG) == {}


@pytest.mark.parametrize(
    "path",
    [
        "//api/admin/users",  # leading slashes: Werkzeug and Falcon strip them
        "////api/admin/users",
        "/api//admin/users",  # merged by Werkzeug's merge_slashes and nginx
        "//api//admin//users//",
        "/x/../api/admin/users",  # /x/..%2Fapi/... once the server decoded %2F; Pyramid resolves it
        "/./api/admin/users",
        "/../../api/admin/users",  # never above the root
        "/x/./y/../../api/admin/users",
        "//x/../api/admin/users",
    ],
)
def test_a_spelling_of_the_admin_path_gets_no_grant_at_all(client: TestApp, path: str) -> None:
    assert grant(client, path, BLOG) == {}
    assert grant(client, path, ADMIN) == {}  # two rules claim it: fail closed, even for the admin


@pytest.mark.parametrize("path", ["/api/admin/users/", "/api/admin//users", "/api/admin/x/../users"])
def test_a_spelling_that_stays_under_the_admin_rule_keeps_the_admin_policy(
    client: TestApp, path: str
) -> None:
    assert grant(client, path, BLOG) == {}
    assert grant(client, path, ADMIN)["Access-Control-Allow-Origin"] == ADMIN


def test_a_preflight_of_a_spelling_gets_no_grant_either(client: TestApp) -> None:
    response = client.options(
        "/",
        headers={"Origin": BLOG, "Access-Control-Request-Method": "DELETE"},
        extra_environ={"PATH_INFO": "//api/admin/users"},
        status="*",
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_exact_rule_covers_its_trailing_slash_spelling() -> None:
    client = TestApp(
        CORSMiddleware(
            text_app(),
            resources={"/api/login": {"allow_origins": [ADMIN]}, "/api/*": {"allow_origins": [BLOG]}},
        )
    )
    # strict_slashes=False and Falcon's strip_url_path_trailing_slash route both to the login view.
    assert grant(client, "/api/login/", BLOG) == {}
    assert grant(client, "/api/login/", ADMIN) == {"Access-Control-Allow-Origin": ADMIN}


def admin_app() -> Flask:
    app = Flask(__name__)

    @app.route("/api/admin/users")
    def admin_users() -> str:
        return "admin users"

    @app.route("/api/admin/keys/", strict_slashes=False)
    def admin_keys() -> str:
        return "admin keys"

    app.wsgi_app = CORSMiddleware(app.wsgi_app, resources=RESOURCES)  # type: ignore[method-assign]
    return app


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("//api/admin/users", b"admin users"),
        ("///api/admin/users", b"admin users"),
        ("/api/admin/keys", b"admin keys"),
        ("/api/admin/keys/", b"admin keys"),
    ],
)
def test_flask_routes_the_spelling_to_the_admin_view_and_the_blog_gets_no_grant(
    path: str, body: bytes
) -> None:
    client = TestApp(admin_app())
    response = client.get("/", headers={"Origin": BLOG}, extra_environ={"PATH_INFO": path})
    assert response.body == body  # the real framework serves the admin view for this spelling
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers
