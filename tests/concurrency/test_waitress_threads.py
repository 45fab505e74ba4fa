"""32 clients at once through a real threaded server: each gets its own origin back.

Shared precomputed header tuples, the policy swap of ``reconfigure`` and the
per-request closures must never mix up two requests in flight.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from waitress.server import create_server

from cors_wsgi import CORSMiddleware

CLIENTS = 32
REQUESTS_EACH = 25
ORIGINS = [f"https://client{i}.example.com" for i in range(CLIENTS)]


def echo_origin(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    body = environ.get("HTTP_ORIGIN", "").encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def port() -> Iterator[int]:
    app = CORSMiddleware(echo_origin, allow_origins=ORIGINS, allow_methods=["PUT"], allow_credentials=True)
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield int(server.effective_port)
    server.close()
    server.task_dispatcher.shutdown()
    thread.join()


def client(port: int, origin: str, results: list[tuple[str, str, str]]) -> None:
    """Alternates actual requests and preflights on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    try:
        for i in range(REQUESTS_EACH):
            if i % 2:
                headers = {"Origin": origin, "Access-Control-Request-Method": "PUT"}
                connection.request("OPTIONS", "/", headers=headers)
            else:
                connection.request("GET", "/", headers={"Origin": origin})
            response = connection.getresponse()
            body = response.read().decode()
            results.append((origin, response.getheader("Access-Control-Allow-Origin", ""), body or origin))
    finally:
        connection.close()


def test_every_response_carries_its_own_origin_and_none_is_lost(port: int) -> None:
    results: list[tuple[str, str, str]] = []
    threads = [threading.Thread(target=client, args=(port, origin, results)) for origin in ORIGINS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == CLIENTS * REQUESTS_EACH
    mixed_up = [result for result in results if len(set(result)) != 1]
    assert mixed_up == []
