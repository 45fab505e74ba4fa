"""flask-cors code, unchanged but for the import: app-wide defaults plus per-resource rules.

``resources`` maps path patterns to options: ``/api/*`` is /api and everything
below /api/, a plain path is exact, and the narrowest rule wins (exact, then
the longest prefix, then regexes in order), whatever order they are listed in.

Run it: ``python -m examples.flask_app`` (serves http://127.0.0.1:5000).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from flask_ext import CORS

app = Flask(__name__)
app.config["CORS_EXPOSE_HEADERS"] = ["X-Request-Id"]


@app.get("/api/items")
def list_items() -> ResponseReturnValue:
    return jsonify(items=["apple", "pear"]), 200, {"X-Request-Id": "42"}


@app.put("/api/items/<name>")
def put_item(name: str) -> ResponseReturnValue:
    return jsonify(stored=name)


@app.post("/api/login")
def login() -> ResponseReturnValue:
    return jsonify(token="secret")


@app.get("/public/status")
def status() -> ResponseReturnValue:
    return jsonify(status="ok")


CORS(
    app,
    resources={
        r"/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "methods": ["GET", "PUT", "DELETE"],
            "allow_headers": ["Content-Type"],
            "max_age": timedelta(minutes=10),
        },
        # Narrower than /api/*, so it wins for this one path: credentials, one origin.
        "/api/login": {"origins": ["https://app.example.com"], "supports_credentials": True},
        r"/public/*": {"send_wildcard": True},
    },
)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
