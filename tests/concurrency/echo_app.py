"""The app the concurrency test serves from a separate waitress process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cors_wsgi import CORSMiddleware

CLIENTS = 32
ORIGINS = [f"https://client{i}.example.com" for i in range(CLIENTS)]


def echo_origin(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    body = environ.get("HTTP_ORIGIN", "").encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


app = CORSMiddleware(echo_origin, allow_origins=ORIGINS, allow_methods=["PUT"], allow_credentials=True)
