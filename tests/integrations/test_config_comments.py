"""Inline ``#`` and ``;`` comments never become allow-list entries, whatever loader reads them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from paste.deploy import loadapp
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware
from cors_wsgi.config import STRING_PARSERS, options_from_env, options_from_env_file, options_from_ini
from cors_wsgi.policy import OPTION_NAMES
from tests.integrations.servers import PIPELINE, hello_app, write

A = "https://a.example.com"
B = "https://b.example.com"
OLD = "https://old.example.com"

#: One valid value of every option that can be written as text: every kind of parser.
VALUES = {
    "allow_origins": f"{A} {B}",
    "allow_origin_regex": r"https://pr-[0-9]+\.preview\.example\.com",
    "allow_methods": "GET, POST",
    "allow_headers": "Content-Type X-Id",
    "expose_headers": "X-Id",
    "allow_credentials": "true",
    "allow_private_network": "false",
    "max_age": "600",
    "preflight_status": "200",
    "resources": "/api/*",
    "preflight_passthrough": "no",
    "catch_exceptions": "yes",
    "debug": "1",
    "check_websocket_origin": "false",
}
#: report_only's options are written as report_only_<option> keys, parsed as the option is.
VALUES.update({f"report_only_{name}": VALUES[name] for name in sorted(OPTION_NAMES)})

#: Comments as people write them; every word of them would be a valid entry of some list.
COMMENTS = ["; was .* during the beta", "# PUT DELETE https://old.example.com", ";no space", "#"]


def from_environment(directory: Path, option: str, text: str) -> str:
    options_from_env({f"CORS_{option.upper()}": text})
    return f"environment CORS_{option.upper()}="


def from_env_file_quoted(directory: Path, option: str, text: str) -> str:
    env = write(directory / ".env", f'# settings\nCORS_{option.upper()}="{text}"\n')
    options_from_env_file(env)
    return f"{env} line 2 CORS_{option.upper()}="


def from_ini(directory: Path, option: str, text: str) -> str:
    ini = write(directory / "cors.ini", f"[cors]\n{option} = {text}\n")
    options_from_ini(ini)
    return f"{ini} line 2 [cors] {option}="


def from_ini_continuation_line(directory: Path, option: str, text: str) -> str:
    ini = write(directory / "cors.ini", f"[cors]\n{option} =\n    {text}\n")
    options_from_ini(ini)
    return f"{ini} line 2 [cors] {option}="


def from_paste_deploy(directory: Path, option: str, text: str) -> str:
    origins = "" if option == "allow_origins" else f"allow_origins = {A}\n"
    ini = write(
        directory / "development.ini",
        f"[filter:cors]\nuse = egg:cors-wsgi#cors\n{origins}{option} = {text}\n" + PIPELINE,
    )
    loadapp(f"config:{ini}")
    return f"development.ini [filter:cors] {option}="


LOADERS: list[Callable[[Path, str, str], str]] = [
    from_environment,
    from_env_file_quoted,
    from_ini,
    from_ini_continuation_line,
    from_paste_deploy,
]


def test_every_option_that_can_be_written_as_text_is_covered() -> None:
    assert sorted(VALUES) == sorted(STRING_PARSERS)


#: Options only the ASGI adapter takes: PasteDeploy builds the WSGI one, which refuses them.
ASGI_ONLY = frozenset({"check_websocket_origin"})


def test_paste_deploy_refuses_an_asgi_only_option_naming_the_asgi_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        from_paste_deploy(tmp_path, "check_websocket_origin", "true")
    assert str(caught.value).startswith("development.ini [filter:cors] check_websocket_origin=True")
    assert caught.value.fix == "remove it, or serve the app with cors_wsgi.asgi.CORSMiddleware"


@pytest.mark.parametrize("comment", COMMENTS)
@pytest.mark.parametrize(
    ("load", "option"),
    [
        (load, option)
        for load in LOADERS
        for option in sorted(VALUES)
        if not (load is from_paste_deploy and option in ASGI_ONLY)
    ],
)
def test_an_inline_comment_is_an_error_naming_the_source_the_key_and_the_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    load: Callable[[Path, str, str], str],
    option: str,
    comment: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    load(tmp_path, option, VALUES[option])  # the value itself is accepted
    text = f"{VALUES[option]} {comment}"

    with pytest.raises(ConfigError) as caught:
        load(tmp_path, option, text)

    message = str(caught.value)
    assert message.startswith(load(tmp_path, option, VALUES[option]))
    assert f"has an inline comment ({comment!r})" in message
    assert "put the comment on its own line" in message


# (On a continuation line of its own, a leading # is a comment line: see below.)
@pytest.mark.parametrize("load", [load for load in LOADERS if load is not from_ini_continuation_line])
def test_a_comment_at_the_start_of_a_value_is_refused_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: Callable[[Path, str, str], str]
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(ConfigError, match=r"has an inline comment \('# GET POST'\)"):
        load(tmp_path, "allow_methods", "# GET POST")


@pytest.mark.parametrize("option", ["allow_origins", "allow_methods", "allow_headers", "resources"])
def test_a_comment_after_a_comma_in_a_word_list_is_refused(option: str) -> None:
    with pytest.raises(ConfigError, match="has an inline comment"):
        options_from_env({f"CORS_{option.upper()}": f"{VALUES[option]},#removed"})


def test_the_issue_example_grants_nothing_it_is_refused_at_start_up(tmp_path: Path) -> None:
    ini = write(
        tmp_path / "cors.ini",
        "[cors]\nallow_origin_regex = https://pr-[0-9]+\\.preview\\.example\\.com ; was .* during the beta\n"
        "allow_credentials = true\n",
    )

    with pytest.raises(ConfigError) as caught:
        options_from_ini(ini)

    assert str(caught.value).startswith(f"{ini} line 2 [cors] allow_origin_regex=")
    assert "'; was .* during the beta'" in str(caught.value)


def test_a_regex_that_starts_with_an_escaped_comment_character_is_accepted() -> None:
    patterns = [r"\#?https://a\.example\.com", r"\;?https://b\.example\.com"]

    options = options_from_env({"CORS_ALLOW_ORIGIN_REGEX": " ".join(patterns)})

    assert options == {"allow_origin_regex": patterns}


def test_the_regex_error_says_how_to_escape_a_leading_comment_character() -> None:
    with pytest.raises(ConfigError) as caught:
        options_from_env({"CORS_ALLOW_ORIGIN_REGEX": r"https://a\.example\.com #x"})

    assert caught.value.fix.endswith(r"a pattern that really starts with # or ; writes it as \# or \;")


@pytest.mark.parametrize("text", [r"https://a\.example\.com#x", r"https://[a-z#;]+\.example\.com"])
def test_comment_characters_inside_a_regex_are_regex_syntax_not_comments(text: str) -> None:
    assert options_from_env({"CORS_ALLOW_ORIGIN_REGEX": text}) == {"allow_origin_regex": [text]}


def test_from_env_refuses_a_comment_before_building_anything() -> None:
    environ = {"CORS_ALLOW_ORIGINS": A, "CORS_ALLOW_METHODS": "GET PUT # DELETE too, later"}

    with pytest.raises(ConfigError, match=r"^environment CORS_ALLOW_METHODS='GET PUT # DELETE too, later'"):
        CORSMiddleware.from_env(hello_app, environ=environ)


# --- where the format itself defines comments, they are stripped --------------


@pytest.mark.parametrize("comment", ["# PUT DELETE", "#PUT"])
@pytest.mark.parametrize("option", sorted(VALUES))
def test_an_unquoted_env_file_value_ends_at_white_space_and_hash_as_in_dotenv(
    tmp_path: Path, option: str, comment: str
) -> None:
    key = f"CORS_{option.upper()}"
    plain = options_from_env_file(write(tmp_path / "plain.env", f"{key}={VALUES[option]}\n"))

    commented = options_from_env_file(write(tmp_path / ".env", f"{key}={VALUES[option]}\t {comment}\n"))

    assert commented == plain


@pytest.mark.parametrize("comment", ["; was .* during the beta", ";x"])
def test_a_semicolon_is_not_a_comment_in_a_env_file_so_it_is_refused(tmp_path: Path, comment: str) -> None:
    env = write(tmp_path / ".env", f"CORS_ALLOW_ORIGIN_REGEX=https://a\\.example\\.com {comment}\n")

    with pytest.raises(ConfigError, match=rf"^{env} line 1 CORS_ALLOW_ORIGIN_REGEX=.*has an inline comment"):
        options_from_env_file(env)


def test_a_comment_after_the_closing_quote_of_a_env_file_value_is_stripped(tmp_path: Path) -> None:
    env = write(tmp_path / ".env", f'CORS_ALLOW_ORIGINS="{A} {B}" # not {OLD}\n')

    assert options_from_env_file(env) == {"allow_origins": [A, B]}


def ini_with_commented_out_lines(marker: str) -> str:
    return (
        f"[cors]\n{marker} the front ends\nallow_origins =\n    {A}\n{marker} {OLD}\n"
        f"    {marker} {OLD}\n    {B}\nallow_methods = GET\n    {marker} PUT\n"
    )


@pytest.mark.parametrize("marker", ["#", ";"])
def test_ini_lines_that_are_comments_are_not_values_even_inside_a_list(tmp_path: Path, marker: str) -> None:
    ini = write(tmp_path / "cors.ini", ini_with_commented_out_lines(marker))

    assert options_from_ini(ini) == {"allow_origins": [A, B], "allow_methods": ["GET"]}


@pytest.mark.parametrize("marker", ["#", ";"])
def test_paste_deploy_comment_lines_inside_a_list_grant_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    paste_section = "[filter:cors]\nuse = egg:cors-wsgi#cors"
    section = ini_with_commented_out_lines(marker).replace("[cors]", paste_section)
    ini = write(tmp_path / "development.ini", section + PIPELINE)
    client = TestApp(loadapp(f"config:{ini}"))

    def preflight(origin: str, method: str) -> Any:
        headers = {"Origin": origin, "Access-Control-Request-Method": method}
        return client.options("/", headers=headers, expect_errors=True)

    assert preflight(B, "GET").headers["Access-Control-Allow-Origin"] == B
    assert "Access-Control-Allow-Origin" not in preflight(OLD, "GET").headers
    assert preflight(A, "PUT").status_int == 403
