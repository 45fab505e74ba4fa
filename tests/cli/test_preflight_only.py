"""``check --preflight-only`` sends no request but the preflight; unsafe methods are announced first."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.cli.servers import Result, ScriptedServer

ORIGIN = "https://app.example.com"
GRANT = [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "PUT, DELETE, PATCH")]
Scripted = Callable[..., ScriptedServer]
Cli = Callable[..., Result]


def test_preflight_only_sends_the_preflight_and_not_the_request(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, GRANT))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE", "--preflight-only")

    assert result.status == 0, result.out
    assert server.methods == ["OPTIONS"]
    assert "request: not sent (--preflight-only)" in result.out
    assert result.out.splitlines()[-1] == (
        "preflight passed: a browser would send the request; its response was not checked"
    )
    assert "allowed" not in result.out
    assert "warning" not in result.err


def test_preflight_only_reports_a_failed_preflight_as_blocked(scripted: Scripted, cli: Cli) -> None:
    server = scripted(preflight=(204, [("Access-Control-Allow-Origin", ORIGIN)]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE", "--preflight-only")

    assert result.status == 1
    assert "blocked [method-not-listed]" in result.out
    assert server.methods == ["OPTIONS"]


def test_preflight_only_without_a_needed_preflight_sends_nothing(scripted: Scripted, cli: Cli) -> None:
    server = scripted()

    result = cli("check", server.url, "--origin", ORIGIN, "--preflight-only", "--json")

    assert server.methods == []
    assert json.loads(result.out)["verdict"] == "preflight-passed"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "patch", "POST"])
def test_an_unsafe_method_is_announced_on_stderr_before_it_is_sent(
    scripted: Scripted, cli: Cli, method: str
) -> None:
    server = scripted(preflight=(204, [*GRANT, ("Access-Control-Allow-Methods", "patch")]))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", method)

    assert f"warning: this sends a real {method} request to {server.url}" in result.err
    assert "--preflight-only" in result.err


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_safe_method_is_sent_without_a_warning(scripted: Scripted, cli: Cli, method: str) -> None:
    server = scripted()

    result = cli("check", server.url, "--origin", ORIGIN, "--method", method)

    assert result.err == ""
