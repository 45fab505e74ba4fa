"""``make demo`` without a browser: a busy port is named with how to pick another, the
terminal shows the ``cors_wsgi`` log, and the side channel that tells the page why."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from webtest import TestApp

from cors_wsgi import reasons
from cors_wsgi.cli import CORE_FIXES
from examples.demo import DecisionLog, api_app, serving
from examples.demo.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
FRONT = "http://localhost:8000"


@contextmanager
def listening() -> Iterator[int]:
    """A loopback port some other program is listening on."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield busy.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize("option", ["--front-port", "--api-port"])
def test_a_busy_port_is_named_with_the_option_and_make_line_that_pick_another(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "--api-port" if option == "--front-port" else "--front-port"
    with listening() as port, pytest.raises(SystemExit) as exit_info:
        main([option, str(port), other, "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"port {port} ({option}) is busy" in err
    assert f'make demo DEMO_ARGS="{option} ' in err
    assert f"{option} 0 picks a free port" in err
    assert "Traceback" not in err


def test_a_busy_api_port_releases_the_front_port_already_bound(capsys: pytest.CaptureFixture[str]) -> None:
    front = _free_port()
    with listening() as port, pytest.raises(SystemExit):
        main(["--front-port", str(front), "--api-port", str(port)])
    with socket.socket() as again:
        again.bind(("127.0.0.1", front))
    assert "(--api-port) is busy" in capsys.readouterr().err


def test_the_demo_terminal_prints_the_cors_wsgi_log_of_a_refused_preflight() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    demo = subprocess.Popen(
        [sys.executable, "-m", "examples.demo", "--front-port", "0", "--api-port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, demo.kill)
    watchdog.start()
    try:
        assert demo.stdout is not None
        first = demo.stdout.readline()
        front = first.split("open ", 1)[1].split("/ ", 1)[0]
        api = urlsplit(first.split("the API is ", 1)[1].rstrip(").\n"))
        connection = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
        connection.request(
            "OPTIONS", "/api/items/1", headers={"Origin": front, "Access-Control-Request-Method": "DELETE"}
        )
        assert connection.getresponse().status == 403
        connection.close()
    finally:
        demo.terminate()
        _, err = demo.communicate(timeout=30)
        watchdog.cancel()
    assert (
        f"cors_wsgi INFO: CORS refused preflight: origin='{front}' method='DELETE' path='/api/items/1'"
        " reason=method-not-allowed: DELETE" in err
    )


def _get(origin: str, path: str) -> Any:
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    return body


def test_the_front_server_hands_the_page_each_decision_of_a_call_with_reason_and_fix() -> None:
    with serving(0, 0) as (front_url, api_origin):
        front = front_url.rstrip("/")
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(api_origin).port, timeout=10)
        connection.request(
            "OPTIONS",
            "/api/items?demo=t-1",
            headers={
                "Origin": front,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "x-secret",
            },
        )
        connection.getresponse().read()
        connection.request("GET", "/api/items?demo=t-1", headers={"Origin": front})
        connection.getresponse().read()
        connection.close()
        page = urllib.request.urlopen(front_url, timeout=10).read().decode()
        decisions = _get(front, "/decisions?demo=t-1")
        unknown = _get(front, "/decisions?demo=t-2")
    assert decisions == [
        {
            "request": "OPTIONS /api/items",
            "preflight": True,
            "allowed": False,
            "reason": "header-not-allowed: x-secret",
            "fix": CORE_FIXES[reasons.HEADER_NOT_ALLOWED],
        },
        {"request": "GET /api/items", "preflight": False, "allowed": True, "reason": "allowed", "fix": ""},
    ]
    assert unknown == []
    assert "allow_methods=[&#x27;GET&#x27;, &#x27;POST&#x27;, &#x27;PUT&#x27;]" in page


@pytest.mark.parametrize(
    "query", ["", "demo=", "demo=UPPER", "demo=../x", "demo=" + "a" * 41, "demo=a&demo=b", "demo=a%0d%0ab"]
)
def test_a_request_without_a_well_formed_call_id_is_not_recorded(query: str) -> None:
    log = DecisionLog()
    TestApp(api_app(FRONT, log)).get("/api/items", {}, extra_environ={"QUERY_STRING": query})
    for call_id in ("", "a", "b", "UPPER", "../x", "a" * 41):
        assert log.of(call_id) == []


def test_the_decision_log_keeps_only_the_latest_calls_and_a_few_decisions_each() -> None:
    log = DecisionLog(max_calls=2, max_per_call=3)
    client = TestApp(api_app(FRONT, log))
    for _ in range(5):
        client.get("/api/items?demo=first", headers={"Origin": FRONT})
    client.get("/api/items?demo=second", headers={"Origin": "https://evil.example"})
    client.get("/api/items?demo=third", headers={"Origin": FRONT})
    assert log.of("first") == []
    assert [entry["reason"] for entry in log.of("second")] == ["origin-not-allowed"]
    assert log.of("third")[0]["allowed"] is True
    client.get("/api/items?demo=third", headers={"Origin": FRONT})
    client.get("/api/items?demo=third", headers={"Origin": FRONT})
    client.get("/api/items?demo=third", headers={"Origin": FRONT})
    assert len(log.of("third")) == 3
