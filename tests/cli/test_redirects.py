"""``check`` follows redirects as fetch() does, and never says "allowed" for an unfinished exchange."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator

import pytest

from tests.cli.raw_cases import acao, final
from tests.cli.raw_server import Chunk, RawRequest, RawServer
from tests.cli.redirect_cases import REDIRECT_CASES, other_host, redirect, redirect_answer_for, step
from tests.cli.servers import Result

ORIGIN = "https://app.example.com"
Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def redirecting() -> Iterator[RawServer]:
    with RawServer(redirect_answer_for(ORIGIN)).running() as server:
        yield server


@pytest.mark.parametrize("name", REDIRECT_CASES)
def test_check_reaches_chromiums_verdict_on_a_redirect_chain(
    name: str, redirecting: RawServer, cli: Cli
) -> None:
    case = REDIRECT_CASES[name]

    report = json.loads(cli("check", redirecting.url(f"/{name}/0"), "--origin", ORIGIN, "--json").out)

    assert (report["verdict"], report["code"]) == (case.verdict, case.code), report


def test_origin_becomes_null_after_a_cross_origin_hop_and_stays_after_a_same_origin_one(
    redirecting: RawServer, cli: Cli
) -> None:
    before = len(redirecting.received)
    cli("check", redirecting.url("/cross-origin-hop-then-null/0"), "--origin", ORIGIN)
    cli("check", redirecting.url("/same-origin-hop/0"), "--origin", ORIGIN)

    origins = [request.headers["origin"] for request in redirecting.received[before:]]
    assert origins == [ORIGIN, "null", ORIGIN, ORIGIN]


def test_the_hops_are_shown_with_their_urls(redirecting: RawServer, cli: Cli) -> None:
    result = cli("check", redirecting.url("/cross-origin-hop-then-null/0"), "--origin", ORIGIN)

    lines = result.out.splitlines()
    assert "request: GET -> 307" in lines
    final_url = redirecting.url("/cross-origin-hop-then-null/1", host="localhost")
    assert f"request: GET {final_url} -> 200" in lines
    assert any("Origin: null" in line for line in lines if line.startswith("note:"))


def test_the_redirect_limit_names_the_count(redirecting: RawServer, cli: Cli) -> None:
    result = cli("check", redirecting.url("/twenty-one-redirects/0"), "--origin", ORIGIN)

    assert result.status == 1
    assert "redirected more than 20 times" in result.out
    assert sum(line.startswith("request: GET") for line in result.out.splitlines()) == 21


def methods_and_paths(origin: str, request: RawRequest) -> list[Chunk]:
    """/NAME/0 redirects with the status NAME names; /NAME/1 grants everything."""
    name = request.path.split("/")[1]
    grant = [
        acao(origin),
        "Access-Control-Allow-Methods: PUT, POST",
        "Access-Control-Allow-Headers: *, Authorization",
    ]
    if request.method == "OPTIONS":
        return [final("204 No Content", grant, b"")]
    if step(request) == 0:
        location = f"{other_host(request)}/{name}/1" if name.startswith("cross") else "1"
        return redirect(f"{name.split('-')[-1]} Moved", location, [acao(origin)])
    return [final("200 OK", [acao("null" if name.startswith("cross") else origin)])]


@pytest.fixture
def methods_server() -> Iterator[RawServer]:
    with RawServer(lambda request: methods_and_paths(ORIGIN, request)).running() as server:
        yield server


def sent(server: RawServer) -> list[tuple[str, str]]:
    return [(request.method, request.path.rsplit("/", 1)[1]) for request in server.received]


def test_a_preflight_is_sent_again_at_every_hop(methods_server: RawServer, cli: Cli) -> None:
    result = cli("check", methods_server.url("/keep-307/0"), "--origin", ORIGIN, "--method", "PUT")

    assert result.status == 0, result.out
    assert sent(methods_server) == [("OPTIONS", "0"), ("PUT", "0"), ("OPTIONS", "1"), ("PUT", "1")]


@pytest.mark.parametrize(
    ("name", "method", "then"),
    [
        ("post-302", "POST", "GET"),
        ("put-303", "PUT", "GET"),
        ("post-307", "POST", "POST"),
        ("put-301", "PUT", "PUT"),
    ],
)
def test_301_302_turn_post_into_get_and_303_turns_anything_into_get(
    methods_server: RawServer, cli: Cli, name: str, method: str, then: str
) -> None:
    result = cli(
        "check", methods_server.url(f"/{name}/0"), "--origin", ORIGIN, "--method", method,
        "--header", "Content-Type: application/json",
    )  # fmt: skip

    assert result.status == 0, result.out
    second = [request for request in methods_server.received if request.path.endswith("/1")][-1]
    assert second.method == then
    assert ("content-type" in second.headers) == (then != "GET")


def test_authorization_is_dropped_on_a_cross_origin_hop(methods_server: RawServer, cli: Cli) -> None:
    result = cli(
        "check", methods_server.url("/cross-307/0"), "--origin", ORIGIN, "--header", "Authorization: Bearer t"
    )

    assert result.status == 0, result.out
    first, second = (r for r in methods_server.received if r.method == "GET")
    assert first.headers["authorization"] == "Bearer t"
    assert "authorization" not in second.headers


def test_a_redirect_to_a_server_that_does_not_answer_is_a_network_error_not_allowed(cli: Cli) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]

    def answer(request: RawRequest) -> list[Chunk]:
        return redirect("302 Found", f"http://127.0.0.1:{dead}/gone", [acao(ORIGIN)])

    with RawServer(answer).running() as server:
        result = cli("check", server.url("/"), "--origin", ORIGIN)

    assert result.status == 2
    assert "network error" in result.err
    assert "allowed" not in result.out


def test_after_a_cross_origin_hop_the_fix_is_never_to_grant_null(redirecting: RawServer, cli: Cli) -> None:
    result = cli("check", redirecting.url("/cross-origin-hop-then-the-page-origin/0"), "--origin", ORIGIN)

    verdict = result.out.splitlines()[-1]
    assert verdict.startswith(
        "blocked [acao-mismatch]: Access-Control-Allow-Origin is 'https://app.example.com', "
    )
    assert "request the final URL directly" in verdict
    assert "send exactly" not in verdict
