"""``cors-wsgi serve`` in process (loading the app, logging refusals, serving it) and the parts of
``cors-wsgi check`` a scripted server shows (mutation kills in ``cors_wsgi.cli``)."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import socketserver
import sys
import threading
import urllib.request
import wsgiref.simple_server
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import __version__, cli
from cors_wsgi.cli import UsageError, build_parser, http_transport, load_app, log_refusals_by_default, main
from cors_wsgi.http1 import Deadline
from cors_wsgi.logs import logger
from tests.cli.raw_server import RawServer
from tests.cli.servers import QuietWSGIHandler, Result, ScriptedServer, serve_in_thread

ORIGIN = "https://app.example.com"

APP_MODULE = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"served"]

class Holder:
    inner = staticmethod(app)

not_callable = 1
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    status = main(list(argv))
    captured = capsys.readouterr()
    return Result(status, captured.out, captured.err)


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The working directory, holding ``hmut2_app.py``; sys.path and sys.modules restored after."""
    (tmp_path / "hmut2_app.py").write_text(APP_MODULE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    monkeypatch.delitem(sys.modules, "hmut2_app", raising=False)
    yield tmp_path
    sys.modules.pop("hmut2_app", None)


# -- load_app ------------------------------------------------------------------


def test_an_app_is_loaded_from_the_working_directory_by_module_and_dotted_attribute(app_dir: Path) -> None:
    app = load_app("hmut2_app:app")

    assert load_app("hmut2_app:Holder.inner") is app
    assert sys.path[0] == str(app_dir)


def test_the_working_directory_comes_first_on_the_path(
    app_dir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "hmut2_app.py").write_text("app = None\n")
    monkeypatch.setattr(sys, "path", [str(elsewhere), *sys.path])

    assert callable(load_app("hmut2_app:app"))


@pytest.mark.parametrize("spec", ["hmut2_app", ":app", "hmut2_app:"])
def test_a_spec_that_is_not_module_colon_app_is_a_usage_error(app_dir: Path, spec: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_app(spec)

    assert str(caught.value) == f"{spec!r} is not MODULE:APP, e.g. myproject.wsgi:application"


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("hmut2_app:app:x", "module 'hmut2_app' has no attribute 'app:x'"),
        ("hmut2_app:missing", "module 'hmut2_app' has no attribute 'missing'"),
        ("hmut2_missing:app", "No module named 'hmut2_missing'"),
    ],
)
def test_an_app_that_cannot_be_loaded_says_why(app_dir: Path, spec: str, error: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_app(spec)

    assert str(caught.value) == f"cannot load {spec!r}: {error}"


def test_an_attribute_that_is_not_callable_is_not_an_app(app_dir: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_app("hmut2_app:not_callable")

    assert str(caught.value) == "'hmut2_app:not_callable' is not a WSGI application (not callable)"


# -- logging refusals ----------------------------------------------------------


def bare_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """No handler anywhere and the cors_wsgi logger at NOTSET, as in a fresh process.

    Called in the test itself: pytest adds its capturing handler to the root at each phase.
    """
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    # The level cache is restored with the level: what it held was computed for that level.
    monkeypatch.setattr(logger, "_cache", {})


def test_refusals_are_logged_to_the_stream_with_time_name_and_level(monkeypatch: pytest.MonkeyPatch) -> None:
    bare_logging(monkeypatch)
    stream = io.StringIO()

    log_refusals_by_default(stream)
    logger.info("refused %s", "x")
    logger.debug("not shown")

    assert logger.level == logging.INFO
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} cors_wsgi INFO refused x\n", stream.getvalue())


@pytest.mark.parametrize("configured", ["root handler", "our handler", "our level"])
def test_logging_the_app_configured_is_left_alone(monkeypatch: pytest.MonkeyPatch, configured: str) -> None:
    bare_logging(monkeypatch)
    other = logging.NullHandler()
    if configured == "root handler":
        logging.getLogger().handlers = [other]
    elif configured == "our handler":
        logger.handlers = [other]
    else:
        logger.setLevel(logging.WARNING)

    log_refusals_by_default(io.StringIO())

    assert logger.handlers == ([other] if configured == "our handler" else [])
    assert logger.level == (logging.WARNING if configured == "our level" else logging.NOTSET)


# -- serve ---------------------------------------------------------------------


def test_serve_prints_what_it_serves_and_where_then_serves_until_interrupted(
    app_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    servers: list[Any] = []
    answers: list[tuple[str, str | None]] = []
    real_make_server = wsgiref.simple_server.make_server

    def make_server(*args: Any, **kwargs: Any) -> Any:
        server = real_make_server(*args, **kwargs)
        servers.append(server)

        def serve_one_then_interrupt() -> None:
            url = f"http://127.0.0.1:{server.server_port}/"
            request = urllib.request.Request(url, headers={"Origin": ORIGIN})
            client = threading.Thread(target=lambda: answers.append(fetch(request)))
            client.start()
            server.handle_request()
            client.join()
            raise KeyboardInterrupt

        server.serve_forever = serve_one_then_interrupt
        return server

    monkeypatch.setattr("cors_wsgi.cli.make_server", make_server)
    argv = ["serve", "hmut2_app:app", "--port", "0", "--allow-origin", ORIGIN, "--debug"]
    out = io.StringIO()

    status = cli.run_serve(build_parser().parse_args(argv), out)

    (server,) = servers
    assert status == 0
    assert capsys.readouterr().out == ""
    assert socketserver.ThreadingMixIn in type(server).__mro__
    assert server.server_address[0] == "127.0.0.1"
    assert out.getvalue().splitlines() == [
        f"serving hmut2_app:app with CORSPolicy(allow_origins=['{ORIGIN}'])",
        f"http://127.0.0.1:{server.server_port}/  (development server, not for production; Ctrl-C stops it)",
    ]
    assert answers == [(ORIGIN, "allowed")]


def fetch(request: urllib.request.Request) -> tuple[str, str | None]:
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"served"
        return response.headers["Access-Control-Allow-Origin"], response.headers["X-CORS-Decision"]


# -- check ---------------------------------------------------------------------


def test_a_same_origin_check_sends_nothing_and_says_so_to_the_stream_given() -> None:
    argv = ["check", "https://app.example.com/items", "--origin", ORIGIN]
    text, as_json = io.StringIO(), io.StringIO()

    assert cli.run_check(build_parser().parse_args(argv), text) == 0
    assert cli.run_check(build_parser().parse_args([*argv, "--json"]), as_json) == 0

    message = "the page and the URL share an origin, so CORS does not apply; nothing was sent"
    assert text.getvalue() == f"same-origin: {message}\n"
    assert json.loads(as_json.getvalue()) == {"verdict": "allowed", "code": "same-origin", "message": message}


def test_a_url_with_a_control_character_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "check", "http://a.example/\rx", "--origin", ORIGIN)

    assert result.status == 2
    assert result.err.startswith("cors-wsgi check: bad URL ")
    assert result.err.endswith(": it contains a control character\n")


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer(
        (204, [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "*")]),
        (200, [("Access-Control-Allow-Origin", ORIGIN)]),
    )
    stop = serve_in_thread(server)
    yield server
    stop()


@pytest.mark.parametrize(("method", "length"), [("GET", None), ("HEAD", None), ("PUT", "0"), ("patch", "0")])
def test_check_sends_an_empty_body_with_its_length_for_methods_that_may_have_one(
    capsys: pytest.CaptureFixture[str], scripted: ScriptedServer, method: str, length: str | None
) -> None:
    result = run(capsys, "check", scripted.url, "--origin", ORIGIN, "--method", method, "--json")

    report = json.loads(result.out)
    assert [exchange["url"] for exchange in report["exchanges"]] == [scripted.url] * len(report["exchanges"])
    actual = scripted.received[-1]
    assert actual.method == method.upper() if method != "patch" else actual.method == "patch"
    assert actual.headers.get("content-length") == length
    assert all(r.headers.get("content-length") is None for r in scripted.received if r.method == "OPTIONS")


def test_the_http_transport_needs_a_url() -> None:
    send = http_transport(Deadline(1.0))

    with pytest.raises(TypeError) as caught:
        send(None, "GET", [])

    assert str(caught.value) == "http_transport sends to a URL; explain's transport is the one without"


class Recorder:
    """A WSGI app granting ORIGIN that records what reached it."""

    def __init__(self) -> None:
        self.environs: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.environs.append(environ)
        start_response("200 OK", [("Access-Control-Allow-Origin", ORIGIN), ("Content-Length", "0")])
        return [b""]


@pytest.fixture
def recorded() -> Iterator[tuple[str, Recorder]]:
    app = Recorder()
    # Not 127.0.0.1: a connection to no host in particular would reach the loopback's first address.
    server = wsgiref.simple_server.make_server("127.0.0.2", 0, app, handler_class=QuietWSGIHandler)
    stop = serve_in_thread(server)
    yield f"http://127.0.0.2:{server.server_port}", app
    stop()


def test_check_sends_the_request_target_host_and_user_agent(recorded: tuple[str, Recorder]) -> None:
    base, app = recorded
    out = io.StringIO()
    args = build_parser().parse_args(["check", base + "/api/items?page=2", "--origin", ORIGIN])

    assert cli.run_check(args, out) == 0

    (environ,) = app.environs
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == ("/api/items", "page=2")
    assert environ["HTTP_HOST"] == base.removeprefix("http://")
    assert environ["HTTP_USER_AGENT"] == f"cors-wsgi-check/{__version__}"
    assert out.getvalue().splitlines()[0] == f"check: GET {base}/api/items?page=2 from {ORIGIN}"
    assert out.getvalue().endswith("\nallowed: a browser lets the script read the response\n")


def test_check_writes_its_json_to_the_stream_given(recorded: tuple[str, Recorder]) -> None:
    base, _ = recorded
    out = io.StringIO()
    args = build_parser().parse_args(["check", base + "/", "--origin", ORIGIN, "--json"])

    assert cli.run_check(args, out) == 0

    report = json.loads(out.getvalue())
    assert out.getvalue() == json.dumps(report, indent=2) + "\n"
    assert report["server_reason"] is None
    assert report["exchanges"][0]["url"] == base + "/"


def test_an_unreachable_server_is_a_network_error_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    result = run(capsys, "check", f"http://127.0.0.1:{port}/", "--origin", ORIGIN)

    assert result.status == 2
    assert result.err == "cors-wsgi check: network error: [Errno 111] Connection refused\n"


def test_a_url_that_is_not_http_is_a_usage_error_saying_why(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "check", "ftp://files.example/", "--origin", ORIGIN)

    assert (
        result.err
        == "cors-wsgi check: bad URL 'ftp://files.example/': the scheme 'ftp' is not http or https\n"
    )


def test_serve_from_the_command_line_prints_to_standard_output(
    app_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def make_server(*args: Any, **kwargs: Any) -> Any:
        server = wsgiref.simple_server.make_server(*args, **kwargs)

        def interrupted() -> None:
            raise KeyboardInterrupt

        server.serve_forever = interrupted
        return server

    monkeypatch.setattr("cors_wsgi.cli.make_server", make_server)

    result = run(capsys, "serve", "hmut2_app:app", "--port", "0")

    assert result.status == 0
    assert result.out.startswith("serving hmut2_app:app with CORSPolicy(")
    assert "(development server, not for production; Ctrl-C stops it)\n" in result.out


def test_a_head_response_has_no_body_whatever_follows_its_head(capsys: pytest.CaptureFixture[str]) -> None:
    head = f"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: {ORIGIN}\r\nContent-Length: 5\r\n\r\n".encode()

    with RawServer(lambda request: [head + b"hello"]).running() as server:
        result = run(capsys, "check", server.url(), "--origin", ORIGIN, "--method", "HEAD", "-v")

    assert result.status == 0
    assert "  < Content-Length: 5" in result.out.splitlines()
    assert "hello" not in result.out


def test_an_unreadable_response_has_status_0_in_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    with RawServer(lambda request: [b"nonsense\r\n\r\n"]).running() as server:
        result = run(capsys, "check", server.url(), "--origin", ORIGIN, "--json")

    report = json.loads(result.out)
    assert (result.status, report["code"]) == (1, "response-invalid")
    assert report["request"]["response"] == {"status": 0, "headers": []}
