"""CORS for one blueprint only: the admin API opens to one origin, the rest of the app to none.

``CORS(blueprint)`` must run before ``app.register_blueprint`` (as in
flask-cors). As in flask-cors, a blueprint's options are flask-cors's defaults
and its own: ``app.config``'s ``CORS_*`` keys and ``CORS(app)``'s options do not
apply to it, so it never grants more than it says.

Run it: ``python -m examples.flask_blueprints`` (serves http://127.0.0.1:5000).
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from flask_ext import CORS

admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.get("/users")
def users() -> ResponseReturnValue:
    return jsonify(users=["ada", "grace"])


@admin.delete("/users/<name>")
def delete_user(name: str) -> ResponseReturnValue:
    return jsonify(deleted=name)


CORS(
    admin,
    origins=["https://admin.example.com"],
    methods=["GET", "DELETE"],
    supports_credentials=True,
    max_age=3600,
)

app = Flask(__name__)
app.register_blueprint(admin)


@app.get("/internal")
def internal() -> ResponseReturnValue:
    """Outside the blueprint: no CORS headers, so other sites cannot read it."""
    return jsonify(secret=True)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
