"""Chromium and ``check`` judge the same raw bytes: 1xx responses, odd header lines, white space.

A raw-socket server sends each case of tests/cli/raw_cases.py byte for byte,
to Chromium's ``fetch()`` from a page on another origin and to ``cors-wsgi
check``; both must reach the verdict recorded there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from cors_wsgi import CORSMiddleware, cli
from tests.browser.conftest import Script
from tests.browser.servers import serve
from tests.cli.raw_cases import CASES, answer_for
from tests.cli.raw_server import RawServer
from tests.cli.redirect_cases import REDIRECT_CASES, redirect_answer_for


@pytest.fixture(scope="module")
def raw(front_port: int) -> Iterator[RawServer]:
    with RawServer(answer_for(f"http://localhost:{front_port}")).running() as server:
        yield server


@pytest.mark.parametrize("name", CASES)
def test_chromium_and_check_agree_on_raw_bytes(
    name: str, page: Page, front_port: int, raw: RawServer, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    origin = f"http://localhost:{front_port}"
    url = raw.url("/" + name, host="localhost")
    init = {"method": case.method, **({"credentials": "include"} if case.credentials else {})}

    chromium = Script(page, origin).fetch(url, **init)
    argv = ["check", url, "--origin", origin, "--method", case.method, "--json"]
    capsys.readouterr()
    cli.main(argv + (["--credentials"] if case.credentials else []))
    check = json.loads(capsys.readouterr().out)["verdict"]

    assert ("allowed" if chromium["ok"] else "blocked") == case.verdict, chromium
    assert check == case.verdict


@pytest.fixture(scope="module")
def redirecting(front_port: int) -> Iterator[RawServer]:
    with RawServer(redirect_answer_for(f"http://localhost:{front_port}")).running() as server:
        yield server


@pytest.mark.parametrize("name", REDIRECT_CASES)
def test_chromium_and_check_agree_on_redirects(
    name: str, page: Page, front_port: int, redirecting: RawServer, capsys: pytest.CaptureFixture[str]
) -> None:
    case = REDIRECT_CASES[name]
    origin = f"http://localhost:{front_port}"
    url = redirecting.url(f"/{name}/0", host="localhost")

    chromium = Script(page, origin).fetch(url)
    capsys.readouterr()
    cli.main(["check", url, "--origin", origin, "--json"])
    check = json.loads(capsys.readouterr().out)["verdict"]

    assert ("allowed" if chromium["ok"] else "blocked") == case.verdict, chromium
    assert check == case.verdict


def plain_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@pytest.mark.parametrize("debug", [False, True])
def test_a_cors_wsgi_refusal_blocks_in_chromium_and_check_names_the_servers_reason(
    debug: bool, page: Page, front_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    origin = f"http://localhost:{front_port}"
    middleware = CORSMiddleware(plain_app, allow_origins=[origin], allow_methods=["PUT"], debug=debug)

    with serve(middleware) as port:
        url = f"http://localhost:{port}/items"
        chromium = Script(page, origin).fetch(url, method="PUT", headers={"X-Secret": "1"})
        capsys.readouterr()
        status = cli.main(["check", url, "--origin", origin, "--method", "PUT", "--header", "X-Secret: 1"])
    out = capsys.readouterr().out

    assert not chromium["ok"], chromium
    assert status == 1
    verdict = [line for line in out.splitlines() if line.startswith(("blocked", "browser"))]
    assert verdict[0].startswith("blocked [header-not-allowed]: the server refused the preflight")
    assert verdict[1].startswith("browser [preflight-status]: ")
