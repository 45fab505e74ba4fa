"""What Chromium decides about CORSMiddleware's and flask_ext.CORS's answers, case by case.

The page is served from ``http://localhost:FRONT`` (allowed) or
``http://127.0.0.1:FRONT`` (refused); the API from ``http://localhost:API``.
Each test asserts the browser's verdict as script sees it, and what reached
the application.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from cors_wsgi import CORSMiddleware, cli
from tests.browser.conftest import Script
from tests.browser.servers import Counting, api, flask_api, serve


def matrix_options(allowed_origin: str) -> dict[str, Any]:
    """The policy of the browser matrix, shared by every adapter's browser tests."""
    return {
        "allow_origins": [allowed_origin],
        "allow_methods": ["GET", "POST", "PUT"],
        "allow_headers": ["Content-Type", "Authorization", "X-Requested-With"],
        "allow_credentials": True,
        "expose_headers": ["X-Total"],
        "max_age": 600,
        "resources": {"/nocache/*": {"max_age": 0}, "/*": {}},
    }


def core_api(allowed_origin: str) -> CORSMiddleware:
    return CORSMiddleware(api, **matrix_options(allowed_origin))


@pytest.fixture(scope="module", params=[core_api, flask_api], ids=["core", "flask_ext"])
def api_server(request: pytest.FixtureRequest, front_port: int) -> Iterator[tuple[str, Counting]]:
    """The same policy through the core middleware and through the Flask extension."""
    app = Counting(request.param(f"http://localhost:{front_port}"))
    with serve(app) as port:
        yield f"http://localhost:{port}", app


@pytest.fixture
def allowed(page: Page, front_port: int) -> Script:
    return Script(page, f"http://localhost:{front_port}")


def call(script: Script, server: tuple[str, Counting], path: str, **init: Any) -> dict[str, Any]:
    return script.fetch(server[0] + path, **init)


def test_simple_get_is_readable_without_a_preflight(
    allowed: Script, api_server: tuple[str, Counting]
) -> None:
    result = call(allowed, api_server, "/simple")
    assert result["ok"], result
    assert json.loads(result["body"])["method"] == "GET"
    assert api_server[1].preflights["/simple"] == 0


def test_json_post_is_preflighted_then_readable(allowed: Script, api_server: tuple[str, Counting]) -> None:
    result = call(
        allowed,
        api_server,
        "/json",
        method="POST",
        headers={"Content-Type": "application/json"},
        body='{"a": 1}',
    )
    assert result["ok"], result
    assert json.loads(result["body"])["body"] == '{"a": 1}'
    assert api_server[1].preflights["/json"] == 1


def test_put_with_authorization_and_credentials_carries_the_cookie(
    allowed: Script, api_server: tuple[str, Counting]
) -> None:
    allowed.page.context.add_cookies(
        [{"name": "session", "value": "s3cret", "domain": "localhost", "path": "/"}]
    )
    result = call(
        allowed,
        api_server,
        "/auth",
        method="PUT",
        headers={"Authorization": "Bearer t0ken"},
        credentials="include",
    )
    assert result["ok"], result
    echoed = json.loads(result["body"])
    assert (echoed["cookie"], echoed["authorization"]) == ("session=s3cret", "Bearer t0ken")


def test_exposed_header_is_readable_and_the_other_is_not(
    allowed: Script, api_server: tuple[str, Counting]
) -> None:
    result = call(allowed, api_server, "/exposed")
    assert result["ok"], result
    assert result["headers"].get("x-total") == "42"
    assert "x-secret" not in result["headers"]


def test_refused_method_fails_and_never_reaches_the_app(
    allowed: Script, api_server: tuple[str, Counting]
) -> None:
    result = call(allowed, api_server, "/delete", method="DELETE")
    assert not result["ok"]
    assert "TypeError" in result["error"]
    assert api_server[1].preflights["/delete"] == 1
    assert api_server[1].requests["DELETE", "/delete"] == 0


def test_refused_header_fails_and_never_reaches_the_app(
    allowed: Script, api_server: tuple[str, Counting]
) -> None:
    result = call(allowed, api_server, "/header", headers={"X-Forbidden": "1"})
    assert not result["ok"]
    assert api_server[1].preflights["/header"] == 1
    assert api_server[1].requests["GET", "/header"] == 0


def test_refused_origin_cannot_read_the_response(
    page: Page, front_port: int, api_server: tuple[str, Counting]
) -> None:
    """The simple GET is still sent (CORS guards reading), but script gets a TypeError."""
    refused = Script(page, f"http://127.0.0.1:{front_port}")
    result = call(refused, api_server, "/other-origin")
    assert not result["ok"]
    assert api_server[1].requests["GET", "/other-origin"] == 1


def test_preflight_is_cached_for_max_age(allowed: Script, api_server: tuple[str, Counting]) -> None:
    for _ in range(3):
        result = call(allowed, api_server, "/cached", method="PUT", headers={"X-Requested-With": "t"})
        assert result["ok"], result
    assert api_server[1].preflights["/cached"] == 1
    assert api_server[1].requests["PUT", "/cached"] == 3


def test_max_age_zero_sends_a_preflight_every_time(allowed: Script, api_server: tuple[str, Counting]) -> None:
    for _ in range(3):
        result = call(allowed, api_server, "/nocache/x", method="PUT", headers={"X-Requested-With": "t"})
        assert result["ok"], result
    assert api_server[1].preflights["/nocache/x"] == 3


#: page origin, method, headers, credentials, and the verdict both must reach.
CHECK_CASES = {
    "simple-get": ("allowed", "GET", {}, False, "allowed"),
    "json-post": ("allowed", "POST", {"Content-Type": "application/json"}, False, "allowed"),
    "put-authorization-credentials": ("allowed", "PUT", {"Authorization": "Bearer t0ken"}, True, "allowed"),
    "refused-method": ("allowed", "DELETE", {}, False, "blocked"),
    "refused-header": ("allowed", "GET", {"X-Forbidden": "1"}, False, "blocked"),
    "refused-origin": ("refused", "GET", {}, False, "blocked"),
}


@pytest.mark.parametrize(
    ("page_origin", "method", "headers", "credentials", "expected"), CHECK_CASES.values(), ids=CHECK_CASES
)
def test_cors_wsgi_check_agrees_with_chromium(
    page: Page,
    front_port: int,
    api_server: tuple[str, Counting],
    capsys: pytest.CaptureFixture[str],
    page_origin: str,
    method: str,
    headers: dict[str, str],
    credentials: bool,
    expected: str,
) -> None:
    """``check``'s browser model and Chromium reach the same verdict on a live server."""
    origin = f"http://{'localhost' if page_origin == 'allowed' else '127.0.0.1'}:{front_port}"
    url = f"{api_server[0]}/check/{method}"
    init: dict[str, Any] = {"method": method, "headers": headers}
    if credentials:
        init["credentials"] = "include"
    chromium = Script(page, origin).fetch(url, **init)

    argv = ["check", url, "--origin", origin, "--method", method, "--json"]
    argv += [arg for name, value in headers.items() for arg in ("--header", f"{name}: {value}")]
    argv += ["--credentials"] if credentials else []
    capsys.readouterr()
    cli.main(argv)
    verdict = json.loads(capsys.readouterr().out)["verdict"]
    assert ("allowed" if chromium["ok"] else "blocked") == expected, chromium
    assert verdict == expected
