"""CORS for Pyramid through PasteDeploy: the ``[filter:cors]`` of development.ini wraps this app.

Run it from the repository root with either of::

    python -m examples.pyramid_app
    python -m pyramid.scripts.pserve examples/pyramid_app/development.ini
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.router import Router


def list_items(request: Request) -> dict[str, list[str]]:
    request.response.headers["X-Request-Id"] = "42"
    return {"items": ["apple", "pear"]}


def put_item(request: Request) -> dict[str, Any]:
    return {"stored": request.matchdict["name"]}


def main(global_config: dict[str, Any], **settings: Any) -> Router:
    """The PasteDeploy app factory named by ``[app:api]``."""
    with Configurator(settings=settings) as config:
        config.add_route("items", "/api/items")
        config.add_route("item", "/api/items/{name}")
        config.add_view(list_items, route_name="items", request_method="GET", renderer="json")
        config.add_view(put_item, route_name="item", request_method="PUT", renderer="json")
        return config.make_wsgi_app()
