"""``check`` reads raw response bytes as Chromium does: 1xx, odd header lines, white space.

The verdicts in tests/cli/raw_cases.py were measured in Chromium (and are
re-measured by tests/browser/test_raw_judges.py wherever Chromium is installed).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator

import pytest

from tests.cli.raw_cases import CASES, answer_for, final
from tests.cli.raw_server import Chunk, RawServer
from tests.cli.servers import Result
from tests.conformance import fetch_model

ORIGIN = "https://app.example.com"
Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def raw() -> Iterator[RawServer]:
    with RawServer(answer_for(ORIGIN)).running() as server:
        yield server


@pytest.mark.parametrize("name", CASES)
def test_check_reaches_chromiums_verdict_on_raw_bytes(name: str, raw: RawServer, cli: Cli) -> None:
    case = CASES[name]
    argv = ["check", raw.url("/" + name), "--origin", ORIGIN, "--method", case.method, "--json"]
    argv += ["--credentials"] if case.credentials else []

    result = cli(*argv)

    report = json.loads(result.out)
    assert (report["verdict"], report["code"]) == (case.verdict, case.code), report
    assert result.status == (0 if case.verdict == "allowed" else 1)


def test_skipped_interim_responses_are_shown(raw: RawServer, cli: Cli) -> None:
    result = cli("check", raw.url("/two-103-then-200-with-acao"), "--origin", ORIGIN)

    assert "request: GET -> 200 (after interim 103, 103, skipped)" in result.out


def test_status_099_is_the_status_script_reads(raw: RawServer, cli: Cli) -> None:
    report = json.loads(cli("check", raw.url("/status-099"), "--origin", ORIGIN, "--json").out)

    assert report["request"]["response"]["status"] == 99


@pytest.mark.parametrize(
    ("name", "header", "value"),
    [
        ("acao-obs-fold", "Access-Control-Allow-Origin", ORIGIN),
        ("acao-obs-fold-inside-the-value", "Access-Control-Allow-Origin", f"{ORIGIN[:10]} {ORIGIN[10:]}"),
        ("acao-trailing-spaces-and-tabs", "Access-Control-Allow-Origin", ORIGIN),
        ("space-before-colon", "Access-Control-Allow-Origin", ORIGIN),
    ],
)
def test_values_are_normalized_and_folds_become_one_space(
    raw: RawServer, cli: Cli, name: str, header: str, value: str
) -> None:
    report = json.loads(cli("check", raw.url("/" + name), "--origin", ORIGIN, "--json").out)

    assert [header, value] in report["request"]["response"]["headers"]


def test_an_invalid_response_says_why(raw: RawServer, cli: Cli) -> None:
    result = cli("check", raw.url("/nul-in-head"), "--origin", ORIGIN)

    assert result.status == 1
    assert "request: GET -> an invalid response" in result.out
    assert (
        "blocked [response-invalid]: the browser cannot read the response (the response head contains a NUL"
        in (result.out)
    )


def trickle(origin: str) -> list[Chunk]:
    """A valid response, 4 bytes every 20 ms: each read gets data well within the timeout, the whole not."""
    data = final("200 OK", [f"Access-Control-Allow-Origin: {origin}"])
    chunks: list[Chunk] = []
    for start in range(0, len(data), 4):
        chunks += [data[start : start + 4], 0.02]
    return chunks


def test_timeout_is_a_deadline_for_the_whole_exchange_not_per_read(cli: Cli) -> None:
    with RawServer(lambda request: trickle(ORIGIN)).running() as server:
        result = cli("check", server.url("/"), "--origin", ORIGIN, "--timeout", "0.2")

    assert result.status == 2, result.out
    assert "no complete answer within 0.2 s (--timeout)" in result.err


def test_the_trickled_response_is_allowed_given_the_time(cli: Cli) -> None:
    with RawServer(lambda request: trickle(ORIGIN)).running() as server:
        result = cli("check", server.url("/"), "--origin", ORIGIN, "--timeout", "120")

    assert result.status == 0, result.out + result.err


def test_a_server_that_accepts_and_never_answers_is_a_timeout(cli: Cli) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        result = cli("check", f"http://127.0.0.1:{port}/", "--origin", ORIGIN, "--timeout", "0.2")

    assert result.status == 2
    assert "network error: no complete answer within 0.2 s (--timeout)" in result.err


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.code != "response-invalid"])
def test_the_conformance_model_judges_the_headers_check_parsed_the_same_way(
    name: str, raw: RawServer, cli: Cli
) -> None:
    """fetch_model.py (the conformance judge), given the headers check parsed, reaches the same verdict."""
    case = CASES[name]
    argv = ["check", raw.url("/" + name), "--origin", ORIGIN, "--method", case.method, "--json"]
    report = json.loads(cli(*argv, *(["--credentials"] if case.credentials else [])).out)

    preflight = report["preflight"]
    if preflight is not None:
        response = preflight["response"]
        passes = fetch_model.preflight_passes(
            response["status"], [tuple(h) for h in response["headers"]], ORIGIN, "PUT", (), case.credentials
        )
        if not passes:
            assert case.verdict == "blocked"
            return
    actual = report["request"]["response"]
    allowed = fetch_model.cors_check([tuple(h) for h in actual["headers"]], ORIGIN, case.credentials)
    assert ("allowed" if allowed else "blocked") == case.verdict
