"""Each example answers a browser's preflight and actual request, through WebTest and real servers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from paste.deploy import loadapp
from webtest import TestApp

from tests.integrations.servers import SOCKET_TIMEOUT, http_request, vary_names, waitress_server

ROOT = Path(__file__).resolve().parents[2]
PYRAMID_INI = ROOT / "examples" / "pyramid_app" / "development.ini"
ALLOWED = "http://localhost:3000"
REFUSED = "https://evil.example.net"
PREFLIGHT = {
    "Origin": ALLOWED,
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "content-type",
}


def pyramid_app() -> Callable[..., Iterable[bytes]]:
    return loadapp(f"config:{PYRAMID_INI}")  # type: ignore[no-any-return]


def module_app(name: str) -> Callable[[], Callable[..., Iterable[bytes]]]:
    def load() -> Callable[..., Iterable[bytes]]:
        module = __import__(f"examples.{name}", fromlist=["application"])
        return module.application  # type: ignore[no-any-return]

    return load


EXAMPLES = {
    "plain_wsgi": module_app("plain_wsgi"),
    "bottle": module_app("bottle_app"),
    "falcon": module_app("falcon_app"),
    "pyramid": pyramid_app,
}


@pytest.fixture(params=sorted(EXAMPLES))
def client(request: pytest.FixtureRequest) -> TestApp:
    return TestApp(EXAMPLES[request.param]())


def test_example_grants_the_preflight_of_a_listed_origin(client: TestApp) -> None:
    response = client.options("/api/items/pear", headers=PREFLIGHT)

    assert response.status_int == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "PUT" in response.headers["Access-Control-Allow-Methods"].split(", ")
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "origin" in vary_names(response.headers.getall("Vary"))


def test_example_lets_a_listed_origin_read_the_response_and_its_exposed_header(client: TestApp) -> None:
    response = client.get("/api/items", headers={"Origin": ALLOWED})

    assert response.json == {"items": ["apple", "pear"]}
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-Id"
    assert response.headers["X-Request-Id"] == "42"
    assert "origin" in vary_names(response.headers.getall("Vary"))


def test_example_sends_the_actual_request_after_the_preflight_to_the_framework(client: TestApp) -> None:
    response = client.put("/api/items/pear", "{}", headers={"Origin": ALLOWED, "Content-Type": "text/plain"})

    assert response.status_int == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_example_refuses_an_unlisted_origin_and_still_varies_on_origin(client: TestApp) -> None:
    preflight = client.options("/api/items/pear", headers={**PREFLIGHT, "Origin": REFUSED}, status=403)
    actual = client.get("/api/items", headers={"Origin": REFUSED})

    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in actual.headers
    assert actual.json == {"items": ["apple", "pear"]}
    assert "origin" in vary_names(actual.headers.getall("Vary"))


def test_wrapped_framework_error_pages_carry_cors_headers(client: TestApp) -> None:
    response = client.get("/api/missing", headers={"Origin": ALLOWED}, status=404)

    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_pyramid_ini_leaves_paths_outside_its_resources_untouched() -> None:
    client = TestApp(pyramid_app())

    response = client.get("/elsewhere", headers={"Origin": ALLOWED}, status=404)

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "origin" not in vary_names(response.headers.getall("Vary"))


def test_pyramid_ini_filter_serves_preflight_and_request_through_waitress() -> None:
    with waitress_server(pyramid_app()) as port:
        preflight = http_request(port, "OPTIONS", "/api/items/pear", PREFLIGHT)
        actual = http_request(port, "GET", "/api/items", {"Origin": ALLOWED})

    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert preflight.headers["Access-Control-Max-Age"] == "600"
    assert actual.status == 200
    assert json.loads(actual.body) == {"items": ["apple", "pear"]}
    assert actual.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert actual.headers["Access-Control-Allow-Credentials"] == "true"


def django(mode: str, **options: Any) -> subprocess.Popen[str]:
    """The Django example in a child process: Django's settings are global to a process."""
    command = [sys.executable, "-W", "error", "-W", "ignore:'cgi' is deprecated:DeprecationWarning"]
    return subprocess.Popen(
        [*command, "-m", "tests.integrations.django_driver", mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        **options,
    )


def django_webtest(*requests: dict[str, Any]) -> list[dict[str, Any]]:
    process = django("webtest")
    output, _ = process.communicate(json.dumps(requests), timeout=SOCKET_TIMEOUT * 4)
    assert process.returncode == 0
    return json.loads(output)  # type: ignore[no-any-return]


def header(reply: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in reply["headers"] if key.lower() == name.lower()]


def test_django_example_answers_from_its_middleware_through_webtest() -> None:
    preflight, actual, refused, outside = django_webtest(
        {"method": "OPTIONS", "path": "/api/items/pear", "headers": PREFLIGHT},
        {"method": "GET", "path": "/api/items", "headers": {"Origin": ALLOWED}},
        {"method": "GET", "path": "/api/items", "headers": {"Origin": REFUSED}},
        {"method": "GET", "path": "/", "headers": {"Origin": ALLOWED}},
    )

    assert preflight["status"] == 204
    assert header(preflight, "Access-Control-Allow-Origin") == [ALLOWED]
    assert header(preflight, "Access-Control-Allow-Headers") == [
        "Content-Type, X-CSRFToken, Accept, Accept-Language, Content-Language"
    ]
    assert actual["status"] == 200
    assert json.loads(actual["body"]) == {"items": ["apple", "pear"]}
    assert header(actual, "Access-Control-Allow-Origin") == [ALLOWED]
    assert header(actual, "Access-Control-Allow-Credentials") == ["true"]
    assert header(actual, "Access-Control-Expose-Headers") == ["X-Request-Id"]
    assert header(refused, "Access-Control-Allow-Origin") == []
    assert "origin" in vary_names(header(refused, "Vary"))
    assert outside["status"] == 404
    assert header(outside, "Access-Control-Allow-Origin") == []


def test_django_examples_own_test_module_passes_under_djangos_test_runner() -> None:
    """The example's tests use ``self.client``, which never calls wsgi.py: CORS comes from MIDDLEWARE."""
    command = [sys.executable, "examples/django_project/manage.py", "test", "examples.django_project.tests"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=SOCKET_TIMEOUT * 4)

    assert result.returncode == 0, result.stderr
    assert "Ran 5 tests" in result.stderr


def test_django_example_serves_preflight_and_request_through_waitress() -> None:
    with django("serve") as process:
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            port = int(process.stdout.readline())
            preflight = http_request(port, "OPTIONS", "/api/items/pear", PREFLIGHT)
            headers = {"Origin": ALLOWED, "Content-Type": "text/plain"}
            actual = http_request(port, "PUT", "/api/items/pear", headers)
        finally:
            process.stdin.close()
            process.wait(SOCKET_TIMEOUT)

    assert process.returncode == 0
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"].split(", ")
    assert actual.status == 200
    assert json.loads(actual.body) == {"stored": "pear"}
    assert actual.headers["Access-Control-Allow-Origin"] == ALLOWED
