"""``cors_wsgi.testing.Browser`` against WSGI apps, through its public API only.

The app under test records what reached it, so each test can check both sides:
the verdict script gets, and the requests the browser actually sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware
from cors_wsgi.errors import ConfigError
from cors_wsgi.testing import Browser

APP_ORIGIN = "https://app.example.com"

Environ = dict[str, Any]


class Echo:
    """Records each environ, answers JSON with one exposed and one unexposed header and a cookie."""

    def __init__(self, extra_headers: Iterable[tuple[str, str]] = ()) -> None:
        self.environs: list[Environ] = []
        self.extra_headers = list(extra_headers)

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        self.environs.append(environ)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.dumps(
            {
                "path": environ["PATH_INFO"],
                "query": environ["QUERY_STRING"],
                "body": environ["wsgi.input"].read(length).decode(),
            }
        ).encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("X-Total-Count", "3"),
                ("X-Internal", "hidden"),
                ("Set-Cookie", "session=new"),
                *self.extra_headers,
            ],
        )
        return [body]

    @property
    def methods(self) -> list[str]:
        return [environ["REQUEST_METHOD"] for environ in self.environs]


def api(app: Echo, **options: Any) -> CORSMiddleware:
    settings: dict[str, Any] = {
        "allow_origins": [APP_ORIGIN],
        "allow_methods": ["GET", "POST", "PUT"],
        "allow_headers": ["Authorization", "Content-Type"],
        "allow_credentials": True,
        "expose_headers": ["X-Total-Count"],
    }
    return CORSMiddleware(app, **{**settings, **options})


def test_the_issue_example_is_allowed_and_reads_the_exposed_header() -> None:
    echo = Echo()
    browser = Browser(api(echo), origin=APP_ORIGIN)
    r = browser.fetch(
        "/api/items",
        method="PUT",
        credentials="include",
        headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
    )
    assert r.allowed, r.explanation
    assert r.reason == "allowed"
    assert r.status == 200
    assert r.readable_headers >= {"x-total-count"}
    assert r.headers["x-total-count"] == "3"
    assert r.preflight is not None
    assert echo.methods == ["PUT"]  # the middleware answers the preflight itself


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {}),
        ("HEAD", {}),
        ("POST", {"Content-Type": "text/plain"}),
        ("POST", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("GET", {"Accept": "application/json", "Accept-Language": "en-GB"}),
        ("GET", {"Range": "bytes=0-99"}),
    ],
)
def test_safelisted_requests_send_no_preflight(method: str, headers: dict[str, str]) -> None:
    echo = Echo()
    r = Browser(api(echo)).fetch("/items", method=method, headers=headers)
    assert r.allowed, r.explanation
    assert r.preflight is None
    assert echo.methods == [method]


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("PUT", {}),
        ("POST", {"Content-Type": "application/json"}),
        ("GET", {"Authorization": "Bearer t"}),
        ("GET", {"Accept": "x" * 129}),
        ("GET", {"Range": "bytes=0-1,5-9"}),
        ("patch", {}),
    ],
)
def test_non_safelisted_requests_are_preflighted_first(method: str, headers: dict[str, str]) -> None:
    echo = Echo()
    r = Browser(api(echo, allow_methods=["GET", "PUT", "patch"], allow_headers=["*"])).fetch(
        "/items", method=method, headers=headers
    )
    assert r.preflight is not None
    assert r.preflight.method == "OPTIONS"
    assert ("Access-Control-Request-Method", method) in r.preflight.headers
    assert r.allowed, r.explanation
    assert echo.methods == [method]


def test_every_request_carries_the_origin_and_a_preflight_lists_the_unsafe_headers() -> None:
    echo = Echo()
    Browser(echo).fetch("/items", method="PUT", headers={"Content-Type": "application/json"})
    (preflight,) = echo.environs  # no CORS headers: the browser stops at the preflight
    assert preflight["REQUEST_METHOD"] == "OPTIONS"
    assert preflight["HTTP_ORIGIN"] == APP_ORIGIN
    assert preflight["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] == "PUT"
    assert preflight["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] == "content-type"
    Browser(echo).fetch("/items")
    actual = echo.environs[-1]
    assert actual["HTTP_ORIGIN"] == APP_ORIGIN
    assert "HTTP_ACCESS_CONTROL_REQUEST_METHOD" not in actual


def test_a_failed_preflight_stops_the_browser_and_the_server_reason_is_explained() -> None:
    echo = Echo()
    r = Browser(api(echo)).fetch("/items", method="DELETE")
    assert not r.allowed
    assert r.reason == "preflight-status"
    assert r.status == 403
    assert echo.methods == []  # the middleware answered the preflight; DELETE was never sent
    assert "method-not-allowed" in r.explanation
    assert "add the method to allow_methods" in r.explanation
    assert r.body == b""


def test_the_debug_header_reason_is_explained_for_a_refused_simple_request() -> None:
    r = Browser(api(Echo(), debug=True), origin="https://evil.example").fetch("/items")
    assert (r.allowed, r.reason) == (False, "acao-missing")
    assert "origin-not-allowed" in r.explanation
    assert "X-CORS-Decision" in r.explanation


@pytest.mark.parametrize(
    ("options", "credentials", "reason"),
    [
        ({"allow_origins": ["https://other.example"]}, "omit", "acao-missing"),
        ({"allow_origins": "*", "allow_credentials": False}, "include", "acao-wildcard-credentials"),
        ({"allow_credentials": False}, "include", "acac-missing"),
    ],
)
def test_blocked_responses_give_the_browser_side_code_and_no_body(
    options: dict[str, Any], credentials: Any, reason: str
) -> None:
    r = Browser(api(Echo(), **options)).fetch("/items", credentials=credentials)
    assert (r.allowed, r.reason) == (False, reason)
    assert r.status == 200
    assert r.body == b""
    assert r.readable_headers == frozenset()
    assert reason in r.explanation


def test_an_app_without_cors_blocks_every_cross_origin_read() -> None:
    r = Browser(Echo()).fetch("/items")
    assert (r.allowed, r.reason) == (False, "acao-missing")


def test_a_header_the_preflight_does_not_list_is_refused_by_the_browser() -> None:
    """The server's ACAH is checked by the browser model, not trusted: this app lists too little."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start_response(
            "204 No Content",
            [("Access-Control-Allow-Origin", APP_ORIGIN), ("Access-Control-Allow-Headers", "content-type")],
        )
        return []

    r = Browser(app).fetch("/", headers={"X-Api-Key": "k"})
    assert (r.allowed, r.reason) == (False, "header-not-listed")


@pytest.mark.parametrize(
    ("credentials", "expose", "readable"),
    [
        ("omit", ["X-Total-Count"], {"content-type", "x-total-count"}),
        (
            "omit",
            ["*"],
            {
                "content-type",
                "x-total-count",
                "x-internal",
                "vary",
                "access-control-allow-origin",
                "access-control-expose-headers",
            },
        ),
        ("include", ["X-Total-Count"], {"content-type", "x-total-count"}),
    ],
)
def test_readable_headers_are_safelisted_or_exposed_and_never_set_cookie(
    credentials: Any, expose: list[str], readable: set[str]
) -> None:
    allow_credentials = credentials == "include"
    app = api(Echo(), expose_headers=expose, allow_credentials=allow_credentials)
    r = Browser(app).fetch("/items", credentials=credentials)
    assert r.allowed, r.explanation
    assert r.readable_headers == readable
    assert set(r.headers) == readable


def test_a_literal_star_in_expose_headers_covers_nothing_with_credentials() -> None:
    """With credentials, ``*`` is a header named "*", so only the safelisted headers stay readable."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start_response(
            "200 OK",
            [
                ("Access-Control-Allow-Origin", APP_ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "*"),
                ("Content-Type", "text/plain"),
                ("X-Total-Count", "3"),
            ],
        )
        return [b"ok"]

    r = Browser(app).fetch("/", credentials="include")
    assert r.allowed, r.explanation
    assert r.readable_headers == {"content-type"}


def test_the_body_and_status_are_those_script_reads() -> None:
    r = Browser(api(Echo())).fetch("/items?page=2", method="POST", body="hello")
    assert r.allowed, r.explanation
    assert r.status == 200
    assert json.loads(r.body) == {"path": "/items", "query": "page=2", "body": "hello"}


def test_the_environ_is_the_one_a_pep_3333_server_builds() -> None:
    echo = Echo()
    Browser(api(echo), base_url="https://api.example.com:8443").fetch(
        "/a%20b/c?x=%2F",
        method="PUT",
        headers={"Content-Type": "application/json"},
        body=b'{"a": 1}',
    )
    environ = echo.environs[-1]
    assert environ["PATH_INFO"] == "/a b/c"
    assert environ["QUERY_STRING"] == "x=%2F"
    assert environ["CONTENT_TYPE"] == "application/json"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert environ["CONTENT_LENGTH"] == "8"
    assert (environ["wsgi.url_scheme"], environ["HTTP_HOST"]) == ("https", "api.example.com:8443")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("api.example.com", "8443")
    assert environ["SCRIPT_NAME"] == ""
    assert environ["wsgi.version"] == (1, 0)


def test_a_string_body_is_text_plain_and_so_needs_no_preflight() -> None:
    echo = Echo()
    r = Browser(api(echo)).fetch("/items", method="POST", body="{}")
    assert r.preflight is None
    assert echo.environs[0]["CONTENT_TYPE"] == "text/plain;charset=UTF-8"


def test_cookies_go_with_credentialed_requests_only_and_never_with_the_preflight() -> None:
    seen: list[Environ] = []

    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        """Grants everything, preflights included, by hand."""
        seen.append(environ)
        start_response(
            "200 OK",
            [
                ("Access-Control-Allow-Origin", APP_ORIGIN),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "PUT"),
            ],
        )
        return [b""]

    browser = Browser(app)
    assert browser.fetch(
        "/", method="PUT", credentials="include", cookies={"session": "s1", "b": "2"}
    ).allowed
    assert browser.fetch("/", credentials="same-origin", cookies={"session": "s1"}).allowed
    preflight, credentialed, uncredentialed = seen
    assert preflight["REQUEST_METHOD"] == "OPTIONS"
    assert "HTTP_COOKIE" not in preflight
    assert credentialed["HTTP_COOKIE"] == "session=s1; b=2"
    assert "HTTP_COOKIE" not in uncredentialed


def test_apps_that_use_the_write_callable_are_read_whole() -> None:
    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        write = start_response("200 OK", [("Access-Control-Allow-Origin", "*")])
        write(b"written, ")
        return [b"returned"]

    assert Browser(app).fetch("/").body == b"written, returned"


def test_redirects_are_followed_in_process_with_the_cors_check_at_each_hop() -> None:
    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        if environ["PATH_INFO"] == "/old":
            start_response("302 Found", [("Location", "/new"), ("Access-Control-Allow-Origin", "*")])
            return [b""]
        start_response("200 OK", [("Access-Control-Allow-Origin", "*")])
        return [environ["PATH_INFO"].encode()]

    r = Browser(app).fetch("/old")
    assert r.allowed, r.explanation
    assert r.body == b"/new"
    assert [str(exchange.url) for exchange in r.outcome.exchanges] == [
        "http://localhost/old",
        "http://localhost/new",
    ]


def test_a_redirect_without_cors_headers_blocks_before_it_is_followed() -> None:
    def app(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start_response("301 Moved Permanently", [("Location", "/new")])
        return [b""]

    r = Browser(app).fetch("/old")
    assert (r.allowed, r.reason, r.status) == (False, "acao-missing", 301)


def test_private_network_needs_the_servers_opt_in() -> None:
    refused = Browser(api(Echo())).fetch("/items", private_network=True)
    granted = Browser(api(Echo(), allow_private_network=True)).fetch("/items", private_network=True)
    assert (refused.allowed, refused.reason) == (False, "preflight-status")
    assert granted.allowed, granted.explanation


def test_an_absolute_url_is_fetched_with_its_own_host() -> None:
    echo = Echo()
    Browser(api(echo)).fetch("http://api.example.net:8080/x")
    assert echo.environs[0]["HTTP_HOST"] == "api.example.net:8080"


@pytest.mark.parametrize(
    ("make", "option"),
    [
        (lambda: Browser(Echo(), origin="https://app.example.com/"), "origin"),
        (lambda: Browser(Echo(), origin="app.example.com"), "origin"),
        (lambda: Browser(Echo(), origin="https://APP.example.com"), "origin"),
        (lambda: Browser(Echo(), base_url="ftp://x"), "base_url"),
        (lambda: Browser(Echo(), origin="http://localhost"), "base_url"),
        (lambda: Browser(Echo()).fetch("https://app.example.com/x"), "url"),
        (lambda: Browser(Echo()).fetch("/", method="CONNECT"), "method"),
        (lambda: Browser(Echo()).fetch("/", method="bad method"), "method"),
        (lambda: Browser(Echo()).fetch("/", headers={"Cookie": "a=b"}), "headers"),
        (lambda: Browser(Echo()).fetch("/", headers={"Sec-Fetch-Mode": "cors"}), "headers"),
        (lambda: Browser(Echo()).fetch("/", headers={"X-A": "a\r\nX-B: b"}), "headers"),
        (lambda: Browser(Echo()).fetch("/", credentials="always"), "credentials"),  # type: ignore[arg-type]
    ],
)
def test_what_fetch_would_refuse_is_an_error_naming_the_option(make: Callable[[], Any], option: str) -> None:
    with pytest.raises(ConfigError) as raised:
        make()
    assert raised.value.option == option
    assert raised.value.fix


def test_a_head_response_has_no_body_whatever_the_app_returns() -> None:
    """A server never sends a body after HEAD; Chromium shows script none."""
    r = Browser(api(Echo())).fetch("/items", method="HEAD")
    assert r.allowed, r.explanation
    assert r.body == b""
