"""report_only from every loader: a dict in mappings, report_only_<option> keys in text sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from paste.deploy import loadapp

from cors_wsgi import ConfigError, CORSMiddleware, Report, reasons
from cors_wsgi.config import options_from_env, options_from_env_file, options_from_ini
from tests.integrations.servers import PIPELINE, write
from tests.report.conftest import APP, EVIL, Reports, call, ok_app, preflight, report_lines


def assert_watches_the_list(app: CORSMiddleware, reports: list[Report]) -> None:
    """The app allows every origin and reports what the candidate (only APP, PUT) would refuse."""
    call(app, origin=APP)
    call(app, origin=EVIL)
    preflight(app, APP, "PUT")
    preflight(app, APP, "DELETE")
    assert call(app, origin=EVIL)[1][-1] == ("Access-Control-Allow-Origin", "*")
    assert [(r.candidate.origin, r.method, r.candidate.reason) for r in reports] == [
        (EVIL, "GET", reasons.ORIGIN_NOT_ALLOWED),
        (APP, "DELETE", reasons.METHOD_NOT_ALLOWED),
        (EVIL, "GET", reasons.ORIGIN_NOT_ALLOWED),
    ]


def test_from_mapping_takes_a_report_only_dict_and_on_report(reports: Reports) -> None:
    settings = {
        "allow_origins": "*",
        "allow_methods": ["PUT", "DELETE"],
        "report_only": {"allow_origins": [APP], "allow_methods": ["PUT"]},
        "on_report": reports,
    }
    assert_watches_the_list(CORSMiddleware.from_mapping(ok_app, settings), reports)


def test_from_env_reads_report_only_option_variables(reports: Reports) -> None:
    environ = {
        "CORS_ALLOW_ORIGINS": "*",
        "CORS_ALLOW_METHODS": "PUT DELETE",
        "CORS_REPORT_ONLY_ALLOW_ORIGINS": APP,
        "CORS_REPORT_ONLY_ALLOW_METHODS": "PUT",
    }
    assert_watches_the_list(CORSMiddleware.from_env(ok_app, environ=environ, on_report=reports), reports)


def test_env_file_and_ini_read_the_same_keys(tmp_path: Path, reports: Reports) -> None:
    env = write(
        tmp_path / ".env",
        f"CORS_ALLOW_ORIGINS=*\nCORS_ALLOW_METHODS=PUT,DELETE\nCORS_REPORT_ONLY_ALLOW_ORIGINS={APP}\n"
        "CORS_REPORT_ONLY_ALLOW_METHODS=PUT\n",
    )
    ini = write(
        tmp_path / "cors.ini",
        "[cors]\nallow_origins = *\nallow_methods = PUT DELETE\n"
        f"report_only_allow_origins = {APP}\nreport_only_allow_methods = PUT\n",
    )
    expected = {"allow_origins": ["*"], "allow_methods": ["PUT", "DELETE"]}
    expected["report_only"] = {"allow_origins": [APP], "allow_methods": ["PUT"]}  # type: ignore[assignment]

    assert options_from_env_file(env) == expected
    assert options_from_ini(ini) == expected
    assert_watches_the_list(CORSMiddleware(ok_app, **options_from_ini(ini), on_report=reports), reports)


def test_paste_deploy_builds_a_middleware_that_logs_its_reports(
    tmp_path: Path, caught: pytest.LogCaptureFixture
) -> None:
    ini = write(
        tmp_path / "development.ini",
        "[filter:cors]\nuse = egg:cors-wsgi#cors\nallow_origins = *\n"
        f"report_only_allow_origins = {APP}\nreport_only_allow_credentials = true\n" + PIPELINE,
    )
    app = loadapp(f"config:{ini}")

    granted = call(app, origin=EVIL)

    assert ("Access-Control-Allow-Origin", "*") in granted[1]
    assert "Access-Control-Allow-Credentials" not in dict(granted[1])
    [line] = report_lines(caught)
    assert "enforced=allowed candidate=refused(origin-not-allowed) origin='https://evil.example'" in line


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"CORS_ALLOW_ORIGINS": "*", "CORS_REPORT_ONLY_ALLOW_ORIGINS": "https://a.example.com/"},
            "environment CORS_REPORT_ONLY_ALLOW_ORIGINS='https://a.example.com/': has a path",
        ),
        (
            {
                "CORS_ALLOW_ORIGINS": "*",
                "CORS_REPORT_ONLY_ALLOW_ORIGINS": "*",
                "CORS_REPORT_ONLY_ALLOW_CREDENTIALS": "1",
            },
            "environment CORS_REPORT_ONLY_ALLOW_ORIGINS='*': cannot be combined with allow_credentials",
        ),
        (
            # The candidate's allow_origins is the enforced one, written nowhere in the candidate.
            {"CORS_ALLOW_ORIGINS": "*", "CORS_REPORT_ONLY_ALLOW_CREDENTIALS": "true"},
            "report_only allow_origins='*': cannot be combined with allow_credentials=True",
        ),
        (
            {"CORS_REPORT_ONLY_ALLOW_CREDENTIALS": "maybe"},
            "environment CORS_REPORT_ONLY_ALLOW_CREDENTIALS='maybe': is not a boolean",
        ),
        (
            {"CORS_REPORT_ONLY_ALLOW_ORIGIN": APP},
            "environment CORS_REPORT_ONLY_ALLOW_ORIGIN='https://app.example.com': is not a cors-wsgi option; "
            "did you mean CORS_REPORT_ONLY_ALLOW_ORIGINS?",
        ),
        (
            {"CORS_REPORT_ONLY": APP},
            "environment CORS_REPORT_ONLY='https://app.example.com': cannot be written as one text value; "
            "write each of its options as a key of its own, such as CORS_REPORT_ONLY_ALLOW_ORIGINS",
        ),
        (
            {"CORS_REPORT_ONLY_RESOURCES": "/api/*"},
            "environment CORS_REPORT_ONLY_RESOURCES='/api/*': is not an option of report_only",
        ),
        (
            {"CORS_REPORT_ONLY_ALLOW_ORIGINS": f"{APP} # the new list"},
            "environment CORS_REPORT_ONLY_ALLOW_ORIGINS='https://app.example.com # the new list': "
            "has an inline comment",
        ),
    ],
)
def test_env_errors_name_the_variable_the_value_was_written_in(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware.from_env(ok_app, environ=environ)
    assert str(caught.value).startswith(message)


def test_an_ini_error_names_the_file_line_and_key(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nallow_origins = *\nreport_only_max_age = soon\n")
    with pytest.raises(ConfigError) as caught:
        options_from_ini(ini)
    assert str(caught.value).startswith(
        f"{ini} line 3 [cors] report_only_max_age='soon': is not a whole number"
    )


def test_a_paste_error_in_the_candidate_names_the_file_section_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ini = write(
        tmp_path / "development.ini",
        "[filter:cors]\nuse = egg:cors-wsgi#cors\nallow_origins = https://a.example.com\n"
        "report_only_allow_origins = *\nreport_only_allow_credentials = true\n" + PIPELINE,
    )
    with pytest.raises(ConfigError) as caught:
        loadapp(f"config:{ini}")
    assert str(caught.value).startswith(
        "development.ini [filter:cors] report_only_allow_origins='*': cannot be combined"
    )


def test_a_mapping_error_in_the_candidate_names_the_mapping_and_the_option() -> None:
    settings = {"allow_origins": [APP], "report_only": {"allow_origins": "*", "allow_credentials": True}}
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware.from_mapping(ok_app, settings, source="settings.CORS")
    assert str(caught.value).startswith("settings.CORS report_only allow_origins='*': cannot be combined")


def test_the_text_keys_without_a_prefix_are_not_taken_for_another_program_s() -> None:
    # CORS_REPORT_ONLY_* is ours: a misspelling is an error, never "ignored as another program's".
    with pytest.raises(ConfigError):
        options_from_env({"CORS_REPORT_ONLY_MAXAGE": "5"})
