"""CORS for Bottle: wrap the Bottle application (a WSGI callable) once.

Preflights are answered before Bottle routes them, so no ``OPTIONS`` route is
needed, and Bottle's own 404 and 500 pages get the CORS headers too.

Run it: ``python -m examples.bottle_app`` (serves http://127.0.0.1:8080).
"""

from __future__ import annotations

import bottle

from cors_wsgi import CORSMiddleware

app = bottle.Bottle()


@app.get("/api/items")
def list_items() -> dict[str, list[str]]:
    bottle.response.set_header("X-Request-Id", "42")
    return {"items": ["apple", "pear"]}


@app.put("/api/items/<name>")
def put_item(name: str) -> dict[str, str]:
    return {"stored": name}


application = CORSMiddleware(
    app,
    allow_origins=["http://localhost:3000", "https://app.example.com"],
    allow_methods=["GET", "PUT", "DELETE"],
    allow_headers=["Content-Type"],
    expose_headers=["X-Request-Id"],
)

if __name__ == "__main__":
    bottle.run(application, host="127.0.0.1", port=8080)
