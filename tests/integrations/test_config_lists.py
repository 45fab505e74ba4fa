"""Lists as text: commas, white space or both, alike in every loader; regexes by white space only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from paste.deploy import loadapp

from cors_wsgi import ConfigError, CORSMiddleware
from cors_wsgi.config import options_from_env, options_from_env_file, options_from_ini
from tests.integrations.servers import hello_app

A = "https://a.example.com"
B = "https://b.example.com"

#: Every option that is a list of words, with two entries and what they parse to.
LISTS: dict[str, tuple[tuple[str, str], Any]] = {
    "allow_origins": ((A, B), [A, B]),
    "allow_methods": (("GET", "PATCH"), ["GET", "PATCH"]),
    "allow_headers": (("Content-Type", "X-Id"), ["Content-Type", "X-Id"]),
    "expose_headers": (("X-Id", "X-Total"), ["X-Id", "X-Total"]),
    "resources": (("/api/*", "/status"), [("/api/*", {}), ("/status", {})]),
}

SEPARATORS = [",", " ", ", ", " ,\t", ",,", "\t"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def from_environment(directory: Path, option: str, text: str) -> dict[str, Any]:
    return options_from_env({f"CORS_{option.upper()}": text})


def from_env_file(directory: Path, option: str, text: str) -> dict[str, Any]:
    return options_from_env_file(write(directory / ".env", f"CORS_{option.upper()}='{text}'\n"))


def from_ini(directory: Path, option: str, text: str) -> dict[str, Any]:
    return options_from_ini(write(directory / "cors.ini", f"[cors]\n{option} = {text}\n"))


LOADERS: list[Callable[[Path, str, str], dict[str, Any]]] = [from_environment, from_env_file, from_ini]


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("option", sorted(LISTS))
@pytest.mark.parametrize("load", LOADERS)
def test_every_list_option_is_split_on_commas_and_white_space(
    tmp_path: Path, load: Callable[[Path, str, str], dict[str, Any]], option: str, separator: str
) -> None:
    (first, second), parsed = LISTS[option]

    assert load(tmp_path, option, f"{first}{separator}{second}") == {option: parsed}


@pytest.mark.parametrize("load", LOADERS)
def test_comma_separated_methods_reach_the_policy_as_a_list(
    tmp_path: Path, load: Callable[[Path, str, str], dict[str, Any]]
) -> None:
    options = load(tmp_path, "allow_methods", "GET,POST,PATCH")

    middleware = CORSMiddleware(hello_app, allow_origins=[A], **options)

    assert middleware.policy.options["allow_methods"] == ["GET", "POST", "PATCH"]


def test_paste_deploy_splits_a_comma_separated_list_too(tmp_path: Path) -> None:
    ini = write(
        tmp_path / "development.ini",
        f"[filter:cors]\nuse = egg:cors-wsgi#cors\nallow_origins = {A},{B}\nallow_methods = GET,PATCH\n"
        "[app:hello]\nuse = call:tests.integrations.servers:hello_app_factory\n\n"
        "[pipeline:main]\npipeline = cors hello\n",
    )

    middleware = loadapp(f"config:{ini}")

    assert isinstance(middleware, CORSMiddleware)
    assert middleware.policy.options["allow_origins"] == [A, B]
    assert middleware.policy.options["allow_methods"] == ["GET", "PATCH"]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (r"https://a\.com,https://b\.com", r"https://a\.com https://b\.com"),
        (r"https://a\.com, https://b\.com", r"https://a\.com https://b\.com"),
        (r"https://a\.com ,https://b\.com", r"https://a\.com https://b\.com"),
        (r"https://a\.com,", r"https://a\.com"),
        (r"https://a\.com,,https://b\.com", r"https://a\.com https://b\.com"),
        (
            r"https://x\.com https://[a-z]{1,3}\.a\.com,https://b\.com",
            r"https://x\.com https://[a-z]{1,3}\.a\.com https://b\.com",
        ),
    ],
)
@pytest.mark.parametrize("load", LOADERS)
def test_a_comma_separated_regex_list_is_an_error_that_says_to_use_white_space(
    tmp_path: Path, load: Callable[[Path, str, str], dict[str, Any]], text: str, written: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, "allow_origin_regex", text)

    error = caught.value
    assert error.value == text
    assert error.problem.startswith("looks like patterns separated by commas")
    assert error.fix == (
        f"separate regexes with white space only (a comma is regex syntax, as in {{1,3}}): write {written!r}"
    )
    assert load(tmp_path, "allow_origin_regex", written) == {"allow_origin_regex": written.split()}


@pytest.mark.parametrize(
    "pattern",
    [
        r"https://[a-z]{1,3}\.example\.com",
        r"https://a{2,}\.example\.com",
        r"https://(a|b){,2}\.example\.com",
        r"https://[,a-z]+\.example\.com",
    ],
)
@pytest.mark.parametrize("load", LOADERS)
def test_commas_that_are_regex_syntax_are_kept_in_the_pattern(
    tmp_path: Path, load: Callable[[Path, str, str], dict[str, Any]], pattern: str
) -> None:
    assert load(tmp_path, "allow_origin_regex", f"{pattern} {pattern}x") == {
        "allow_origin_regex": [pattern, pattern + "x"]
    }
