"""One policy for HTTP views and WebSocket consumers, built from the same Django settings.

The WebSocket app stands in for a Channels ``URLRouter``: in ``asgi.py`` it
sits beside ``get_asgi_application()`` in a ``ProtocolTypeRouter``, wrapped
in ``cors_wsgi.asgi.CORSMiddleware(..., **middleware_options())``.
"""

from __future__ import annotations

import re

import pytest
from django.test import SimpleTestCase, override_settings

from cors_wsgi import ConfigError
from cors_wsgi.asgi import CORSMiddleware
from cors_wsgi.django.conf import middleware_options
from tests.asgi.driver import run
from tests.asgi.test_websocket import EchoSocket, handshake
from tests.django.helpers import APP, OTHER

CONNECT = [{"type": "websocket.connect"}]


def guarded() -> tuple[CORSMiddleware, EchoSocket]:
    consumer = EchoSocket()
    return CORSMiddleware(consumer, check_websocket_origin=True, **middleware_options()), consumer


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
class DjangoCorsHeadersSettings(SimpleTestCase):
    def test_the_origin_the_views_grant_opens_the_socket_and_another_is_refused(self) -> None:
        app, consumer = guarded()

        listed = run(app, handshake(APP), CONNECT)
        foreign = run(app, handshake(OTHER), CONNECT)
        view = self.client.get("/api/items", headers={"Origin": APP})

        assert listed.sent[0]["type"] == "websocket.accept"
        assert foreign.sent == [{"type": "websocket.close", "code": 1008}]
        assert consumer.accepted == 1
        assert view.headers["Access-Control-Allow-Origin"] == APP

    def test_the_options_keep_django_cors_headers_meanings(self) -> None:
        options = middleware_options()

        assert options["allow_origins"] == [APP]
        assert options["preflight_status"] == 200
        assert options["max_age"] == 86400
        assert "resources" not in options

    @override_settings(CORS_URLS_REGEX=r"^/api/")
    def test_urls_regex_limits_the_socket_checks_to_its_paths_as_it_limits_the_views(self) -> None:
        app, consumer = guarded()

        inside = run(app, handshake(OTHER, path="/api/ws"), CONNECT)
        outside = run(app, handshake(OTHER, path="/ws/chat"), CONNECT)

        assert inside.sent == [{"type": "websocket.close", "code": 1008}]
        assert outside.sent[0]["type"] == "websocket.accept"
        assert consumer.accepted == 1

    @override_settings(CORS_URLS_REGEX=re.compile(r"(?i)^/api/"))
    def test_a_urls_regex_with_inline_flags_is_an_error_naming_the_fix(self) -> None:
        with pytest.raises(ConfigError, match=r"re\.compile\(\.\.\., re\.IGNORECASE\)"):
            middleware_options()

    @override_settings(CORS_ALLOWED_ORIGINS=["https://a.example.com/"])
    def test_invalid_settings_are_refused_here_too(self) -> None:
        with pytest.raises(ConfigError, match=r"cors_wsgi\.E003"):
            middleware_options()


@override_settings(CORS={"allow_origins": ["https://*.example.com"], "check_websocket_origin": True})
class CorsDict(SimpleTestCase):
    def test_check_websocket_origin_in_the_dict_is_for_the_asgi_adapter_only(self) -> None:
        consumer = EchoSocket()
        app = CORSMiddleware(consumer, **middleware_options())

        listed = run(app, handshake("https://chat.example.com"), CONNECT)
        foreign = run(app, handshake(OTHER), CONNECT)
        view = self.client.get("/api/items", headers={"Origin": "https://chat.example.com"})

        assert listed.sent[0]["type"] == "websocket.accept"
        assert foreign.sent == [{"type": "websocket.close", "code": 1008}]
        assert view.headers["Access-Control-Allow-Origin"] == "https://chat.example.com"
