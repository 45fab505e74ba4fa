"""Every ConfigError of the core names the option, the offending value, the problem and the fix.

Users read these at start-up and tools read the structured parts, so each
part is pinned exactly, for every mistake the core detects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from tests.core.conftest import text_app

A = "https://a.example"
POLICY = CORSPolicy()


def no_policy(environ: Any) -> None:
    return None


CASES: list[tuple[str, Callable[[], object], tuple[str, object, str, str]]] = [
    (
        "any origin with credentials",
        lambda: CORSPolicy(allow_origins="*", allow_credentials=True),
        (
            "allow_origins",
            "*",
            "cannot be combined with allow_credentials=True: every site could read your users' "
            "authenticated responses",
            "list the origins you trust, such as allow_origins=['https://app.example.com'], "
            "or drop allow_credentials=True",
        ),
    ),
    (
        "expose all with credentials",
        lambda: CORSPolicy(allow_origins=[A], allow_credentials=True, expose_headers="*"),
        (
            "expose_headers",
            "*",
            "is ignored by browsers for requests with credentials",
            "list the header names to expose",
        ),
    ),
    (
        "expose set-cookie",
        lambda: CORSPolicy(expose_headers=["X-A", "Set-Cookie"]),
        ("expose_headers", "set-cookie", "can never be exposed to script", "remove it"),
    ),
    (
        "max_age not an int",
        lambda: CORSPolicy(max_age=1.5),  # type: ignore[typeddict-item]
        ("max_age", 1.5, "must be an int >= 0 (seconds) or None", "for example 600"),
    ),
    (
        "flag as a string",
        lambda: CORSPolicy(allow_private_network="false"),  # type: ignore[typeddict-item]
        ("allow_private_network", "false", "must be True or False", "use a bool, not a string or number"),
    ),
    (
        "origins not a list",
        lambda: CORSPolicy(allow_origins=3),  # type: ignore[typeddict-item]
        ("allow_origins", 3, "is not a string, callable or list of them", ""),
    ),
    (
        "regexes not a list",
        lambda: CORSPolicy(allow_origin_regex=3),  # type: ignore[typeddict-item]
        ("allow_origin_regex", 3, "is not a pattern or a list of patterns", ""),
    ),
    (
        "header names not a list",
        lambda: CORSPolicy(allow_headers=3),  # type: ignore[typeddict-item]
        ("allow_headers", 3, "is not a string or a list of strings", ""),
    ),
    (
        "exposed name not a token",
        lambda: CORSPolicy(expose_headers=["X A"]),
        (
            "expose_headers",
            "X A",
            "is not a valid token",
            "pass a list, one name per item: expose_headers=['X', 'A']",
        ),
    ),
    (
        "exposed name with a colon",
        lambda: CORSPolicy(expose_headers=["X-Total:"]),
        (
            "expose_headers",
            "X-Total:",
            "is not a valid token",
            "use names such as 'X-Total-Count' without spaces or commas",
        ),
    ),
    (
        "star mixed with names",
        lambda: CORSPolicy(allow_headers=["*", "X-A"]),
        ("allow_headers", ["*", "X-A"], "mixes '*' with names", "use '*' alone or list names"),
    ),
    (
        "forbidden method",
        lambda: CORSPolicy(allow_methods=["GET", "trace"]),
        ("allow_methods", "trace", "is forbidden in browsers", "remove it"),
    ),
    (
        "origin entry of the wrong type",
        lambda: CORSPolicy(allow_origins=[3]),  # type: ignore[list-item]
        ("allow_origins", 3, "is neither a string nor a callable", "list origin strings"),
    ),
    (
        "unsupported pattern",
        lambda: CORSPolicy(allow_origins=["https://*.*.example.com"]),
        (
            "allow_origins",
            "https://*.*.example.com",
            "is not a supported pattern",
            "use 'https://*.example.com' (subdomains), 'http://localhost:*' (any port) or allow_origin_regex",
        ),
    ),
    (
        "regex of the wrong type",
        lambda: CORSPolicy(allow_origin_regex=[3]),  # type: ignore[list-item]
        ("allow_origin_regex", 3, "is not a string or compiled pattern", ""),
    ),
    (
        "regex that does not compile",
        lambda: CORSPolicy(allow_origin_regex="(x"),
        (
            "allow_origin_regex",
            "(x",
            "does not compile (missing ), unterminated subpattern at position 0)",
            "",
        ),
    ),
    (
        "preflight status",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], preflight_status=201),
        ("preflight_status", 201, "must be 204 or 200", ""),
    ),
    (
        "middleware flag",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], debug=1),  # type: ignore[arg-type]
        ("debug", 1, "must be True or False", ""),
    ),
    (
        "passthrough flag",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], preflight_passthrough=0),  # type: ignore[arg-type]
        ("preflight_passthrough", 0, "must be True or False", ""),
    ),
    (
        "catch_exceptions flag",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], catch_exceptions="yes"),  # type: ignore[arg-type]
        ("catch_exceptions", "yes", "must be True or False", ""),
    ),
    (
        "on_decision not callable",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], on_decision=3),  # type: ignore[arg-type]
        ("on_decision", 3, "is not callable", ""),
    ),
    (
        "policy and options",
        lambda: CORSMiddleware(text_app(), policy=POLICY, max_age=3),
        ("policy", POLICY, "cannot be combined with policy options", "pass either one"),
    ),
    (
        "resolver and resources",
        lambda: CORSMiddleware(text_app(), resolver=no_policy, resources={}),
        ("resolver", no_policy, "cannot be combined with resources", "pass either one"),
    ),
    (
        "resolver not callable",
        lambda: CORSMiddleware(text_app(), resolver=3),  # type: ignore[arg-type]
        ("resolver", 3, "is not callable", "pass a function of the environ"),
    ),
    (
        "resources a string",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], resources="/api"),  # type: ignore[arg-type]
        ("resources", "/api", "is not a dict or a list of (pattern, options) pairs", ""),
    ),
    (
        "resources a number",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], resources=3),  # type: ignore[arg-type]
        ("resources", 3, "is not a dict or a list of (pattern, options) pairs", ""),
    ),
    (
        "resource rule not a pair",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], resources=[("/api/*",)]),  # type: ignore[list-item]
        ("resources", ("/api/*",), "is not a (path pattern, policy or options) pair", ""),
    ),
    (
        "resource options of the wrong type",
        lambda: CORSMiddleware(text_app(), allow_origins=[A], resources=[("/api/*", "yes")]),  # type: ignore[list-item]
        ("resources", "yes", "is neither a CORSPolicy nor a dict of options", ""),
    ),
]


@pytest.mark.parametrize(
    ("mistake", "expected"), [(build, error) for _, build, error in CASES], ids=[c[0] for c in CASES]
)
def test_config_error_names_option_value_problem_and_fix(
    mistake: Callable[[], object], expected: tuple[str, object, str, str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        mistake()
    error = caught.value
    assert (error.option, error.value, error.problem, error.fix) == expected
    option, value, problem, fix = expected
    assert str(error) == f"{option}={value!r}: {problem}" + (f"; {fix}" if fix else "")


def test_bytes_origin_regex_is_an_error_asking_for_a_str_pattern() -> None:
    regex = re.compile(b"x")
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origin_regex=regex)  # type: ignore[typeddict-item]
    assert (caught.value.option, caught.value.value, caught.value.problem, caught.value.fix) == (
        "allow_origin_regex",
        regex,
        "is a bytes pattern",
        "use a str pattern",
    )


@pytest.mark.parametrize(
    ("build", "where", "suggestion"),
    [
        (lambda: CORSPolicy(allow_origin=[A]), "CORSPolicy", "did you mean 'allow_origins'?"),
        (lambda: CORSMiddleware(text_app(), debgu=True), "CORSMiddleware", "did you mean 'debug'?"),
        (
            lambda: CORSMiddleware(text_app(), allow_origins=[A]).reconfigure(debug=True),  # type: ignore[call-arg]
            "reconfigure",
            "known: allow_credentials, allow_headers, allow_methods, allow_origin_regex, allow_origins, "
            "allow_private_network, expose_headers, max_age, policy, report_only, resolver, resources",
        ),
    ],
)
def test_misspelt_option_error_says_where_and_suggests_the_name(
    build: Callable[[], object], where: str, suggestion: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        build()
    assert caught.value.problem == f"is not an option of {where}"
    assert caught.value.fix == suggestion


@pytest.mark.parametrize("option", ["policy", "resources", "resolver"])
def test_reconfigure_accepts_its_routing_options(option: str) -> None:
    middleware = CORSMiddleware(text_app(), allow_origins=[A])
    value: object = {
        "policy": CORSPolicy(allow_origins=[A]),
        "resources": {"/api/*": {}},
        "resolver": no_policy,
    }[option]
    middleware.reconfigure(**{option: value})  # type: ignore[arg-type]


def test_config_error_without_a_fix_has_an_empty_fix_and_no_trailing_separator() -> None:
    error = ConfigError("max_age", -1, "is negative")
    assert error.fix == ""
    assert (error.option, error.value, error.problem) == ("max_age", -1, "is negative")
    assert str(error) == "max_age=-1: is negative"
