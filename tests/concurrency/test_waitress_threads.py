"""32 clients at once through a real threaded server: each gets its own origin back.

Shared precomputed header tuples, the policy swap of ``reconfigure`` and the
per-request closures must never mix up two requests in flight.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.concurrency.echo_app import CLIENTS, ORIGINS

REQUESTS_EACH = 25
ROOT = Path(__file__).resolve().parents[2]
SERVER = (
    "from waitress.server import create_server\n"
    "from tests.concurrency.echo_app import app\n"
    "server = create_server(app, host='127.0.0.1', port=0, threads=8)\n"
    "print(server.effective_port, flush=True)\n"
    "server.run()\n"
)


@pytest.fixture
def port() -> Iterator[int]:
    """waitress with 8 worker threads, in its own process so that stopping it is clean."""
    server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline())
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()


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
