"""Helpers for the Flask extension's tests: the same app under flask-cors and under flask_ext."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import flask_cors
import pytest
from flask import Flask
from werkzeug.test import TestResponse

import flask_ext

ORIGIN = "https://app.example.com"
OTHER = "https://other.example.org"

#: The headers a browser's CORS check reads.
CHECKED = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Private-Network",
)

Setup = Callable[[ModuleType], Flask]


def cors_headers(response: TestResponse) -> dict[str, str]:
    """The CORS headers of a response; several values of one header are joined as a browser does."""
    return {name: ", ".join(response.headers.getlist(name)) for name in CHECKED if name in response.headers}


def vary(response: TestResponse) -> set[str]:
    return {token.strip().lower() for value in response.headers.getlist("Vary") for token in value.split(",")}


def preflight(origin: str = ORIGIN, method: str = "PUT", headers: str | None = None) -> dict[str, str]:
    request = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request["Access-Control-Request-Headers"] = headers
    return request


def answer(setup: Setup, module: ModuleType, path: str, method: str, headers: dict[str, str]) -> TestResponse:
    return setup(module).test_client().open(path, method=method, headers=headers)


@pytest.fixture
def both() -> Callable[[Setup, str, str, dict[str, str]], tuple[TestResponse, TestResponse]]:
    """``both(setup, path, method, headers)``: (flask-cors's response, ours) for the same app."""

    def run(
        setup: Setup, path: str, method: str, headers: dict[str, str]
    ) -> tuple[TestResponse, TestResponse]:
        return (
            answer(setup, flask_cors, path, method, headers),
            answer(setup, flask_ext, path, method, headers),
        )

    return run


def api_app(module: ModuleType, **cors: Any) -> Flask:
    """A small API, with ``module.CORS(app, **cors)`` applied."""
    app = Flask(__name__)

    @app.route("/api/items", methods=["GET", "POST", "PUT", "DELETE"])
    def items() -> str:
        return "items"

    @app.route("/api/items/<int:item>")
    def item(item: int) -> str:
        return f"item {item}"

    @app.route("/public")
    def public() -> str:
        return "public"

    module.CORS(app, **cors)
    return app
