"""Real HTTP for the integration tests: waitress on a free loopback port, and a small client."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from webtest.http import StopableWSGIServer

#: Guards each socket operation so that a broken server fails a test instead of hanging it.
SOCKET_TIMEOUT = 30


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@contextmanager
def waitress_server(app: Callable[..., Iterable[bytes]]) -> Iterator[int]:
    """Serve ``app`` with waitress on 127.0.0.1 and a free port; yield the port; shut down."""
    server = StopableWSGIServer(app, host="127.0.0.1", port=0)
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    try:
        yield server.effective_port  # type: ignore[no-any-return]
    finally:
        server.shutdown()
        runner.join(SOCKET_TIMEOUT)


def http_request(port: int, method: str, path: str, headers: Mapping[str, str], body: bytes = b"") -> Reply:
    """One request over a fresh connection to 127.0.0.1:``port``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SOCKET_TIMEOUT)
    try:
        connection.request(method, path, body=body or None, headers=dict(headers))
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def vary_names(values: Iterable[Any]) -> set[str]:
    """The names of all Vary headers, however they were split into lines."""
    return {name.strip().lower() for value in values for name in str(value).split(",") if name.strip()}


def hello_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A plain application for configuration tests."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def hello_app_factory(global_conf: Mapping[str, Any], **settings: str) -> Callable[..., Iterable[bytes]]:
    """``use = call:tests.integrations.servers:hello_app_factory`` in PasteDeploy files."""
    return hello_app


#: A PasteDeploy pipeline of the ``cors`` filter and the hello app, appended to a test's ini text.
PIPELINE = """
[app:hello]
use = call:tests.integrations.servers:hello_app_factory

[pipeline:main]
pipeline = cors hello
"""


def write(path: Path, text: str) -> Path:
    """Write a configuration file for a test; its path."""
    path.write_text(text, encoding="utf-8")
    return path
