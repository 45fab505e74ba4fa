"""``cors-wsgi explain --report-only candidate.ini``: both policies' decisions for one request."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cors_wsgi import reasons
from tests.cli.servers import Result

APP = "https://app.example.com"
EVIL = "https://evil.example"
Cli = Callable[..., Result]


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    """current.ini (every origin, on /api/*) and candidate.ini (a copy moving to a list)."""
    current = tmp_path / "current.ini"
    current.write_text("[cors]\nallow_origins = *\nallow_methods = GET PUT\nresources = /api/*\n")
    candidate = tmp_path / "candidate.ini"
    candidate.write_text(
        f"[cors]\nallow_origins = {APP}\nallow_credentials = true\n"
        "allow_methods = GET PUT\nresources = /api/*\n"
    )
    return str(current), str(candidate)


def test_a_difference_shows_both_verdicts_and_the_enforced_answer_decides(
    cli: Cli, files: tuple[str, str]
) -> None:
    current, candidate = files
    result = cli(
        "explain", "--config", current, "--report-only", candidate, "--origin", EVIL, "--path", "/api/items",
    )  # fmt: skip

    assert result.status == 0, result.out  # allowed: the enforced policy answers
    assert (
        "report-only: " + candidate + ": allow_credentials=True, allow_methods=['GET', 'PUT'], " in result.out
    )
    assert (
        "core decision (request): allowed\n"
        "report-only decision (request): refused, reason=origin-not-allowed\n" in result.out
    )
    assert "report-only: the candidate decides 1 of these differently" in result.out
    assert result.err == ""  # the report is explain's output, not a log line on standard error


def test_a_preflight_shows_the_candidate_beside_each_decision(cli: Cli, files: tuple[str, str]) -> None:
    current, candidate = files
    result = cli(
        "explain", "--config", current, "--report-only", candidate, "--origin", APP, "--method", "PUT",
        "--path", "/api/items",
    )  # fmt: skip

    assert result.status == 0, result.out
    assert "core decision (preflight): allowed\nreport-only decision (preflight): the same\n" in result.out
    assert "core decision (request): allowed\nreport-only decision (request): the same\n" in result.out
    assert "report-only: the candidate decides alike: nothing would be reported" in result.out


def test_json_carries_the_candidate_and_each_report(cli: Cli, files: tuple[str, str]) -> None:
    current, candidate = files
    result = cli(
        "explain", "--json", "--config", current, "--report-only", candidate, "--origin", EVIL, "--method",
        "PUT", "--path", "/api/items",
    )  # fmt: skip

    report = json.loads(result.out)
    assert result.status == 0
    only = report["report_only"]
    assert only["candidate"]["allow_origins"] == [APP]
    assert only["differs"] is True
    preflight, actual = only["reports"]
    for difference in (preflight, actual):
        assert (difference["method"], difference["path"], difference["rule"]) == (
            "PUT",
            "/api/items",
            "/api/*",
        )
        assert difference["enforced"]["allowed"] is True
        assert (difference["candidate"]["allowed"], difference["candidate"]["reason"]) == (
            False,
            reasons.ORIGIN_NOT_ALLOWED,
        )
    assert (preflight["candidate"]["preflight"], actual["candidate"]["preflight"]) == (True, False)


def test_a_candidate_env_file_is_read_like_config(cli: Cli, tmp_path: Path) -> None:
    candidate = tmp_path / "candidate.env"
    candidate.write_text(f"CORS_ALLOW_ORIGINS={APP}\n")

    result = cli("explain", "--allow-origin", "*", "--report-only", str(candidate), "--origin", EVIL)

    assert "report-only decision (request): refused, reason=origin-not-allowed" in result.out


def test_a_candidate_with_other_rules_is_a_usage_error(
    cli: Cli, files: tuple[str, str], tmp_path: Path
) -> None:
    current, _ = files
    other = tmp_path / "other.ini"
    other.write_text(f"[cors]\nallow_origins = {APP}\nresources = /v2/*\n")

    result = cli("explain", "--config", current, "--report-only", str(other), "--origin", APP)

    assert result.status == 2
    assert "resources is not a policy option and differs from the enforced configuration's" in result.err


def test_an_unsafe_candidate_is_a_configuration_error(cli: Cli, tmp_path: Path) -> None:
    candidate = tmp_path / "candidate.ini"
    candidate.write_text("[cors]\nallow_origins = *\nallow_credentials = true\n")

    result = cli("explain", "--allow-origin", APP, "--report-only", str(candidate), "--origin", APP)

    assert result.status == 2
    assert (
        f"configuration error: --report-only {candidate}: report_only allow_origins='*': cannot be combined"
        in result.err
    )


def test_a_candidate_unsafe_over_the_enforced_options_is_an_error_naming_its_file(
    cli: Cli, tmp_path: Path
) -> None:
    # The candidate adds credentials to the enforced "*": the value at fault is the enforced one,
    # the file to fix is the candidate.
    candidate = tmp_path / "candidate.ini"
    candidate.write_text("[cors]\nallow_credentials = true\n")

    result = cli("explain", "--allow-origin", "*", "--report-only", str(candidate), "--origin", APP)

    assert result.status == 2
    assert f"--report-only {candidate}: report_only allow_origins='*': cannot be combined" in result.err


def test_an_error_in_the_enforced_configuration_names_its_file_not_the_candidate_s(
    cli: Cli, tmp_path: Path
) -> None:
    current = tmp_path / "current.ini"
    current.write_text(f"[cors]\nallow_origins = {APP}/\n")
    candidate = tmp_path / "candidate.ini"
    candidate.write_text(f"[cors]\nallow_origins = {APP}\n")

    result = cli("explain", "--config", str(current), "--report-only", str(candidate), "--origin", APP)

    assert result.status == 2
    assert f"configuration error: {current} allow_origins='{APP}/': has a path" in result.err
    assert "--report-only" not in result.err


def test_without_report_only_the_output_says_nothing_of_it(cli: Cli) -> None:
    result = cli("explain", "--allow-origin", "*", "--origin", EVIL)

    assert "report-only" not in result.out
    assert "report_only" not in cli("explain", "--json", "--allow-origin", "*", "--origin", EVIL).out
