"""The ``cors_browser`` fixture, as a user's test suite gets it: from the plugin alone, no conftest.

Each test writes a user's test file and runs pytest on it with ``-p
cors_wsgi.pytest_plugin`` and plugin autoloading off, which is what the
``pytest11`` entry point does once the package is installed. Django runs in
a subprocess, so that its settings never reach the other tests.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

FLASK_TESTS = """
from examples.flask_app import app


def test_items_are_readable_with_the_request_id(cors_browser):
    r = cors_browser(app, origin="https://app.example.com").fetch("/api/items")
    assert r.allowed, r.explanation
    assert r.headers["x-request-id"] == "42"


def test_put_with_json_passes_its_preflight(cors_browser):
    r = cors_browser(app).fetch("/api/items/pear", method="PUT", headers={"Content-Type": "application/json"})
    assert r.allowed, r.explanation
    assert r.preflight is not None


def test_login_with_credentials(cors_browser):
    r = cors_browser(app).fetch("/api/login", method="POST", credentials="include")
    assert r.allowed, r.explanation


def test_another_origin_is_blocked(cors_browser):
    r = cors_browser(app, origin="https://evil.example").fetch("/api/items")
    assert (r.allowed, r.reason) == (False, "acao-missing")


def test_a_refusal_explains_itself(cors_browser):
    r = cors_browser(app).fetch("/api/items", method="PUT", headers={"X-Api-Key": "k"})
    assert r.allowed, r.explanation
"""

DJANGO_TESTS = """
import json

from examples.django_project.wsgi import application
from django.core.wsgi import get_wsgi_application


def test_items_are_readable_with_the_request_id(cors_browser):
    r = cors_browser(application, origin="https://app.example.com").fetch("/api/items", credentials="include")
    assert r.allowed, r.explanation
    assert r.headers["x-request-id"] == "42"


def test_put_reaches_the_view_after_its_preflight(cors_browser):
    browser = cors_browser(application, origin="http://localhost:3000")
    json_type = {"Content-Type": "application/json"}
    r = browser.fetch("/api/items/pear", method="PUT", headers=json_type, body="{}")
    assert r.allowed, r.explanation
    assert json.loads(r.body) == {"stored": "pear"}


def test_djangos_own_wsgi_application_answers_cors_through_its_middleware(cors_browser):
    r = cors_browser(get_wsgi_application()).fetch("/api/items")
    assert r.status == 200
    assert r.allowed, r.explanation
    assert cors_browser(get_wsgi_application(), origin="https://evil.example").fetch("/api/items").reason == (
        "acao-missing"
    )


def test_djangos_asgi_application_is_driven_too(cors_browser):
    from django.core.asgi import get_asgi_application

    r = cors_browser(get_asgi_application()).fetch("/api/items")
    assert r.status == 200
    assert r.allowed, r.explanation
    assert json.loads(r.outcome.actual.response.body) == {"items": ["apple", "pear"]}
"""


@pytest.fixture
def user_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A user's project: only the plugin given on the command line, the repository importable."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.syspath_prepend(str(ROOT))
    return pytester


def test_the_fixture_makes_a_browser_for_a_flask_app_as_it_is(user_suite: pytest.Pytester) -> None:
    user_suite.makepyfile(test_flask_cors=FLASK_TESTS)
    result = user_suite.runpytest("-p", "cors_wsgi.pytest_plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=1)
    # The failing assert shows why a browser blocks it, with the fix.
    result.stdout.fnmatch_lines(
        [
            "*blocked [[]header-not-allowed[]]: the server refused the preflight*fix: add the header*",
        ]
    )


def test_the_fixture_makes_a_browser_for_djangos_wsgi_and_asgi_applications(
    user_suite: pytest.Pytester,
) -> None:
    user_suite.makepyfile(test_django_cors=DJANGO_TESTS)
    result = user_suite.runpytest_subprocess("-p", "cors_wsgi.pytest_plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_without_the_plugin_there_is_no_fixture(user_suite: pytest.Pytester) -> None:
    user_suite.makepyfile(test_flask_cors=FLASK_TESTS)
    result = user_suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=5)
    result.stdout.fnmatch_lines(["*fixture 'cors_browser' not found*"])


def test_the_plugin_is_declared_as_a_pytest11_entry_point() -> None:
    """Installed, the package registers the plugin itself: users need no conftest."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["pytest11"] == {"cors_wsgi": "cors_wsgi.pytest_plugin"}
