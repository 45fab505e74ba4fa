"""Chromium settles what our two browser models say about hand-written preflight answers.

The conformance suite judges responses with ``tests/conformance/fetch_model.py``
and ``cors-wsgi check`` with ``cors_wsgi/browser.py``. Here a bare WSGI app
answers preflights with headers no CORS library would write (empty list
elements, a non-token method, two Access-Control-Allow-Origin headers, ...),
and both models must reach the verdict Chromium reaches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from cors_wsgi import cli
from tests.browser.conftest import Script
from tests.browser.servers import serve
from tests.conformance.fetch_model import preflight_passes

#: name: preflight status, preflight headers (``{origin}`` is the page's),
#: the request's method and extra header, and the verdict all three must reach.
CASES: dict[str, tuple[int, list[tuple[str, str]], str, dict[str, str], str]] = {
    "empty-method-elements": (
        204,
        [("Access-Control-Allow-Methods", "PUT, , DELETE")],
        "DELETE",
        {},
        "allowed",
    ),
    "trailing-comma": (204, [("Access-Control-Allow-Methods", "DELETE,")], "DELETE", {}, "allowed"),
    "non-token-method": (204, [("Access-Control-Allow-Methods", "PUT, DE LETE")], "PUT", {}, "blocked"),
    "empty-header-elements": (
        204,
        [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-a, , x-b")],
        "PUT",
        {"X-B": "1"},
        "allowed",
    ),
    "method-case-differs": (204, [("Access-Control-Allow-Methods", "patch")], "PATCH", {}, "blocked"),
    "not-ok-status": (404, [("Access-Control-Allow-Methods", "PUT")], "PUT", {}, "blocked"),
    "two-allow-origins": (
        204,
        [("Access-Control-Allow-Origin", "{origin}"), ("Access-Control-Allow-Methods", "PUT")],
        "PUT",
        {},
        "blocked",
    ),
}

_STATUS = {204: "204 No Content", 404: "404 Not Found"}


def handwritten(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Answers ``/case/NAME`` with that case's preflight headers, and a readable 200 otherwise."""
    origin = environ.get("HTTP_ORIGIN", "")
    allow_origin = [("Access-Control-Allow-Origin", origin)]
    if environ["REQUEST_METHOD"] != "OPTIONS":
        start_response("200 OK", [("Content-Type", "text/plain"), *allow_origin])
        return [b"read"]
    status, headers, _method, _extra, _verdict = CASES[environ["PATH_INFO"].rsplit("/", 1)[-1]]
    start_response(_STATUS[status], [*allow_origin, *((n, v.format(origin=origin)) for n, v in headers)])
    return []


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(handwritten) as port:
        yield f"http://localhost:{port}"


@pytest.mark.parametrize("name", CASES)
def test_both_models_agree_with_chromium_on_a_handwritten_answer(
    name: str, page: Page, front_port: int, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, headers, method, extra, expected = CASES[name]
    origin = f"http://localhost:{front_port}"
    url = f"{server}/case/{name}"

    chromium = Script(page, origin).fetch(url, method=method, headers=extra)
    answer = [("Access-Control-Allow-Origin", origin), *((n, v.format(origin=origin)) for n, v in headers)]
    judge = preflight_passes(status, answer, origin, method, extra)
    argv = ["check", url, "--origin", origin, "--method", method, "--json"]
    argv += [arg for header, value in extra.items() for arg in ("--header", f"{header}: {value}")]
    capsys.readouterr()
    cli.main(argv)
    check = json.loads(capsys.readouterr().out)["verdict"]

    assert ("allowed" if chromium["ok"] else "blocked") == expected, chromium
    assert ("allowed" if judge else "blocked") == expected
    assert check == expected
