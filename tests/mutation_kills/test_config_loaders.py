"""The configuration loaders (``cors_wsgi.config``): every error they raise, part by part, and
the edge cases of .env, ini and PasteDeploy files (mutation kills).

A ConfigError keeps its parts (option, value, problem, fix) as attributes for
tools that report them differently, so the tests compare the parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware
from cors_wsgi.config import (
    STRING_PARSERS,
    options_from_env,
    options_from_env_file,
    options_from_ini,
    options_from_mapping,
)
from cors_wsgi.paste import filter_factory
from tests.integrations.servers import hello_app

A = "https://a.example.com"
REGEX_COMMENT_FIX = (
    r"put the comment on its own line; a pattern that really starts with # or ; writes it as \# or \;"
)


def error_of(call: Any, *args: Any, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        call(*args, **kwargs)
    return caught.value


def parts(error: ConfigError) -> tuple[str, object, str, str]:
    return error.option, error.value, error.problem, error.fix


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- mappings ------------------------------------------------------------------


def test_a_mapping_that_is_not_a_dict_names_it_and_asks_for_a_dict() -> None:
    error = error_of(options_from_mapping, ["allow_origins"], "settings.CORS")

    assert parts(error) == (
        "settings.CORS",
        ["allow_origins"],
        "is not a dict",
        "use a dict of CORSMiddleware options",
    )


def test_a_key_that_is_not_a_string_is_named_by_its_repr() -> None:
    error = error_of(options_from_mapping, {1: "x"}, "settings.CORS")

    assert parts(error) == ("settings.CORS 1", "x", "is not a string key", "use option names as keys")


def test_an_unknown_mapping_key_shows_its_value_and_mapping_is_the_default_source() -> None:
    error = error_of(options_from_mapping, {"allow_orgins": [A]})

    assert parts(error) == (
        "mapping allow_orgins",
        [A],
        "is not a cors-wsgi option",
        "did you mean allow_origins?",
    )


# -- the environment -----------------------------------------------------------


@pytest.mark.parametrize("load", [options_from_env, options_from_env_file])
def test_an_empty_prefix_is_refused(load: Any) -> None:
    error = error_of(load, {}, "") if load is options_from_env else error_of(load, "unused.env", "")

    assert parts(error) == ("prefix", "", "is empty", 'use a prefix such as "CORS_"')


@pytest.mark.parametrize(
    ("variable", "text", "problem", "fix"),
    [
        ("PREFLIGHT_STATUS", "ok", "is not a whole number", "write digits only, for example 600"),
        (
            "MAX_AGE",
            "soon",
            "is not a whole number of seconds",
            "write digits, for example 600, or none to omit the header",
        ),
        (
            "ON_DECISION",
            "print",
            "cannot be written as text",
            "pass on_decision= in Python, for example CORSMiddleware.from_env(app, on_decision=...)",
        ),
        (
            "REPORT_ONLY_DEBUG",
            "true",
            "is not an option of report_only: a candidate has only a policy's options",
            "remove it; the candidate is compared under the enforced configuration's other options",
        ),
        (
            "ALLOW_ORIGINS",
            f"{A} # the app ",
            "has an inline comment ('# the app'), which would be read as part of the value",
            "put the comment on its own line",
        ),
        (
            "ALLOW_ORIGIN_REGEX",
            r"https://a\.example\.com ;x",
            "has an inline comment (';x'), which would be read as part of the value",
            REGEX_COMMENT_FIX,
        ),
        (
            "REPORT_ONLY_ALLOW_ORIGIN_REGEX",
            r"https://a\.example\.com #x",
            "has an inline comment ('#x'), which would be read as part of the value",
            REGEX_COMMENT_FIX,
        ),
    ],
)
def test_environment_errors_name_the_variable_the_problem_and_the_fix(
    variable: str, text: str, problem: str, fix: str
) -> None:
    error = error_of(options_from_env, {"CORS_" + variable: text})

    assert parts(error) == ("environment CORS_" + variable, text, problem, fix)


@pytest.mark.parametrize("variable", ["CORS_ALLOW_ORIGIN_REGEX", "CORS_REPORT_ONLY_ALLOW_ORIGIN_REGEX"])
def test_a_comma_before_a_comment_character_is_regex_syntax_in_a_regex(variable: str) -> None:
    pattern = r"https://[a,#;]\.example\.com"

    options = options_from_env({variable: pattern})

    assert options in ({"allow_origin_regex": [pattern]}, {"report_only": {"allow_origin_regex": [pattern]}})


def test_a_report_only_key_alone_asks_for_one_key_per_option_spelt_as_the_source_spells_keys(
    tmp_path: Path,
) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nreport_only = x\n")
    environment = error_of(options_from_env, {"MY_REPORT_ONLY": "x"}, "MY_")

    assert parts(error_of(options_from_ini, ini)) == (
        f"{ini} line 2 [cors] report_only",
        "x",
        "cannot be written as one text value",
        "write each of its options as a key of its own, such as report_only_allow_origins",
    )
    assert (
        environment.fix
        == "write each of its options as a key of its own, such as MY_REPORT_ONLY_ALLOW_ORIGINS"
    )


def test_an_unknown_ini_key_with_no_close_option_lists_them_all(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nzzz = x\n")

    error = error_of(options_from_ini, ini)

    assert error.fix == "known: " + ", ".join(sorted(STRING_PARSERS))
    assert error.fix.startswith("known: allow_credentials, allow_headers, allow_methods, ")


def test_errors_of_loaded_options_are_attributed_even_beside_report_only_options() -> None:
    environ = {"CORS_ALLOW_ORIGINS": A + "/", "CORS_REPORT_ONLY_ALLOW_ORIGINS": A}

    error = error_of(CORSMiddleware.from_env, hello_app, environ=environ)

    assert error.option == "environment CORS_ALLOW_ORIGINS"


def test_a_report_only_given_in_python_replaces_the_environments_and_is_not_blamed_on_it() -> None:
    environ = {"CORS_ALLOW_ORIGINS": A, "CORS_REPORT_ONLY_ALLOW_ORIGINS": A}

    error = error_of(
        CORSMiddleware.from_env, hello_app, environ=environ, report_only={"allow_origins": [A + "/"]}
    )

    assert error.option == "report_only allow_origins"


# -- .env files ----------------------------------------------------------------


def test_an_env_file_variable_set_twice_keeps_the_second_value_and_says_keep_one(tmp_path: Path) -> None:
    env = write(tmp_path / ".env", "CORS_MAX_AGE=1\nCORS_MAX_AGE=2\n")

    assert parts(error_of(options_from_env_file, env)) == (
        f"{env} line 2 CORS_MAX_AGE",
        "2",
        "is set twice (also line 1)",
        "keep one",
    )


def test_a_line_that_is_not_an_assignment_is_shown_whole(tmp_path: Path) -> None:
    env = write(tmp_path / ".env", "  CORS_DEBUG true\n")

    assert parts(error_of(options_from_env_file, env)) == (
        f"{env} line 1",
        "  CORS_DEBUG true",
        "is not a KEY=value line",
        "write KEY=value or a # comment",
    )


@pytest.mark.parametrize("value", ['"https://a.example.com', '"https://a.example.com"x', '""x'])
def test_an_unbalanced_quote_or_text_after_the_closing_quote_is_refused(tmp_path: Path, value: str) -> None:
    env = write(tmp_path / ".env", f"CORS_ALLOW_ORIGINS={value}\n")

    assert parts(error_of(options_from_env_file, env)) == (
        f"{env} line 1 CORS_ALLOW_ORIGINS",
        value,
        "has an unbalanced quote or text after the closing quote",
        "quote the whole value on one line",
    )


def test_env_file_values_may_hold_equals_signs_empty_quotes_and_quoted_comments(tmp_path: Path) -> None:
    env = write(
        tmp_path / ".env",
        f'CORS_ALLOW_HEADERS=a=b\nCORS_EXPOSE_HEADERS=""\nCORS_ALLOW_ORIGINS="{A}" # "not" this\n',
    )

    assert options_from_env_file(env) == {
        "allow_headers": ["a=b"],
        "expose_headers": [],
        "allow_origins": [A],
    }


def test_a_file_that_cannot_be_read_is_named_as_option_and_value(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.env")

    error = error_of(options_from_env_file, missing)

    assert error.option == missing
    assert error.value == missing
    assert error.problem.startswith("cannot be read ([Errno 2] No such file or directory")
    assert error.fix == "check the path and the encoding"


# -- ini files -----------------------------------------------------------------


def test_an_ini_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nmax_age = 1\n[cors]\n")

    assert parts(error_of(options_from_ini, ini)) == (
        str(ini),
        str(ini),
        f"is not a valid ini file (While reading from {str(ini)!r} [line  3]: section 'cors' already exists)",
        "fix the syntax",
    )


@pytest.mark.parametrize(
    ("text", "sections"), [("", "sections: none"), ("[app]\n[filter:x]\n", "sections: app, filter:x")]
)
def test_a_missing_ini_section_lists_the_sections_there_are(tmp_path: Path, text: str, sections: str) -> None:
    ini = write(tmp_path / "cors.ini", text)

    assert parts(error_of(options_from_ini, ini)) == (
        f"{ini} [cors]",
        "cors",
        "is not a section of the file",
        sections,
    )


def test_an_indented_continuation_line_is_not_taken_for_the_key_it_resembles(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\nallow_headers =\n x-a\n max_age=1\nmax_age = soon\n")

    assert error_of(options_from_ini, ini).option == f"{ini} line 5 [cors] max_age"


def test_a_key_without_a_line_of_its_own_is_named_without_a_line_number(tmp_path: Path) -> None:
    ini = write(tmp_path / "cors.ini", "[cors]\n  max_age = soon\n")

    assert error_of(options_from_ini, ini).option == f"{ini} [cors] max_age"


# -- PasteDeploy ---------------------------------------------------------------


def paste_error(path: Path, **local_conf: str) -> ConfigError:
    return error_of(lambda: filter_factory({"__file__": str(path)}, **local_conf)(hello_app))


FILTER = "[filter:cors]\nuse = egg:cors-wsgi#cors\nmax_age = soon\n"


def test_a_paste_file_outside_the_working_directory_is_named_by_its_full_path(tmp_path: Path) -> None:
    ini = write(tmp_path / "development.ini", FILTER)

    assert paste_error(ini, max_age="soon").option == f"{ini} [filter:cors] max_age"


@pytest.mark.parametrize(
    "other",
    [
        "[notes]\nmax_age = soon\n",
        "[filter:gzip]\nuse = egg:Paste#gzip\nmax_age = soon\n",
        "[filter:plain]\npaste.filter_factory = x:y\n",
    ],
)
def test_only_a_cors_filter_section_with_the_same_keys_is_taken_for_ours(tmp_path: Path, other: str) -> None:
    ini = write(tmp_path / "development.ini", FILTER + other)

    assert paste_error(ini, max_age="soon").option == f"{ini} [filter:cors] max_age"


def test_a_filter_app_section_is_found_without_its_next_and_set_keys(tmp_path: Path) -> None:
    text = "[filter-app:cors]\nuse = egg:cors-wsgi#cors\nnext = main\nset debug = false\nmax_age = soon\n"
    ini = write(tmp_path / "development.ini", text)

    assert paste_error(ini, max_age="soon").option == f"{ini} [filter-app:cors] max_age"


def test_a_paste_key_that_default_sets_too_says_where_to_remove_it(tmp_path: Path) -> None:
    ini = write(tmp_path / "development.ini", "[DEFAULT]\ndebug = false\n" + FILTER + "debug = true\n")

    error = error_of(filter_factory, {"__file__": str(ini)}, max_age="soon")

    assert parts(error) == (
        f"{ini} [filter:cors] debug",
        "true",
        "is dropped by PasteDeploy because [DEFAULT] sets it too",
        "remove debug from [DEFAULT] or from [filter:cors]",
    )
