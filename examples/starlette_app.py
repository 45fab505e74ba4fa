"""CORS for a Starlette app, in its ``middleware=`` list, with a stricter rule for /admin.

Run it: ``uvicorn examples.starlette_app:app --port 8000``. Server-sent events
at /events keep streaming through the middleware: it adds its headers to the
start of the response and never buffers the body.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from cors_wsgi.asgi import CORSMiddleware


async def items(request: Request) -> JSONResponse:
    return JSONResponse({"items": ["apple", "pear"]})


async def users(request: Request) -> JSONResponse:
    return JSONResponse({"users": ["ada"]})


async def events(request: Request) -> StreamingResponse:
    async def ticks() -> AsyncIterator[str]:
        for tick in range(3):
            yield f"data: {tick}\n\n"
            await asyncio.sleep(0)

    return StreamingResponse(ticks(), media_type="text/event-stream")


app = Starlette(
    routes=[Route("/api/items", items), Route("/api/events", events), Route("/admin/users", users)],
    middleware=[
        Middleware(
            CORSMiddleware,
            allow_origins=["http://localhost:3000"],
            allow_methods=["GET", "POST"],
            resources={
                "/api/*": {},
                "/admin/*": {"allow_origins": ["https://admin.example.com"], "allow_credentials": True},
            },
        )
    ],
)
