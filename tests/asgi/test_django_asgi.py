"""The Django example's asgi.py: HTTP views and a WebSocket consumer under one policy.

It runs in a process of its own, so Django's settings never reach other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "http://localhost:3000"
REFUSED = "https://evil.example.net"

SCRIPT = """
import json, sys
from examples.django_project.asgi import application
from tests.asgi.driver import http_scope, run

def exchange(scope, incoming=()):
    result = run(application, scope, incoming)
    return {"status": result.status if result.sent and "status" in result.sent[0] else None,
            "types": [m["type"] for m in result.sent], "headers": result.headers if result.sent and
            "headers" in result.sent[0] else [], "body": result.body.decode()}

def ws(origin):
    scope = {"type": "websocket", "path": "/ws/echo", "scheme": "ws", "root_path": "",
             "query_string": b"", "headers": [(b"host", b"127.0.0.1:8002"), (b"origin", origin.encode())],
             "subprotocols": [], "extensions": {"websocket.http.response": {}}}
    incoming = [{"type": "websocket.connect"}, {"type": "websocket.receive", "text": "ping"},
                {"type": "websocket.disconnect", "code": 1000}]
    return exchange(scope, incoming)

origin = [(b"origin", sys.argv[1].encode()), (b"host", b"127.0.0.1")]
preflight = [(b"origin", sys.argv[1].encode()), (b"access-control-request-method", b"PUT"),
             (b"access-control-request-headers", b"content-type"), (b"host", b"127.0.0.1")]
print(json.dumps({
    "get": exchange(http_scope("GET", "/api/items", origin)),
    "preflight": exchange(http_scope("OPTIONS", "/api/items/pear", preflight)),
    "missing": exchange(http_scope("GET", "/api/nowhere", origin)),
    "ws": ws(sys.argv[1]),
}))
"""


def through_django(origin: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, origin],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def header(reply: dict[str, Any], name: str) -> str | None:
    values = [value for key, value in reply["headers"] if key.lower() == name]
    return values[0] if values else None


def test_django_views_and_the_consumer_grant_the_front_end() -> None:
    replies = through_django(ALLOWED)
    assert replies["get"]["status"] == 200
    assert json.loads(replies["get"]["body"]) == {"items": ["apple", "pear"]}
    assert header(replies["get"], "access-control-allow-origin") == ALLOWED
    assert replies["preflight"]["status"] == 204
    assert header(replies["missing"], "access-control-allow-origin") == ALLOWED  # Django's own 404 page
    assert replies["ws"]["types"] == ["websocket.accept", "websocket.send"]


def test_django_views_and_the_consumer_refuse_another_site() -> None:
    replies = through_django(REFUSED)
    assert header(replies["get"], "access-control-allow-origin") is None
    assert header(replies["get"], "vary") == "origin"  # as Django (and django-cors-headers) write it
    assert replies["preflight"]["status"] == 403
    assert replies["ws"]["types"] == ["websocket.http.response.start", "websocket.http.response.body"]
    assert replies["ws"]["status"] == 403
