"""Fixtures for the command line's tests: servers on loopback and an in-process runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIServer, make_server

import pytest

from cors_wsgi.cli import main
from tests.cli.servers import Headers, QuietWSGIHandler, Result, ScriptedServer, serve_in_thread


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    """``scripted(preflight=(204, headers), actual=(200, headers))``: a running server."""
    stops: list[Callable[[], None]] = []

    def start(
        preflight: tuple[int, Headers] = (204, []), actual: tuple[int, Headers] = (200, [])
    ) -> ScriptedServer:
        server = ScriptedServer(preflight, actual)
        stops.append(serve_in_thread(server))
        return server

    yield start
    for stop in stops:
        stop()


@pytest.fixture
def wsgi_server() -> Iterator[Callable[[Any], str]]:
    """``wsgi_server(app)``: serves a WSGI app on a free loopback port, returns its base URL."""
    stops: list[Callable[[], None]] = []

    def start(app: Any) -> str:
        server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=QuietWSGIHandler)
        stops.append(serve_in_thread(server))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for stop in stops:
        stop()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``cli("check", url, ...)``: runs the command in-process; exit status and output."""

    def run(*argv: str) -> Result:
        try:
            status = main(list(argv))
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 2
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run
