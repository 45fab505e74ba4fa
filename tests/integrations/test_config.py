"""Configuration from dicts, environment variables, ini and .env files and PasteDeploy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from paste.deploy import loadapp
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, Decision
from cors_wsgi.config import (
    options_from_env,
    options_from_env_file,
    options_from_ini,
    options_from_mapping,
)
from cors_wsgi.paste import filter_factory
from tests.integrations.servers import hello_app

A = "https://a.example.com"
B = "https://b.example.com"


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# --- mappings (Django settings) ---------------------------------------------


def test_from_mapping_serves_the_policy_of_the_mapping() -> None:
    settings = {"allow_origins": [A], "allow_credentials": True, "expose_headers": ["X-Id"]}
    client = TestApp(CORSMiddleware.from_mapping(hello_app, settings))

    response = client.get("/", headers={"Origin": A})

    assert response.headers["Access-Control-Allow-Origin"] == A
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Id"


def test_from_mapping_accepts_middleware_options_and_python_objects() -> None:
    seen: list[Decision] = []
    settings = {"allow_origins": [A], "resources": {"/api/*": {}}, "on_decision": seen.append, "debug": True}
    client = TestApp(CORSMiddleware.from_mapping(hello_app, settings))

    inside = client.get("/api/x", headers={"Origin": A})
    outside = client.get("/x", headers={"Origin": A})

    assert inside.headers["X-CORS-Decision"] == "allowed"
    assert "Access-Control-Allow-Origin" not in outside.headers
    assert [decision.origin for decision in seen] == [A]


def test_unknown_mapping_key_is_named_with_its_source_and_the_closest_option() -> None:
    message = error_of(CORSMiddleware.from_mapping, hello_app, {"allow_orgins": [A]}, source="settings.CORS")

    assert message.startswith("settings.CORS allow_orgins=")
    assert "did you mean allow_origins?" in message


@pytest.mark.parametrize(
    ("django_cors_headers_name", "ours"),
    [
        ("CORS_ALLOWED_ORIGINS", "allow_origins"),
        ("CORS_ALLOWED_ORIGIN_REGEXES", "allow_origin_regex"),
        ("CORS_ALLOW_ALL_ORIGINS", "allow_origins set to *"),
        ("CORS_URLS_REGEX", "resources"),
        ("CORS_PREFLIGHT_MAX_AGE", "max_age"),
    ],
)
def test_django_cors_headers_names_in_a_mapping_point_to_ours(
    django_cors_headers_name: str, ours: str
) -> None:
    message = error_of(options_from_mapping, {django_cors_headers_name: True}, "settings.CORS")

    assert message.startswith(f"settings.CORS {django_cors_headers_name}=")
    assert message.endswith(f"write {ours}")


def test_invalid_mapping_value_is_reported_with_the_source_and_the_key() -> None:
    message = error_of(
        CORSMiddleware.from_mapping, hello_app, {"allow_origins": [A + "/"]}, source="settings.CORS"
    )

    assert message.startswith(f"settings.CORS allow_origins='{A}/': has a path or trailing slash")
    assert f"write it as '{A}'" in message


def test_keyword_overrides_win_over_the_mapping() -> None:
    middleware = CORSMiddleware.from_mapping(hello_app, {"allow_origins": [A], "max_age": 5}, max_age=60)

    assert middleware.policy.options["max_age"] == 60
    assert middleware.policy.options["allow_origins"] == [A]


def test_an_invalid_override_is_not_blamed_on_the_mapping() -> None:
    message = error_of(
        CORSMiddleware.from_mapping, hello_app, {"allow_origins": [A]}, source="settings.CORS", max_age=-1
    )

    assert message.startswith("max_age=-1")


def test_a_mapping_that_is_not_a_dict_is_an_error_naming_its_source() -> None:
    message = error_of(options_from_mapping, [("allow_origins", A)], "settings.CORS")

    assert message.startswith("settings.CORS=")


# --- environment variables --------------------------------------------------


@pytest.mark.parametrize("text", [f"{A},{B}", f"{A} {B}", f"{A}, {B}", f" {A}\t{B} ", f"{A},,{B},"])
def test_environment_lists_are_comma_or_space_separated(text: str) -> None:
    assert options_from_env({"CORS_ALLOW_ORIGINS": text}) == {"allow_origins": [A, B]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("True", True),
        ("1", True),
        ("yes", True),
        ("false", False),
        ("0", False),
        ("NO", False),
    ],
)
def test_environment_booleans(text: str, value: bool) -> None:
    assert options_from_env({"CORS_ALLOW_CREDENTIALS": text}) == {"allow_credentials": value}


@pytest.mark.parametrize("text", ["on", "maybe", "", "2", "truthy"])
def test_anything_else_as_a_boolean_is_an_error_naming_the_variable(text: str) -> None:
    message = error_of(options_from_env, {"CORS_ALLOW_CREDENTIALS": text})

    assert message == (
        f"environment CORS_ALLOW_CREDENTIALS={text!r}: is not a boolean; "
        "write one of true, false, 1, 0, yes, no"
    )


@pytest.mark.parametrize(("text", "value"), [("600", 600), (" 0 ", 0), ("none", None), ("None", None)])
def test_environment_max_age_is_an_integer_or_none(text: str, value: int | None) -> None:
    assert options_from_env({"CORS_MAX_AGE": text}) == {"max_age": value}


@pytest.mark.parametrize("text", ["10m", "6e2", "", "1.5", "0x10"])
def test_environment_max_age_that_is_not_a_number_is_an_error(text: str) -> None:
    assert "CORS_MAX_AGE" in error_of(options_from_env, {"CORS_MAX_AGE": text})


def test_environment_integers_are_parsed_for_the_preflight_status() -> None:
    middleware = CORSMiddleware.from_env(
        hello_app, environ={"CORS_ALLOW_ORIGINS": A, "CORS_PREFLIGHT_STATUS": "200"}
    )
    response = TestApp(middleware).options("/", headers={"Origin": A, "Access-Control-Request-Method": "GET"})

    assert response.status_int == 200


def test_environment_regexes_are_separated_by_white_space_only() -> None:
    pattern = r"https://[a-z]{1,3}\.example\.com"

    options = options_from_env({"CORS_ALLOW_ORIGIN_REGEX": f"{pattern} https://x\\.test"})

    assert options == {"allow_origin_regex": [pattern, r"https://x\.test"]}


def test_unknown_cors_variable_is_an_error_with_a_suggestion() -> None:
    message = error_of(options_from_env, {"CORS_ALLOW_ORIGIN": A})

    assert message.startswith("environment CORS_ALLOW_ORIGIN=")
    assert message.endswith("did you mean CORS_ALLOW_ORIGINS?")


def test_django_cors_headers_variable_points_to_ours() -> None:
    message = error_of(options_from_env, {"CORS_ALLOWED_ORIGINS": A})

    assert message.endswith("write CORS_ALLOW_ORIGINS")


def test_python_only_options_in_the_environment_point_to_keyword_overrides() -> None:
    message = error_of(options_from_env, {"CORS_ON_DECISION": "print"})

    assert "cannot be written as text" in message
    assert "on_decision=" in message


def test_variables_without_the_prefix_are_ignored_and_the_prefix_is_configurable() -> None:
    environ = {"PATH": "/bin", "CORS_ALLOW_ORIGINS": A, "API_CORS_ALLOW_ORIGINS": B}

    assert options_from_env(environ, prefix="API_CORS_") == {"allow_origins": [B]}


def test_from_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", f"{A} {B}")
    monkeypatch.setenv("CORS_EXPOSE_HEADERS", "X-Id, X-Total")
    client = TestApp(CORSMiddleware.from_env(hello_app))

    response = client.get("/", headers={"Origin": B})

    assert response.headers["Access-Control-Allow-Origin"] == B
    assert response.headers["Access-Control-Expose-Headers"] == "X-Id, X-Total"


def test_invalid_environment_value_is_reported_with_the_variable_name() -> None:
    environ = {"CORS_ALLOW_ORIGINS": "*", "CORS_ALLOW_CREDENTIALS": "true"}

    message = error_of(CORSMiddleware.from_env, hello_app, environ=environ)

    assert message.startswith("environment CORS_ALLOW_ORIGINS='*': cannot be combined with allow_credentials")


def test_environment_resources_limit_cors_to_the_listed_paths() -> None:
    environ = {"CORS_ALLOW_ORIGINS": A, "CORS_RESOURCES": "/api/* /status"}
    client = TestApp(CORSMiddleware.from_env(hello_app, environ=environ))

    assert client.get("/api/x", headers={"Origin": A}).headers["Access-Control-Allow-Origin"] == A
    assert client.get("/status", headers={"Origin": A}).headers["Access-Control-Allow-Origin"] == A
    assert "Access-Control-Allow-Origin" not in client.get("/other", headers={"Origin": A}).headers


def test_empty_prefix_is_an_error() -> None:
    assert error_of(options_from_env, {}, prefix="").startswith("prefix=''")


# --- ini files ----------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ini_section_with_multi_line_lists(tmp_path: Path) -> None:
    ini = write(
        tmp_path / "cors.ini",
        f"[DEFAULT]\ndebug = true\n\n[cors]\nallow_origins =\n    {A}\n    {B}\nallow_methods = GET, PUT\n"
        "# a comment\nmax_age = none\n",
    )

    assert options_from_ini(ini) == {
        "allow_origins": [A, B],
        "allow_methods": ["GET", "PUT"],
        "max_age": None,
    }


def test_ini_values_are_literal(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nallow_origin_regex = https://%(here)s\\.test\n")

    assert options_from_ini(ini) == {"allow_origin_regex": [r"https://%(here)s\.test"]}


def test_ini_unknown_key_names_the_file_section_and_key(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nallow_credential = true\n")

    message = error_of(options_from_ini, ini)

    assert message.startswith(f"{ini} [cors] allow_credential='true': is not a cors-wsgi option")
    assert message.endswith("did you mean allow_credentials?")


def test_ini_bad_value_names_the_file_section_and_key(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nallow_credentials = sure\n")

    assert error_of(options_from_ini, ini).startswith(
        f"{ini} [cors] allow_credentials='sure': is not a boolean"
    )


def test_ini_missing_section_lists_the_sections_there_are(tmp_path: Path) -> None:
    ini = write(tmp_path / "app.ini", "[app:main]\nuse = egg:x\n\n[filter:cors]\nallow_origins = *\n")

    message = error_of(options_from_ini, ini)

    assert message.startswith(f"{ini} [cors]")
    assert message.endswith("sections: app:main, filter:cors")


def test_ini_reads_a_paste_filter_section_without_its_use_line(tmp_path: Path) -> None:
    ini = write(tmp_path / "app.ini", "[filter:cors]\nuse = egg:cors-wsgi#cors\nallow_origins = *\n")

    assert options_from_ini(ini, section="filter:cors") == {"allow_origins": ["*"]}


@pytest.mark.parametrize("text", ["allow_origins = *\n", "[cors]\na = 1\na = 2\n"])
def test_ini_syntax_errors_are_config_errors_naming_the_file(tmp_path: Path, text: str) -> None:
    ini = write(tmp_path / "bad.ini", text)

    assert error_of(options_from_ini, ini).startswith(f"{ini}=")


def test_missing_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ini"

    assert "cannot be read" in error_of(options_from_ini, missing)
    assert "cannot be read" in error_of(options_from_env_file, missing)


# --- .env files -------------------------------------------------------------


def test_env_file_with_comments_quotes_and_other_variables(tmp_path: Path) -> None:
    env = write(
        tmp_path / ".env",
        "# CORS for the API\n"
        "DATABASE_URL=postgres://db/x\n"
        f'CORS_ALLOW_ORIGINS="{A} {B}"\n'
        "export CORS_ALLOW_HEADERS='Content-Type, X-Id'\n"
        "\n"
        "CORS_MAX_AGE=60  # one minute\n"
        "CORS_ALLOW_CREDENTIALS = yes\n",
    )

    assert options_from_env_file(env) == {
        "allow_origins": [A, B],
        "allow_headers": ["Content-Type", "X-Id"],
        "max_age": 60,
        "allow_credentials": True,
    }


def test_env_file_errors_name_the_file_line_and_variable(tmp_path: Path) -> None:
    env = write(tmp_path / ".env", "# header\nCORS_DEBUG=verbose\n")

    assert error_of(options_from_env_file, env).startswith(
        f"{env} line 2 CORS_DEBUG='verbose': is not a boolean"
    )


def test_env_file_variable_set_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    env = write(tmp_path / ".env", f"CORS_ALLOW_ORIGINS={A}\nCORS_ALLOW_ORIGINS={B}\n")

    message = error_of(options_from_env_file, env)

    assert message.startswith(f"{env} line 2 CORS_ALLOW_ORIGINS=")
    assert "also line 1" in message


@pytest.mark.parametrize(
    "line", ["CORS_ALLOW_ORIGINS", "not a variable=1", "CORS_DEBUG='true", 'CORS_DEBUG="1" x']
)
def test_malformed_env_file_lines_are_errors_with_the_line_number(tmp_path: Path, line: str) -> None:
    env = write(tmp_path / ".env", f"# first\n{line}\n")

    assert error_of(options_from_env_file, env).startswith(f"{env} line 2")


# --- PasteDeploy --------------------------------------------------------------

PIPELINE = """
[app:hello]
use = call:tests.integrations.servers:hello_app_factory

[pipeline:main]
pipeline = cors hello
"""


def test_paste_filter_builds_the_middleware_from_its_keys(tmp_path: Path) -> None:
    ini = write(
        tmp_path / "development.ini",
        f"[DEFAULT]\nlevel = 1\n\n[filter:cors]\nuse = egg:cors-wsgi#cors\nallow_origins = {A}\n"
        "allow_credentials = true\ndebug = true\n" + PIPELINE,
    )
    client = TestApp(loadapp(f"config:{ini}"))

    response = client.get("/", headers={"Origin": A})

    assert response.headers["Access-Control-Allow-Origin"] == A
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["X-CORS-Decision"] == "allowed"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("allow_credentials = sometimes", "[filter:cors] allow_credentials='sometimes': is not a boolean"),
        (
            "allow_origins = https://a.example.com/",
            "[filter:cors] allow_origins='https://a.example.com/': has a path",
        ),
        ("allowed_origins = *", "[filter:cors] allowed_origins='*': is not a cors-wsgi option"),
    ],
)
def test_paste_errors_name_the_file_section_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    ini = write(tmp_path / "development.ini", f"[filter:cors]\nuse = egg:cors-wsgi#cors\n{line}\n" + PIPELINE)

    message = error_of(loadapp, f"config:{ini}")

    assert message.startswith(f"development.ini {expected}")


def test_paste_key_that_default_also_sets_is_an_error_not_silently_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = f"[DEFAULT]\ndebug = false\n\n[filter:cors]\nuse = egg:cors-wsgi#cors\nallow_origins = {A}\n"
    text += "debug = true\n"
    ini = write(tmp_path / "development.ini", text + PIPELINE)

    message = error_of(loadapp, f"config:{ini}")

    assert message.startswith("development.ini [filter:cors] debug='true': is dropped by PasteDeploy")


def test_paste_factory_without_a_file_still_names_the_key() -> None:
    message = error_of(filter_factory, {}, max_age="soon")

    assert re.match(r"\[filter\] max_age='soon': is not a whole number", message)
