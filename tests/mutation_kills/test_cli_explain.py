"""``cors-wsgi explain``: its arguments, its text and JSON output line by line, and the options
it reads from files (mutation kills in ``cors_wsgi.cli``)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware
from cors_wsgi.cli import build_parser, main, run_explain
from tests.cli.servers import Result

ORIGIN = "https://app.example.com"
ALLOW = ("--origin", ORIGIN, "--allow-origin", ORIGIN)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    return Result(status, captured.out, captured.err)


def explain_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    result = run(capsys, "explain", "--json", *argv)
    assert result.out == json.dumps(json.loads(result.out), indent=2) + "\n"
    report: dict[str, Any] = json.loads(result.out)
    return report


def policy_of(**options: Any) -> str:
    return repr(CORSMiddleware(lambda environ, start_response: [], **options).policy)


# -- arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("X-Foo", "'X-Foo' is not 'Name: value' (ASCII, one line)"),
        ("X Foo: 1", "'X Foo: 1' is not 'Name: value' (ASCII, one line)"),
        ("X-Foo: a\rb", "is not 'Name: value' (ASCII, one line)"),
        ("X-Foo: caf\xe9", "is not 'Name: value' (ASCII, one line)"),
        (
            "Cookie: a=b",
            "Cookie is a forbidden request header: the browser sets it, a script cannot "
            "(use --credentials for cookies)",
        ),
        ("Host: a.example", "Host is a forbidden request header: the browser sets it, a script cannot"),
    ],
)
def test_a_header_argument_that_a_script_cannot_set_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], header: str, error: str
) -> None:
    result = run(capsys, "explain", *ALLOW, "--header", header)

    assert result.status == 2
    assert result.out == ""
    assert result.err.startswith("usage: cors-wsgi explain ")
    assert "\ncors-wsgi explain: error: argument --header: " in result.err
    assert result.err.endswith(f"{error}\n")


@pytest.mark.parametrize(
    ("header", "shown"), [("X-Foo: a\rb", "'X-Foo: a\\rb'"), ("X-Foo: caf\xe9", "'X-Foo: caf\\xe9'")]
)
def test_a_refused_header_argument_is_shown_escaped_once(
    capsys: pytest.CaptureFixture[str], header: str, shown: str
) -> None:
    result = run(capsys, "explain", *ALLOW, "--header", header)

    assert result.err.endswith(f"argument --header: {shown} is not 'Name: value' (ASCII, one line)\n")


def test_a_header_value_may_hold_a_colon(capsys: pytest.CaptureFixture[str]) -> None:
    report = explain_json(capsys, *ALLOW, "--header", "X-Foo:  a:b ", "--allow-header", "X-Foo")

    assert ["X-Foo", "a:b"] in report["request"]["headers"]


def test_usage_errors_exit_with_status_2_not_0() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["explain"])

    assert caught.value.code == 2


# -- policy flags and files ----------------------------------------------------


def test_regex_max_age_and_private_network_flags_reach_the_policy(capsys: pytest.CaptureFixture[str]) -> None:
    argv = (
        "--origin", ORIGIN, "--allow-origin-regex", r"https://.*\.example\.com", "--max-age", "60",
        "--private-network", "--allow-private-network",
    )  # fmt: skip

    report = explain_json(capsys, *argv)

    assert report["verdict"] == "allowed"
    assert report["policy"] == policy_of(
        allow_origin_regex=[r"https://.*\.example\.com"], max_age=60, allow_private_network=True
    )
    assert ["Access-Control-Max-Age", "60"] in report["preflight"]["response"]["headers"]


def test_a_cfg_file_is_read_as_ini_from_the_section_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "policy.cfg"
    config.write_text(f"[cors]\nallow_origins = https://other.example\n[api]\nallow_origins = {ORIGIN}\n")
    candidate = tmp_path / "candidate.cfg"
    candidate.write_text(f"[api]\nallow_origins = {ORIGIN}\nmax_age = 5\n")

    result = run(
        capsys, "explain", "--origin", ORIGIN, "--config", str(config), "--section", "api",
        "--report-only", str(candidate),
    )  # fmt: skip

    assert result.status == 0, result.err
    assert result.out.splitlines()[:2] == [
        f"policy: {policy_of(allow_origins=[ORIGIN])}",
        f"report-only: {candidate}: allow_origins=['{ORIGIN}'], max_age=5",
    ]


def test_an_env_file_is_read_with_the_prefix_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "cors.env"
    config.write_text(f"CORS_ALLOW_ORIGINS=https://other.example\nAPI_ALLOW_ORIGINS={ORIGIN}\n")
    candidate = tmp_path / "candidate.env"
    candidate.write_text(f"API_ALLOW_ORIGINS={ORIGIN}\n")

    result = run(
        capsys, "explain", "--origin", ORIGIN, "--config", str(config), "--prefix", "API_",
        "--report-only", str(candidate),
    )  # fmt: skip

    assert result.status == 0, result.err
    assert result.out.splitlines()[:2] == [
        f"policy: {policy_of(allow_origins=[ORIGIN])}",
        f"report-only: {candidate}: allow_origins=['{ORIGIN}']",
    ]


def test_an_error_in_the_candidate_file_is_a_configuration_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    candidate = tmp_path / "candidate.env"
    candidate.write_text("CORS_MAX_AGE=soon\n")

    result = run(capsys, "explain", *ALLOW, "--report-only", str(candidate))

    assert result.status == 2
    assert result.err == (
        f"cors-wsgi explain: configuration error: {candidate} line 1 CORS_MAX_AGE='soon': is not a whole "
        "number of seconds; write digits, for example 600, or none to omit the header\n"
    )


def test_a_candidate_without_policy_options_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    candidate = tmp_path / "candidate.env"
    candidate.write_text("# nothing yet\n")

    result = run(capsys, "explain", *ALLOW, "--report-only", str(candidate))

    assert f"report-only: {candidate}: no policy option" in result.out.splitlines()
    assert (
        result.out.splitlines()[-1] == "report-only: the candidate decides alike: nothing would be reported"
    )


def test_a_differing_candidate_is_summed_up_after_the_outcome(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    candidate = tmp_path / "candidate.env"
    candidate.write_text("CORS_ALLOW_ORIGINS=https://other.example\n")

    result = run(capsys, "explain", *ALLOW, "--report-only", str(candidate))

    assert result.out.splitlines()[-1] == (
        "report-only: the candidate decides 1 of these differently, so each is reported; the answer "
        "above is the enforced policy's"
    )


# -- the text output -----------------------------------------------------------


def test_explain_prints_the_policy_the_decisions_and_the_stand_in_apps_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run(
        capsys,
        "explain",
        *ALLOW,
        "--method",
        "PUT",
        "--allow-method",
        "PUT,PATCH",
        "--expose-header",
        "X-Id, X-B",
    )
    lines = result.out.splitlines()
    policy = policy_of(allow_origins=[ORIGIN], allow_methods=["PUT", "PATCH"], expose_headers=["X-Id", "X-B"])

    assert lines[:4] == [
        f"policy: {policy}",
        f"request: PUT / from {ORIGIN}",
        "core decision (preflight): allowed",
        "core decision (request): allowed",
    ]
    start = lines.index("request: PUT -> 200")
    assert lines[start + 1 : start + 6] == [
        f"  > Origin: {ORIGIN}",
        "  < Content-Type: text/plain",
        "  < Content-Length: 27",
        "  < X-Id: (set by your app)",
        "  < X-B: (set by your app)",
    ]
    assert "  < (body) the application's response\\n" in lines


@pytest.mark.parametrize("exposed", [(), ("--expose-header", "*")])
def test_the_stand_in_app_sets_no_header_for_an_empty_or_wildcard_exposure(
    capsys: pytest.CaptureFixture[str], exposed: tuple[str, ...]
) -> None:
    report = explain_json(capsys, *ALLOW, *exposed)

    app_headers = report["request"]["response"]["headers"][:2]
    assert app_headers == [["Content-Type", "text/plain"], ["Content-Length", "27"]]
    assert [
        name for name, value in report["request"]["response"]["headers"] if value == "(set by your app)"
    ] == []


def test_a_refusal_prints_its_fix_under_the_decision(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "explain", *ALLOW, "--header", "X-A: 1")

    assert result.out.splitlines()[2:4] == [
        "core decision (preflight): refused, reason=header-not-allowed (x-a)",
        "  fix: add the header to allow_headers, or stop sending it",
    ]


def test_a_path_no_rule_covers_is_passed_through(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "cors.ini"
    config.write_text(f"[cors]\nallow_origins = {ORIGIN}\nresources = /api/*\n")

    result = run(capsys, "explain", "--origin", ORIGIN, "--config", str(config), "--path", "/static/x")
    report = explain_json(capsys, "--origin", ORIGIN, "--config", str(config), "--path", "/static/x")

    assert result.out.splitlines()[1:3] == [
        f"request: GET /static/x from {ORIGIN}",
        "core: no rule covers this path; the middleware passes it through untouched",
    ]
    assert report["passed_through"] is True
    assert report["decisions"] == []
    assert report["policy"] == f"{policy_of(allow_origins=[ORIGIN])}, resources=[('/api/*', {{}})]"


def test_run_explain_writes_to_the_stream_it_is_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    candidate = tmp_path / "candidate.env"
    candidate.write_text("CORS_ALLOW_ORIGINS=https://other.example\n")
    printed = run(capsys, "explain", *ALLOW, "--header", "X-A: 1", "--report-only", str(candidate)).out
    args = build_parser().parse_args(
        ["explain", *ALLOW, "--header", "X-A: 1", "--report-only", str(candidate)]
    )
    out = io.StringIO()

    assert run_explain(args, out) == 1
    assert out.getvalue() == printed
    assert capsys.readouterr().out == ""


def test_run_explain_writes_its_json_to_the_stream_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    printed = run(capsys, "explain", "--json", *ALLOW).out
    out = io.StringIO()

    assert run_explain(build_parser().parse_args(["explain", "--json", *ALLOW]), out) == 0
    assert out.getvalue() == printed
    assert capsys.readouterr().out == ""


# -- the JSON output -----------------------------------------------------------


def test_the_json_of_an_allowed_request_has_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    report = explain_json(capsys, *ALLOW)

    assert report["message"] == ""
    assert report["fix"] == ""
    assert report["notes"] == []
    assert report["preflight_reasons"] == []
    assert report["readable_headers"] == ["content-length", "content-type"]
    assert report["passed_through"] is False
    assert report["policy"] == policy_of(allow_origins=[ORIGIN])
    (exchange,) = report["exchanges"]
    assert exchange == report["request"]
    assert exchange["url"] is None
    assert exchange["preflight"] is False
    assert exchange["method"] == "GET"
    (decision,) = report["decisions"]
    assert decision["headers"] == [["Access-Control-Allow-Origin", ORIGIN], ["Vary", "Origin"]]
    assert decision["vary"] == ["Origin"]


def test_the_json_of_a_preflight_marks_it_and_its_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    report = explain_json(capsys, *ALLOW, "--method", "PUT")

    assert report["preflight_reasons"] == ["the method 'PUT' is not GET, HEAD or POST"]
    assert [(e["method"], e["preflight"]) for e in report["exchanges"]] == [("OPTIONS", True)]
    assert report["message"].startswith("the server refused the preflight") or report["message"]


def test_run_explain_writes_the_pass_through_and_an_alike_candidate_to_the_stream_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "cors.ini"
    config.write_text(f"[cors]\nallow_origins = {ORIGIN}\nresources = /api/*\n")
    candidate = tmp_path / "candidate.env"
    candidate.write_text(f"CORS_ALLOW_ORIGINS={ORIGIN}\n")
    passed, alike = io.StringIO(), io.StringIO()
    parse = build_parser().parse_args

    run_explain(parse(["explain", "--origin", ORIGIN, "--config", str(config), "--path", "/x"]), passed)
    run_explain(parse(["explain", *ALLOW, "--report-only", str(candidate)]), alike)

    assert "core: no rule covers this path; the middleware passes it through untouched" in passed.getvalue()
    assert alike.getvalue().endswith("report-only: the candidate decides alike: nothing would be reported\n")
    assert capsys.readouterr().out == ""


def test_the_json_states_the_servers_reason_with_its_fix(capsys: pytest.CaptureFixture[str]) -> None:
    report = explain_json(capsys, *ALLOW, "--header", "X-A: 1")

    assert report["server_reason"] == {
        "reason": "header-not-allowed",
        "detail": "x-a",
        "source": "response body",
        "fix": "add the header to allow_headers, or stop sending it",
    }
    assert explain_json(capsys, *ALLOW)["server_reason"] is None
