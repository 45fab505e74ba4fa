"""``cors-wsgi explain``: the core's decision offline, and what a browser then does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import browser, reasons
from cors_wsgi.server_reason import CORE_FIXES
from tests.cli.servers import Result

ORIGIN = "https://app.example.com"
Cli = Callable[..., Result]


def explain_json(cli: Cli, *argv: str) -> tuple[int, dict[str, Any]]:
    result = cli("explain", "--json", *argv)
    return result.status, json.loads(result.out)


def test_allowed_request_shows_core_decision_middleware_headers_and_browser_verdict(cli: Cli) -> None:
    result = cli(
        "explain", "--origin", ORIGIN, "--method", "PUT", "--header", "X-Foo: 1",
        "--allow-origin", ORIGIN, "--allow-method", "PUT", "--allow-header", "X-Foo",
    )  # fmt: skip

    assert result.status == 0, result.out
    assert "core decision (preflight): allowed" in result.out
    assert "core decision (request): allowed" in result.out
    assert "  < Access-Control-Allow-Methods: PUT" in result.out
    assert (
        "  < Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network" in result.out
    )
    assert result.out.rstrip().endswith("allowed: a browser lets the script read the response")


@pytest.mark.parametrize(
    ("argv", "reason", "detail"),
    [
        (["--origin", "https://evil.example"], reasons.ORIGIN_NOT_ALLOWED, ""),
        (["--origin", ORIGIN, "--method", "DELETE"], reasons.METHOD_NOT_ALLOWED, "DELETE"),
        (["--origin", ORIGIN, "--header", "X-Foo: 1"], reasons.HEADER_NOT_ALLOWED, "x-foo"),
        (["--origin", ORIGIN, "--private-network"], reasons.PRIVATE_NETWORK_NOT_ALLOWED, ""),
    ],
)
def test_refusals_carry_the_core_reason_code_and_block(
    cli: Cli, argv: list[str], reason: str, detail: str
) -> None:
    status, report = explain_json(cli, *argv, "--allow-origin", ORIGIN)

    assert status == 1
    assert report["verdict"] == "blocked"
    refused = [d for d in report["decisions"] if not d["allowed"]]
    assert [(d["reason"], d["detail"]) for d in refused] == [(reason, detail)]
    assert refused[0]["fix"] == CORE_FIXES[reason]


def test_refusal_text_names_reason_detail_and_fix(cli: Cli) -> None:
    result = cli("explain", "--origin", ORIGIN, "--header", "X-Foo: 1", "--allow-origin", ORIGIN)

    assert result.status == 1
    assert "core decision (preflight): refused, reason=header-not-allowed (x-foo)" in result.out
    assert f"fix: {CORE_FIXES[reasons.HEADER_NOT_ALLOWED]}" in result.out
    assert "request: not sent" in result.out


def test_credentials_policy_grants_a_credentialed_request(cli: Cli) -> None:
    status, report = explain_json(
        cli, "--origin", ORIGIN, "--credentials", "--allow-origin", ORIGIN, "--allow-credentials"
    )

    assert status == 0
    assert ["Access-Control-Allow-Credentials", "true"] in report["request"]["response"]["headers"]


def test_wildcard_policy_is_blocked_by_the_browser_for_credentialed_requests(cli: Cli) -> None:
    status, report = explain_json(cli, "--origin", ORIGIN, "--credentials", "--allow-origin", "*")

    assert status == 1
    assert report["decisions"][0]["allowed"] is True
    assert report["code"] == browser.ACAO_WILDCARD_CREDENTIALS


def test_ini_config_with_resources_depends_on_the_path(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text(f"[cors]\nallow_origins = {ORIGIN}\nresources = /api/*\n")

    inside = cli("explain", "--config", str(config), "--origin", ORIGIN, "--path", "/api/items")
    outside = cli("explain", "--config", str(config), "--origin", ORIGIN, "--path", "/static/app.js")

    assert inside.status == 0, inside.out
    assert outside.status == 1
    assert "no rule covers this path" in outside.out
    assert f"blocked [{browser.ACAO_MISSING}]" in outside.out


def test_path_is_decoded_as_a_server_decodes_it_before_rules_match(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text(f"[cors]\nallow_origins = {ORIGIN}\nresources = /api/*\n")

    encoded = cli("explain", "--config", str(config), "--origin", ORIGIN, "--path", "/%61pi/items?page=2")

    assert encoded.status == 0, encoded.out
    assert "request: GET /%61pi/items?page=2 from" in encoded.out
    assert "no rule covers this path" not in encoded.out


@pytest.mark.parametrize("path", ["api/items", "/api\nitems"])
def test_a_path_that_is_not_a_request_path_is_a_usage_error(cli: Cli, path: str) -> None:
    result = cli("explain", "--origin", ORIGIN, "--allow-origin", ORIGIN, "--path", path)

    assert result.status == 2
    assert "is not a request path" in result.err


def test_env_file_config_is_read_and_flags_override_it(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / ".env"
    config.write_text(f"CORS_ALLOW_ORIGINS={ORIGIN}\nCORS_ALLOW_METHODS=GET\n")

    refused = cli("explain", "--config", str(config), "--origin", ORIGIN, "--method", "PUT")
    granted = cli(
        "explain", "--config", str(config), "--origin", ORIGIN, "--method", "PUT", "--allow-method", "PUT"
    )

    assert refused.status == 1
    assert "reason=method-not-allowed" in refused.out
    assert granted.status == 0, granted.out


@pytest.mark.parametrize(
    "argv",
    [
        ["--allow-origin", "https://app.example.com/"],
        ["--allow-origin", "*", "--allow-credentials"],
        ["--allow-header", "X Foo"],
        ["--max-age", "-1"],
        ["--config", "/nonexistent/cors.ini"],
    ],
)
def test_bad_policy_exits_2_with_the_configuration_error(cli: Cli, argv: list[str]) -> None:
    result = cli("explain", "--origin", ORIGIN, *argv)

    assert result.status == 2
    assert "configuration error" in result.err


def test_bad_config_file_names_the_file_and_key(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text("[cors]\nallow_orgins = https://app.example.com\n")

    result = cli("explain", "--config", str(config), "--origin", ORIGIN)

    assert result.status == 2
    assert "allow_orgins" in result.err


def test_every_core_reason_has_a_fix() -> None:
    assert set(CORE_FIXES) == set(reasons.ALL)
    assert all(CORE_FIXES[code] for code in reasons.ALL if code != reasons.ALLOWED)


def test_every_reason_code_is_documented_in_the_troubleshooting_guide() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "cli.rst").read_text()

    missing = [code for code in (*reasons.ALL, *browser.CODES) if f"``{code}``" not in guide]
    assert missing == []
