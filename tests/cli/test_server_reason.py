"""A cors-wsgi server says why it refused; ``check`` and ``explain`` lead with that, not with "403"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware, reasons
from cors_wsgi.server_reason import CORE_FIXES, stated_reason
from tests.cli.servers import Result, ScriptedServer

ORIGIN = "https://app.example.com"
ALLOW = [("Access-Control-Allow-Origin", ORIGIN)]
Cli = Callable[..., Result]
Serve = Callable[[Any], str]


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def verdict_lines(result: Result) -> list[str]:
    lines = result.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("blocked ["))
    return lines[start:]


@pytest.mark.parametrize("debug", [False, True])
def test_refused_preflight_names_the_servers_reason_and_fix_first_without_verbose(
    wsgi_server: Serve, cli: Cli, debug: bool
) -> None:
    base = wsgi_server(CORSMiddleware(app, allow_origins=[ORIGIN], allow_methods=["PUT"], debug=debug))

    result = cli("check", base + "/", "--origin", ORIGIN, "--method", "PUT", "--header", "X-Secret: 1")

    assert result.status == 1
    first, second = verdict_lines(result)
    assert first.startswith("blocked [header-not-allowed]: the server refused the preflight")
    assert "header-not-allowed: x-secret" in first
    assert first.endswith(f"fix: {CORE_FIXES[reasons.HEADER_NOT_ALLOWED]}")
    assert (
        second == "browser [preflight-status]: the preflight response status is 403; a browser needs 200-299"
    )
    assert "route OPTIONS" not in result.out


def test_refused_method_names_the_method(wsgi_server: Serve, cli: Cli) -> None:
    base = wsgi_server(CORSMiddleware(app, allow_origins=[ORIGIN], allow_methods=["PUT"]))

    result = cli("check", base + "/", "--origin", ORIGIN, "--method", "DELETE")

    first, _ = verdict_lines(result)
    assert first.startswith("blocked [method-not-allowed]: ")
    assert "method-not-allowed: DELETE" in first


def test_refused_origin_on_a_simple_request_is_read_from_the_debug_header(
    wsgi_server: Serve, cli: Cli
) -> None:
    base = wsgi_server(CORSMiddleware(app, allow_origins=["https://other.example"], debug=True))

    result = cli("check", base + "/", "--origin", ORIGIN)

    first, second = verdict_lines(result)
    assert first.startswith(
        "blocked [origin-not-allowed]: the server refused the request (origin-not-allowed,"
    )
    assert "X-CORS-Decision header" in first
    assert second.startswith("browser [acao-missing]: ")


def test_json_carries_the_servers_reason_and_the_browser_code(wsgi_server: Serve, cli: Cli) -> None:
    base = wsgi_server(CORSMiddleware(app, allow_origins=[ORIGIN]))

    result = cli("check", base + "/", "--origin", ORIGIN, "--header", "X-Secret: 1", "--json")

    report = json.loads(result.out)
    assert report["code"] == "preflight-status"
    assert report["server_reason"] == {
        "reason": "header-not-allowed",
        "detail": "x-secret",
        "source": "response body",
        "fix": CORE_FIXES[reasons.HEADER_NOT_ALLOWED],
    }


def test_a_403_from_another_server_keeps_the_preflight_status_fix(
    scripted: Callable[..., ScriptedServer], cli: Cli
) -> None:
    server = scripted(preflight=(403, ALLOW))

    result = cli("check", server.url, "--origin", ORIGIN, "--method", "DELETE")

    assert verdict_lines(result) == [
        "blocked [preflight-status]: the preflight response status is 403; a browser needs 200-299; answer "
        "OPTIONS requests for this path with 204 or 200 (route OPTIONS to the CORS middleware; check that "
        "authentication does not demand credentials a preflight never sends)"
    ]


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ([], b"CORS preflight refused: header-not-allowed: x-a\n", ("header-not-allowed", "x-a")),
        ([], b"CORS preflight refused: origin-not-allowed\n", ("origin-not-allowed", "")),
        ([], b"CORS preflight refused: header-not-allowed: x a\x1b[2J\n", ("header-not-allowed", "")),
        ([], b"CORS preflight refused: made-up-reason: x\n", None),
        ([], b"CORS preflight refused: allowed\n", None),
        ([], b"Forbidden\n", None),
        (
            [("X-CORS-Decision", "refused; reason=method-not-allowed; method=DELETE")],
            b"",
            ("method-not-allowed", "DELETE"),
        ),
        ([("x-cors-decision", "refused; reason=origin-malformed")], b"", ("origin-malformed", "")),
        ([("X-CORS-Decision", "allowed")], b"", None),
        ([("X-CORS-Decision", "not-cors; reason=no-origin")], b"", None),
        ([("X-CORS-Decision", "refused; reason=<script>")], b"", None),
    ],
)  # fmt: skip
def test_only_a_known_reason_and_a_token_detail_are_taken_from_the_response(
    headers: list[tuple[str, str]], body: bytes, expected: tuple[str, str] | None
) -> None:
    found = stated_reason(403, headers, body)

    assert (found and (found.reason, found.detail)) == expected


def test_a_refusal_body_on_a_non_403_is_not_a_stated_reason() -> None:
    assert stated_reason(200, [], b"CORS preflight refused: header-not-allowed: x-a\n") is None


def test_explain_ends_with_the_servers_reason_not_the_preflight_status_fix(cli: Cli) -> None:
    result = cli("explain", "--origin", ORIGIN, "--header", "X-Secret: 1", "--allow-origin", ORIGIN)

    first, second = verdict_lines(result)
    assert first.startswith("blocked [header-not-allowed]: ")
    assert second.startswith("browser [preflight-status]: ")
    assert result.out.splitlines()[-1] == second
    assert "route OPTIONS" not in result.out


def test_explain_lists_exposed_headers_as_readable(cli: Cli) -> None:
    result = cli("explain", "--origin", ORIGIN, "--allow-origin", ORIGIN, "--expose-header", "X-Total,X-Page")

    assert "script can read these response headers: content-length, content-type, x-page, x-total" in (
        result.out.splitlines()
    )


def test_explain_exposed_headers_follow_the_resource_rule_for_the_path(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text(f"[cors]\nallow_origins = {ORIGIN}\nexpose_headers = X-Total\nresources = /api/*\n")

    result = cli("explain", "--config", str(config), "--origin", ORIGIN, "--path", "/api/items")

    assert result.status == 0, result.out
    assert "script can read these response headers: content-length, content-type, x-total" in result.out


def test_explain_policy_line_shows_the_resource_rules(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text(f"[cors]\nallow_origins = {ORIGIN}\nresources = /api/*\n")

    result = cli("explain", "--config", str(config), "--origin", ORIGIN, "--path", "/api/items")

    policy = result.out.splitlines()[0]
    assert policy == f"policy: CORSPolicy(allow_origins=['{ORIGIN}']), resources=[('/api/*', {{}})]"
