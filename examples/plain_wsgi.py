"""CORS for a plain WSGI application: wrap the callable, and every response is covered.

Run it: ``python -m examples.plain_wsgi`` (serves http://127.0.0.1:8000), then
from a page on http://localhost:3000: ``fetch("http://127.0.0.1:8000/api/items")``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import make_server

from cors_wsgi import CORSMiddleware


def api(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The application: a JSON list at /api/items, PUT of one item below it, 404 elsewhere."""
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    if method == "GET" and path == "/api/items":
        body = json.dumps({"items": ["apple", "pear"]}).encode()
    elif method == "PUT" and path.startswith("/api/items/"):
        body = json.dumps({"stored": path.removeprefix("/api/items/")}).encode()
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Request-Id", "42")])
    return [body]


application = CORSMiddleware(
    api,
    allow_origins=["http://localhost:3000", "https://app.example.com"],
    allow_methods=["GET", "POST", "PUT"],
    allow_headers=["Content-Type"],
    expose_headers=["X-Request-Id"],
    max_age=600,
)

if __name__ == "__main__":
    with make_server("127.0.0.1", 8000, application) as server:
        print("serving on http://127.0.0.1:8000")
        server.serve_forever()
