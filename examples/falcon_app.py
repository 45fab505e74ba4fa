"""CORS for Falcon: wrap the ``falcon.App`` (a WSGI callable) and leave ``cors_enable`` off.

Falcon's own ``CORSMiddleware`` is not needed; having both would send two
``Access-Control-Allow-Origin`` headers, which browsers refuse.

Run it: ``python -m examples.falcon_app`` (serves http://127.0.0.1:8001).
"""

from __future__ import annotations

from wsgiref.simple_server import make_server

import falcon

from cors_wsgi import CORSMiddleware


class Items:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"items": ["apple", "pear"]}
        resp.set_header("X-Request-Id", "42")


class Item:
    def on_put(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        resp.media = {"stored": name}


app = falcon.App()
app.add_route("/api/items", Items())
app.add_route("/api/items/{name}", Item())

application = CORSMiddleware(
    app,
    allow_origins=["http://localhost:3000", "https://app.example.com"],
    allow_methods=["GET", "PUT"],
    allow_headers=["Content-Type"],
    expose_headers=["X-Request-Id"],
)

if __name__ == "__main__":
    with make_server("127.0.0.1", 8001, application) as server:
        print("serving on http://127.0.0.1:8001")
        server.serve_forever()
