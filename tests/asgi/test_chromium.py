"""Real Chromium against FastAPI behind cors_wsgi.asgi, served by uvicorn on loopback.

The verdict matrix is the WSGI browser suite's own tests (tests/browser),
collected here again with an ``api_server`` fixture that serves the same API
as a FastAPI app; WebSocket handshakes from an allowed and a foreign page
are added.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse

from cors_wsgi.asgi import CORSMiddleware
from tests.asgi.test_uvicorn import serve
from tests.browser.conftest import Script, browser, front_port, page  # noqa: F401
from tests.browser.test_chromium import (  # noqa: F401
    allowed,
    matrix_options,
    test_exposed_header_is_readable_and_the_other_is_not,
    test_json_post_is_preflighted_then_readable,
    test_max_age_zero_sends_a_preflight_every_time,
    test_preflight_is_cached_for_max_age,
    test_put_with_authorization_and_credentials_carries_the_cookie,
    test_refused_header_fails_and_never_reaches_the_app,
    test_refused_method_fails_and_never_reaches_the_app,
    test_refused_origin_cannot_read_the_response,
    test_simple_get_is_readable_without_a_preflight,
)


class Counting:
    """Counts the requests (preflights apart) that reach the wrapped ASGI app, per path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.preflights: Counter[str] = Counter()
        self.requests: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            names = {name for name, _ in scope["headers"]}
            with self.lock:
                if scope["method"] == "OPTIONS" and b"access-control-request-method" in names:
                    self.preflights[scope["path"]] += 1
                else:
                    self.requests[scope["method"], scope["path"]] += 1
        await self.app(scope, receive, send)


def fastapi_api(allowed_origin: str) -> Any:
    """The browser suite's API (tests/browser/servers.py ``api``) as a FastAPI app."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def echo(request: Request, path: str) -> JSONResponse:
        body = {
            "method": request.method,
            "cookie": request.headers.get("cookie"),
            "authorization": request.headers.get("authorization"),
            "body": (await request.body()).decode(),
        }
        return JSONResponse(body, headers={"X-Total": "42", "X-Secret": "hidden"})

    @app.websocket("/ws")
    async def live(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("welcome")
        await websocket.close()

    return CORSMiddleware(
        app,
        **matrix_options(allowed_origin),
        check_websocket_origin=True,
    )


@pytest.fixture(scope="module")
def api_server(front_port: int) -> Iterator[tuple[str, Counting]]:  # noqa: F811
    app = Counting(fastapi_api(f"http://localhost:{front_port}"))
    with serve(app) as port:
        yield f"http://localhost:{port}", app


OPEN_SOCKET = """async (url) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  const timer = setTimeout(() => resolve({opened: false, message: null, timeout: true}), 10000);
  socket.onmessage = (event) => { clearTimeout(timer); resolve({opened: true, message: event.data}); };
  socket.onerror = () => { clearTimeout(timer); resolve({opened: false, message: null}); };
})"""


def open_socket(script: Script, server: tuple[str, Counting]) -> dict[str, Any]:
    url = server[0].replace("http://", "ws://") + "/ws"
    result: dict[str, Any] = script.page.evaluate(OPEN_SOCKET, url)
    return result


def test_a_websocket_from_the_allowed_page_opens(
    allowed: Script,  # noqa: F811
    api_server: tuple[str, Counting],
) -> None:
    assert open_socket(allowed, api_server) == {"opened": True, "message": "welcome"}


def test_a_websocket_from_a_foreign_page_is_refused(
    page: Any,  # noqa: F811
    front_port: int,  # noqa: F811
    api_server: tuple[str, Counting],
) -> None:
    refused = Script(page, f"http://127.0.0.1:{front_port}")
    assert open_socket(refused, api_server) == {"opened": False, "message": None}
