"""cors_wsgi.asgi in Starlette and FastAPI apps, through Starlette's TestClient."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("fastapi")

from fastapi import FastAPI, WebSocket
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient, WebSocketDenialResponse

from cors_wsgi import ConfigError
from cors_wsgi.asgi import CORSMiddleware

ORIGIN = "https://app.example.com"
EVIL = "https://evil.example"
OPTIONS: dict[str, Any] = {
    "allow_origins": [ORIGIN],
    "allow_credentials": True,
    "allow_methods": ["*"],
    "allow_headers": ["*"],
}
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


async def numbers(request: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(3):
            yield b"%d\n" % index

    return StreamingResponse(chunks(), media_type="text/event-stream")


async def boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("boom")


async def socket(websocket: Any) -> None:
    await websocket.accept()
    await websocket.send_text("welcome")
    await websocket.close()


ROUTES = [
    Route("/", hello, methods=["GET", "DELETE"]),
    Route("/stream", numbers),
    Route("/boom", boom),
    WebSocketRoute("/ws", socket),
]


def assert_granted(response: Any) -> None:
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"


def test_add_middleware_grants_the_listed_origin_and_answers_preflights() -> None:
    app = Starlette(routes=ROUTES)
    app.add_middleware(CORSMiddleware, **OPTIONS)
    client = TestClient(app)
    assert_granted(client.get("/", headers={"Origin": ORIGIN}))
    preflight = client.options("/", headers={**PREFLIGHT, "Access-Control-Request-Headers": "x-token"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "DELETE"
    assert preflight.headers["access-control-allow-headers"] == "x-token"
    refused = client.get("/", headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in refused.headers
    assert refused.headers["vary"] == "Origin"


def test_the_middleware_list_form_works_too() -> None:
    app = Starlette(routes=ROUTES, middleware=[Middleware(CORSMiddleware, **OPTIONS)])
    assert_granted(TestClient(app).get("/", headers={"Origin": ORIGIN}))


def test_fastapi_add_middleware_with_the_starlette_style_arguments() -> None:
    app = FastAPI()

    @app.get("/items")
    def items() -> list[int]:
        return [1, 2]

    app.add_middleware(CORSMiddleware, **OPTIONS)
    client = TestClient(app)
    response = client.get("/items", headers={"Origin": ORIGIN})
    assert response.json() == [1, 2]
    assert_granted(response)
    assert client.options("/items", headers=PREFLIGHT).status_code == 204


def test_outermost_wrapping_of_a_whole_app() -> None:
    client = TestClient(CORSMiddleware(Starlette(routes=ROUTES), **OPTIONS))
    assert_granted(client.get("/", headers={"Origin": ORIGIN}))


def test_starlettes_credentials_with_every_origin_is_refused_with_the_line_to_write() -> None:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    client = TestClient(app)
    with pytest.raises(ConfigError) as caught:
        client.get("/")  # Starlette builds its middleware stack at the first request
    assert "allow_credentials" in caught.value.problem


def test_a_streaming_response_stays_streaming() -> None:
    app = Starlette(routes=ROUTES, middleware=[Middleware(CORSMiddleware, **OPTIONS)])
    with TestClient(app).stream("GET", "/stream", headers={"Origin": ORIGIN}) as response:
        assert_granted(response)
        assert list(response.iter_lines()) == ["0", "1", "2"]


def test_lifespan_events_reach_the_app() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    app = Starlette(routes=ROUTES, lifespan=lifespan, middleware=[Middleware(CORSMiddleware, **OPTIONS)])
    with TestClient(app) as client:
        assert events == ["startup"]
        client.get("/")
    assert events == ["startup", "shutdown"]


def test_an_exception_before_the_start_becomes_a_500_with_cors_headers() -> None:
    app = CORSMiddleware(Starlette(routes=ROUTES), catch_exceptions=True, **OPTIONS)
    response = TestClient(app, raise_server_exceptions=False).get("/boom", headers={"Origin": ORIGIN})
    assert response.status_code == 500
    assert_granted(response)


def websocket_client(**options: Any) -> TestClient:
    app = Starlette(routes=ROUTES, middleware=[Middleware(CORSMiddleware, **OPTIONS, **options)])
    return TestClient(app, base_url="https://api.example.com")


def test_a_websocket_from_an_allowed_origin_is_accepted() -> None:
    client = websocket_client(check_websocket_origin=True)
    with client.websocket_connect("/ws", headers={"Origin": ORIGIN}) as ws:
        assert ws.receive_text() == "welcome"


def test_a_websocket_from_a_foreign_origin_is_refused_with_403_before_the_app_accepts() -> None:
    client = websocket_client(check_websocket_origin=True)
    with (
        pytest.raises(WebSocketDenialResponse) as caught,
        client.websocket_connect("/ws", headers={"Origin": EVIL}),
    ):
        pass
    assert caught.value.status_code == 403
    assert caught.value.text == "WebSocket handshake refused: origin-not-allowed\n"


def test_a_websocket_from_a_foreign_origin_passes_without_the_check() -> None:
    with websocket_client().websocket_connect("/ws", headers={"Origin": EVIL}) as ws:
        assert ws.receive_text() == "welcome"


def test_fastapi_websocket_route_refused_from_a_foreign_page() -> None:
    app = FastAPI()

    @app.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("live")

    app.add_middleware(CORSMiddleware, allow_origins=[ORIGIN], check_websocket_origin=True)
    client = TestClient(app)
    with client.websocket_connect("/live", headers={"Origin": ORIGIN}) as ws:
        assert ws.receive_text() == "live"
    with pytest.raises(WebSocketDenialResponse), client.websocket_connect("/live", headers={"Origin": EVIL}):
        pass
