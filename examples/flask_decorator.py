"""Per-view CORS with ``@cross_origin``, on sync and ``async def`` views.

Put ``@cross_origin`` below ``@app.route``. ``CORS(app, resources={})`` adds
no app-wide rule; it only makes the extension answer preflights from the very
first request, before any ``before_request`` hook such as this login check.

Run it: ``python -m examples.flask_decorator`` (needs ``flask[async]``).
"""

from __future__ import annotations

import asyncio

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from flask_ext import CORS, cross_origin

app = Flask(__name__)


@app.before_request
def require_token() -> Response | None:
    if request.headers.get("Authorization") != "Bearer demo":
        return Response("login first\n", status=401)
    return None


@app.get("/weather")
@cross_origin()
def weather() -> ResponseReturnValue:
    """Any site may read it (flask-cors's default)."""
    return jsonify(sky="clear")


@app.route("/profile", methods=["GET", "PATCH"])
@cross_origin(
    origins=["https://app.example.com"],
    methods=["GET", "PATCH"],
    allow_headers=["Authorization", "Content-Type"],
    supports_credentials=True,
)
async def profile() -> ResponseReturnValue:
    await asyncio.sleep(0)
    return jsonify(name="ada")


CORS(app, resources={})

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
