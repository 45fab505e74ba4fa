"""The ASGI application: Django's views and a WebSocket consumer under the one policy of ``settings.CORS``.

Wrapping the ASGI application covers every response Django sends, its own
404 and 500 pages included, and answers preflights before Django sees them.
With ``check_websocket_origin`` the same policy decides which pages may open
the WebSocket: browsers send cookies with any handshake, so a page of
another site is refused before the consumer accepts it. With Channels, wrap
the ``ProtocolTypeRouter`` the same way. Serve it from the repository root::

    uvicorn examples.django_project.asgi:application --port 8002
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application

from cors_wsgi.asgi import CORSMiddleware

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


async def router(scope: Any, receive: Any, send: Any) -> None:
    """HTTP (and lifespan) to Django, WebSockets to the consumer, as a ProtocolTypeRouter would."""
    if scope["type"] == "websocket" and scope["path"] == "/ws/echo":
        await echo_consumer(scope, receive, send)
    elif scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1000})
    else:
        await django_application(scope, receive, send)


# With resources=, only paths a rule covers are checked: the consumer's path gets the same policy.
application = CORSMiddleware.from_mapping(
    router,
    settings.CORS,
    source="settings.CORS",
    resources={**settings.CORS["resources"], "/ws/*": {}},
    check_websocket_origin=True,
)
