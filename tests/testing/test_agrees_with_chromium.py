"""``Browser``, in process, reaches real Chromium's verdict on every case of the browser matrix.

Each case runs twice against the same app: once through ``fetch()`` in Chromium
(``/usr/bin/chromium``) against the app served on loopback, once through
``Browser`` calling the app in process. Both must agree on whether script can
read the response, whether a preflight was sent, which response headers script
can read and what the app received; ``cors-wsgi check`` on the live server gives
the same reason code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from cors_wsgi import CORSMiddleware, cli
from cors_wsgi.testing import Browser
from tests.browser.conftest import Script
from tests.browser.servers import Counting, WSGIApp, api, flask_api, serve
from tests.browser.test_chromium import core_api


def wildcard_api(allowed_origin: str) -> WSGIApp:
    """Any origin, method and header, every response header exposed: what credentials change."""
    return CORSMiddleware(api, allow_origins="*", allow_methods="*", allow_headers="*", expose_headers="*")


APPS: dict[str, Callable[[str], WSGIApp]] = {
    "core": core_api,
    "flask_ext": flask_api,
    "wildcard": wildcard_api,
}

#: page origin ("allowed" or "refused"), method, headers, credentials, body.
CASES: dict[str, tuple[str, str, dict[str, str], bool, str | None]] = {
    "simple-get": ("allowed", "GET", {}, False, None),
    "simple-head": ("allowed", "HEAD", {}, False, None),
    "form-post": ("allowed", "POST", {"Content-Type": "application/x-www-form-urlencoded"}, False, "a=1"),
    "text-post": ("allowed", "POST", {}, False, "plain"),
    "json-post": ("allowed", "POST", {"Content-Type": "application/json"}, False, '{"a": 1}'),
    "put-authorization-credentials": ("allowed", "PUT", {"Authorization": "Bearer t0ken"}, True, "x"),
    "put-x-requested-with": ("allowed", "PUT", {"X-Requested-With": "t"}, False, None),
    "get-credentials": ("allowed", "GET", {}, True, None),
    "long-accept": ("allowed", "GET", {"Accept": "a/" + "b" * 127}, False, None),
    "refused-method": ("allowed", "DELETE", {}, False, None),
    "lowercase-patch": ("allowed", "patch", {}, False, None),
    "refused-header": ("allowed", "GET", {"X-Forbidden": "1"}, False, None),
    "refused-origin": ("refused", "GET", {}, False, None),
    "refused-origin-credentials": ("refused", "PUT", {"Authorization": "Bearer t"}, True, "x"),
}

#: Headers the loopback server adds and the in-process call has not: left out of the comparison.
SERVER_ADDED = {"date", "server", "content-length"}


@pytest.fixture(scope="module", params=list(APPS), ids=list(APPS))
def served(request: pytest.FixtureRequest, front_port: int) -> Iterator[tuple[str, Counting]]:
    app = Counting(APPS[request.param](f"http://localhost:{front_port}"))
    with serve(app) as port:
        yield f"http://localhost:{port}", app


def echoed(body: str | bytes) -> dict[str, Any]:
    """What the app received, from its JSON echo (empty for HEAD)."""
    return json.loads(body) if body else {}


@pytest.mark.parametrize(
    ("page_origin", "method", "headers", "credentials", "body"), CASES.values(), ids=CASES
)
def test_browser_agrees_with_chromium(
    page: Page,
    front_port: int,
    served: tuple[str, Counting],
    capsys: pytest.CaptureFixture[str],
    page_origin: str,
    method: str,
    headers: dict[str, str],
    credentials: bool,
    body: str | None,
) -> None:
    base_url, counting = served
    host = "localhost" if page_origin == "allowed" else "127.0.0.1"
    origin = f"http://{host}:{front_port}"
    path = f"/matrix/{page_origin}/{method}/{len(headers)}/{credentials}"
    init: dict[str, Any] = {"method": method, "headers": headers}
    if credentials:
        init["credentials"] = "include"
        page.context.add_cookies([{"name": "session", "value": "s3cret", "domain": "localhost", "path": "/"}])
    if body is not None:
        init["body"] = body
    chromium = Script(page, origin).fetch(base_url + path, **init)
    chromium_preflighted = counting.preflights[path] > 0

    r = Browser(counting.app, origin=origin, base_url=base_url).fetch(
        path,
        method=method,
        headers=headers,
        credentials="include" if credentials else "same-origin",
        body=body,
        cookies={"session": "s3cret"},
    )
    assert r.allowed == chromium["ok"], (chromium, r.explanation)
    assert (r.preflight is not None) == chromium_preflighted, r.explanation
    if chromium["ok"]:
        assert r.status == chromium["status"]
        assert r.readable_headers - SERVER_ADDED == set(chromium["headers"]) - SERVER_ADDED
        assert echoed(r.body) == echoed(chromium["body"])
    else:
        assert (r.body, r.readable_headers) == (b"", frozenset())

    # One browser model: ``cors-wsgi check`` on the live server gives the same code.
    argv = ["check", base_url + path, "--origin", origin, "--method", method, "--json"]
    argv += [arg for name, value in headers.items() for arg in ("--header", f"{name}: {value}")]
    argv += ["--credentials"] if credentials else []
    capsys.readouterr()
    cli.main(argv)
    assert json.loads(capsys.readouterr().out)["code"] == r.reason


def test_the_matrix_covers_both_verdicts_and_both_kinds_of_request() -> None:
    """A matrix where every case passed (or none needed a preflight) would prove little."""
    verdicts = set()
    preflights = set()
    for name, (page_origin, method, headers, credentials, body) in CASES.items():
        app = core_api("http://localhost:3000")
        origin = "http://localhost:3000" if page_origin == "allowed" else "http://127.0.0.1:3000"
        r = Browser(app, origin=origin).fetch(
            f"/{name}",
            method=method,
            headers=headers,
            credentials="include" if credentials else "omit",
            body=body,
        )
        verdicts.add(r.allowed)
        preflights.add(r.preflight is not None)
    assert verdicts == {True, False}
    assert preflights == {True, False}
