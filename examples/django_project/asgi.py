"""The ASGI application: Django's views and a WebSocket consumer under the one policy of ``settings.CORS``.

HTTP goes to Django, where ``cors_wsgi.django.CorsMiddleware`` (in MIDDLEWARE)
answers CORS for every response, Django's own 404 and 500 pages included.
WebSocket handshakes never pass through Django's middleware, so the consumer
is wrapped in the ASGI adapter built from the same settings
(``middleware_options()``) with ``check_websocket_origin``: browsers send
cookies with any handshake, so a page of another site is refused before the
consumer accepts it. With Channels, wrap the ``URLRouter`` of the
``ProtocolTypeRouter``'s ``"websocket"`` entry the same way. Serve it from the
repository root::

    uvicorn --host 127.0.0.1 --port 8002 examples.django_project.asgi:application
"""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

from cors_wsgi.asgi import CORSMiddleware
from cors_wsgi.django.conf import middleware_options

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_project.settings")

django_application = get_asgi_application()


async def echo_consumer(scope: Any, receive: Any, send: Any) -> None:
    """A WebSocket consumer at /ws/echo: sends back every text message."""
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": message.get("text", "")})
        else:
            return


async def websocket_router(scope: Any, receive: Any, send: Any) -> None:
    """The consumer at /ws/echo; any other WebSocket path is closed."""
    if scope["path"] == "/ws/echo":
        await echo_consumer(scope, receive, send)
    else:
        await send({"type": "websocket.close", "code": 1000})


def _guarded_websockets() -> CORSMiddleware:
    # With resources=, only paths a rule covers are checked: the consumer's paths get the views' policy.
    options = middleware_options()
    options["resources"] = {**options.get("resources", {}), "/ws/*": {}}
    return CORSMiddleware(websocket_router, check_websocket_origin=True, **options)


websockets = _guarded_websockets()


async def application(scope: Any, receive: Any, send: Any) -> None:
    """HTTP (and lifespan) to Django, WebSockets to the guarded consumer, as a ProtocolTypeRouter would."""
    if scope["type"] == "websocket":
        await websockets(scope, receive, send)
    else:
        await django_application(scope, receive, send)
