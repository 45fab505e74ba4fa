"""The Flask examples behave as their docstrings say."""

from __future__ import annotations

import pytest

from examples import flask_app, flask_blueprints, flask_decorator
from tests.flask_ext.conftest import preflight

LOCAL = "http://localhost:3000"
APP = "https://app.example.com"


def test_the_app_example_grants_the_api_to_its_origins_and_exposes_the_request_id() -> None:
    response = flask_app.app.test_client().get("/api/items", headers={"Origin": LOCAL})
    assert response.headers["Access-Control-Allow-Origin"] == LOCAL
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-Id"
    assert response.json == {"items": ["apple", "pear"]}


def test_the_app_example_answers_api_preflights_with_its_max_age() -> None:
    response = flask_app.app.test_client().options(
        "/api/items/pear", headers=preflight(APP, "PUT", "content-type")
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_the_app_example_login_rule_is_narrower_than_the_api_rule() -> None:
    client = flask_app.app.test_client()
    login = client.post("/api/login", headers={"Origin": APP})
    assert login.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Origin" not in client.post("/api/login", headers={"Origin": LOCAL}).headers


def test_the_app_example_public_status_is_open_to_every_site() -> None:
    response = flask_app.app.test_client().get("/public/status", headers={"Origin": "https://any.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_blueprint_example_opens_only_the_admin_api() -> None:
    client = flask_blueprints.app.test_client()
    origin = "https://admin.example.com"
    answer = client.options("/admin/users/ada", headers=preflight(origin, "DELETE"))
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert answer.headers["Access-Control-Max-Age"] == "3600"
    assert client.get("/admin/users", headers={"Origin": origin}).headers["Access-Control-Allow-Credentials"]
    assert "Access-Control-Allow-Origin" not in client.get("/internal", headers={"Origin": origin}).headers


@pytest.mark.parametrize("path", ["/weather", "/profile"])
def test_the_decorator_example_answers_preflights_before_the_login_check(path: str) -> None:
    response = flask_decorator.app.test_client().options(path, headers=preflight(APP, "GET", "authorization"))
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == APP


def test_the_decorator_example_serves_the_async_view_with_credentials() -> None:
    response = flask_decorator.app.test_client().get(
        "/profile", headers={"Origin": APP, "Authorization": "Bearer demo"}
    )
    assert response.json == {"name": "ada"}
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_the_decorator_example_refusal_by_the_login_check_is_readable_cross_origin() -> None:
    response = flask_decorator.app.test_client().get("/weather", headers={"Origin": APP})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == APP
