"""What a preflight is.

Fetch, "CORS protocol" > "HTTP requests" (#http-requests): a CORS request has
an Origin header; a CORS-preflight request is a CORS request with method
OPTIONS and an Access-Control-Request-Method header. Anything else is an
ordinary request for the application.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conformance.client import ORIGIN, BrowserClient


def recording_app(seen: list[str]) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        seen.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from the app"]

    return app


def test_preflight_is_answered_by_the_middleware_without_reaching_the_app(
    client: Callable[..., BrowserClient],
) -> None:
    """#cors-preflight-fetch: the preflight only asks; the app must not act on it."""
    seen: list[str] = []
    response = client(recording_app(seen), allow_origins=[ORIGIN], allow_methods=["PUT"]).preflight(
        ORIGIN, "PUT"
    )
    assert response.status_int == 204
    assert seen == []


def test_options_without_request_method_is_an_ordinary_request(client: Callable[..., BrowserClient]) -> None:
    """#http-requests: without Access-Control-Request-Method, OPTIONS is not a preflight."""
    seen: list[str] = []
    response = client(recording_app(seen), allow_origins=[ORIGIN]).request("OPTIONS", ORIGIN)
    assert seen == ["OPTIONS"]
    assert response.body == b"from the app"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_options_with_empty_request_method_is_an_ordinary_request(
    client: Callable[..., BrowserClient],
) -> None:
    """An empty ACRM names no method, so nothing is being asked for."""
    seen: list[str] = []
    client(recording_app(seen), allow_origins=[ORIGIN]).request(
        "OPTIONS", ORIGIN, **{"Access-Control-Request-Method": ""}
    )
    assert seen == ["OPTIONS"]


def test_options_with_request_method_but_no_origin_is_not_a_preflight(
    client: Callable[..., BrowserClient],
) -> None:
    """#http-requests: a CORS request is one with an Origin header."""
    seen: list[str] = []
    response = client(recording_app(seen), allow_origins=[ORIGIN]).request(
        "OPTIONS", None, **{"Access-Control-Request-Method": "PUT"}
    )
    assert seen == ["OPTIONS"]
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_passthrough_lets_the_app_answer_with_the_cors_headers(
    client: Callable[..., BrowserClient],
) -> None:
    """Apps that route OPTIONS themselves still get the preflight's grant added."""
    seen: list[str] = []
    response = client(
        recording_app(seen), allow_origins=[ORIGIN], allow_methods=["PUT"], preflight_passthrough=True
    ).preflight(ORIGIN, "PUT")
    assert seen == ["OPTIONS"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


def test_actual_request_after_preflight_reaches_the_app(client: Callable[..., BrowserClient]) -> None:
    """#cors-preflight-fetch is followed by the actual request, which the app serves."""
    seen: list[str] = []
    browser = client(recording_app(seen), allow_origins=[ORIGIN], allow_methods=["PUT"])
    browser.preflight(ORIGIN, "PUT")
    response = browser.request("PUT", ORIGIN)
    assert seen == ["PUT"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
