"""The ASGI examples answer a browser's preflight, actual request and WebSocket handshake."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from starlette.testclient import TestClient, WebSocketDenialResponse

from examples.fastapi_app import app as fastapi_app
from examples.starlette_app import app as starlette_app

ALLOWED = "http://localhost:3000"
REFUSED = "https://evil.example.net"
PREFLIGHT = {
    "Origin": ALLOWED,
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "content-type",
}


def test_fastapi_example_grants_its_front_end_with_credentials_and_exposed_headers() -> None:
    client = TestClient(fastapi_app)
    preflight = client.options("/api/items/pear", headers=PREFLIGHT)
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET, POST, PUT"
    response = client.get("/api/items", headers={"Origin": ALLOWED})
    assert response.json() == {"items": ["apple", "pear"]}
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "X-Request-Id"


def test_fastapi_example_refuses_other_sites() -> None:
    client = TestClient(fastapi_app)
    assert client.options("/api/items/pear", headers={**PREFLIGHT, "Origin": REFUSED}).status_code == 403
    response = client.get("/api/items", headers={"Origin": REFUSED})
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["vary"] == "Origin"


def test_fastapi_example_websocket_accepts_its_front_end_and_refuses_a_foreign_page() -> None:
    client = TestClient(fastapi_app)
    with client.websocket_connect("/ws", headers={"Origin": ALLOWED}) as ws:
        assert ws.receive_json() == {"hello": ALLOWED}
    with pytest.raises(WebSocketDenialResponse), client.websocket_connect("/ws", headers={"Origin": REFUSED}):
        pass


def test_starlette_example_streams_events_with_the_grant() -> None:
    with TestClient(starlette_app).stream("GET", "/api/events", headers={"Origin": ALLOWED}) as response:
        assert response.headers["access-control-allow-origin"] == ALLOWED
        assert [line for line in response.iter_lines() if line] == ["data: 0", "data: 1", "data: 2"]


def test_starlette_example_admin_rule_is_stricter_than_the_api_rule() -> None:
    client = TestClient(starlette_app)
    assert (
        client.get("/api/items", headers={"Origin": ALLOWED}).headers["access-control-allow-origin"]
        == ALLOWED
    )
    refused = client.get("/admin/users", headers={"Origin": ALLOWED})
    assert "access-control-allow-origin" not in refused.headers
    admin = client.get("/admin/users", headers={"Origin": "https://admin.example.com"})
    assert admin.headers["access-control-allow-credentials"] == "true"
