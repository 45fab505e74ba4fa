"""Chromium against examples/django_project under runserver, gunicorn (WSGI) and uvicorn (ASGI).

Each server runs in a child process with the example's own settings; its
front end is the test page's origin, ``http://localhost:FRONT``. A page on
``http://127.0.0.1:FRONT`` is another origin, which the example does not list.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Script, browser, front_port, page  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]

SERVERS: dict[str, Callable[[int], list[str]]] = {
    "runserver": lambda port: [
        sys.executable,
        "examples/django_project/manage.py",
        "runserver",
        f"127.0.0.1:{port}",
        "--noreload",
    ],
    "gunicorn": lambda port: [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "examples.django_project.wsgi:application",
    ],
    "uvicorn": lambda port: [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "examples.django_project.asgi:application",
    ],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    """Up to 30 s for the server to accept connections; it must not have exited."""
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start listening within 30 s")


@pytest.fixture(scope="module", params=sorted(SERVERS))
def api(request: pytest.FixtureRequest, front_port: int) -> Iterator[str]:  # noqa: F811
    """The example under one server; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "examples.django_project.settings",
        "FRONT_END_ORIGINS": f"http://localhost:{front_port}",
    }
    process = subprocess.Popen(
        SERVERS[request.param](port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_listening(port, process)
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture
def front_end(page: Page, front_port: int) -> Script:  # noqa: F811
    return Script(page, f"http://localhost:{front_port}")


def test_the_front_end_reads_the_items_and_the_exposed_header_only(front_end: Script, api: str) -> None:
    result = front_end.fetch(api + "/api/items", credentials="include")

    assert result["ok"], result
    assert json.loads(result["body"]) == {"items": ["apple", "pear"]}
    assert result["headers"]["x-request-id"] == "42"


def test_a_json_put_is_preflighted_then_stored_with_credentials(front_end: Script, api: str) -> None:
    result = front_end.fetch(
        api + "/api/items/pear",
        method="PUT",
        credentials="include",
        headers={"Content-Type": "application/json", "X-CSRFToken": "token"},
        body="{}",
    )

    assert result["ok"], result
    assert json.loads(result["body"]) == {"stored": "pear"}


def test_a_missing_api_path_is_readable_as_a_404(front_end: Script, api: str) -> None:
    result = front_end.fetch(api + "/api/missing")

    assert result["ok"], result
    assert result["status"] == 404


def test_a_method_the_policy_does_not_allow_fails(front_end: Script, api: str) -> None:
    result = front_end.fetch(api + "/api/items/pear", method="PATCH")

    assert not result["ok"]


def test_another_site_cannot_read_the_items(page: Page, front_port: int, api: str) -> None:  # noqa: F811
    other = Script(page, f"http://127.0.0.1:{front_port}")

    result = other.fetch(api + "/api/items")

    assert not result["ok"]
