"""``cors-wsgi serve``: any WSGI app behind the middleware on a local server."""

from __future__ import annotations

import http.client
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ORIGIN = "http://localhost:3000"

APP = """
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from the app"]
"""


class Running(NamedTuple):
    process: subprocess.Popen[str]
    port: int


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Running]:
    (tmp_path / "devapp.py").write_text(APP)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "cors_wsgi", "serve", "devapp:application",
            "--port", "0", "--allow-origin", ORIGIN, "--allow-method", "PUT",
            "--allow-header", "X-Token", "--debug",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url_line = process.stdout.readline()
        assert "devapp:application" in banner, banner
        port = int(url_line.split()[0].rstrip("/").rsplit(":", 1)[1])
        yield Running(process, port)
    finally:
        process.terminate()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def request(port: int, method: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, "/", headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_serve_answers_a_preflight_and_the_request(served: Running) -> None:
    preflight = request(
        served.port,
        "OPTIONS",
        {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-token",
        },
    )
    actual = request(served.port, "PUT", {"Origin": ORIGIN, "X-Token": "1"})

    assert preflight.status == 204
    assert preflight.getheader("Access-Control-Allow-Origin") == ORIGIN
    assert preflight.getheader("Access-Control-Allow-Headers") == (
        "X-Token, Accept, Accept-Language, Content-Language, Content-Type"
    )
    assert actual.status == 200
    assert actual.getheader("Access-Control-Allow-Origin") == ORIGIN
    assert actual.getheader("X-CORS-Decision") == "allowed"


def test_serve_refuses_other_origins(served: Running) -> None:
    response = request(served.port, "GET", {"Origin": "https://evil.example"})

    assert response.status == 200
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert response.getheader("X-CORS-Decision") == "refused; reason=origin-not-allowed"


def test_serve_with_an_unloadable_app_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cors_wsgi",
            "serve",
            "nosuchmodule:app",
            "--allow-origin",
            ORIGIN,
            "--port",
            "0",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "cannot load 'nosuchmodule:app'" in result.stderr


def test_console_script_is_installed_and_exits_2_on_usage_errors() -> None:
    script = Path(sys.executable).with_name("cors-wsgi")
    result = subprocess.run([str(script), "check"], capture_output=True, text=True, check=False)

    assert result.returncode == 2
    assert "usage: cors-wsgi check" in result.stderr


def stderr_until(process: subprocess.Popen[str], text: str) -> list[str]:
    """Stderr lines up to the first with ``text``; bounded by a line count and a generous wait per line."""
    assert process.stderr is not None
    lines = []
    for _ in range(50):
        ready, _, _ = select.select([process.stderr], [], [], 30)
        assert ready, "the server wrote nothing to stderr"
        lines.append(process.stderr.readline())
        if text in lines[-1]:
            return lines
    raise AssertionError(f"no stderr line with {text!r}: {lines}")


def start_serving(tmp_path: Path, app: str) -> tuple[subprocess.Popen[str], int]:
    (tmp_path / "devapp.py").write_text(app)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cors_wsgi",
            "serve",
            "devapp:application",
            "--port",
            "0",
            "--allow-origin",
            ORIGIN,
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()
    port = int(process.stdout.readline().split()[0].rstrip("/").rsplit(":", 1)[1])
    return process, port


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def test_serve_logs_refusals_to_stderr_by_default(tmp_path: Path) -> None:
    process, port = start_serving(tmp_path, APP)
    try:
        request(port, "OPTIONS", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                  "Access-Control-Request-Headers": "x-secret"})  # fmt: skip

        line = stderr_until(process, "CORS refused")[-1]
    finally:
        stop(process)

    assert (
        f"cors_wsgi INFO CORS refused preflight: origin='{ORIGIN}' method='GET' path='/'"
        " reason=header-not-allowed: x-secret" in line
    )


def test_serve_leaves_logging_alone_when_the_app_configured_it(tmp_path: Path) -> None:
    configured = (
        "import logging, sys\nlogging.basicConfig(stream=sys.stderr, format='APP %(message)s')\n" + APP
    )
    process, port = start_serving(tmp_path, configured)
    try:
        request(port, "OPTIONS", {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        # The root logger's WARNING level applies: the app's choice, so a refusal (INFO) is not shown;
        # the server's own access line comes through.
        lines = stderr_until(process, '"OPTIONS / HTTP/1.1" 403')
    finally:
        stop(process)

    assert not [line for line in lines if "CORS refused" in line]
