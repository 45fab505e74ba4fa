"""CORS for a FastAPI app: one ``add_middleware`` line, the same arguments as Starlette's middleware.

Run it: ``uvicorn examples.fastapi_app:app --port 8000``, then from a page on
http://localhost:3000: ``fetch("http://127.0.0.1:8000/api/items", {credentials: "include"})``.
The WebSocket at /ws accepts pages of the allowed origins only: browsers open
a WebSocket to any site with the user's cookies, so its Origin is checked.
"""

from __future__ import annotations

from fastapi import FastAPI, Response, WebSocket

from cors_wsgi.asgi import CORSMiddleware

app = FastAPI()


@app.get("/api/items")
def items(response: Response) -> dict[str, list[str]]:
    response.headers["X-Request-Id"] = "42"
    return {"items": ["apple", "pear"]}


@app.put("/api/items/{name}")
def store(name: str) -> dict[str, str]:
    return {"stored": name}


@app.websocket("/ws")
async def live(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_json({"hello": websocket.headers.get("origin")})
    await websocket.close()


app.add_middleware(
    CORSMiddleware,
    allow_origins=["http://localhost:3000", "https://app.example.com"],
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT"],
    allow_headers=["Content-Type"],
    expose_headers=["X-Request-Id"],
    check_websocket_origin=True,
)
