"""Start-up checks of methods, header names, origin callables and origin strings.

Each refusal names the option, the value, the problem and the fix; each
accepted spelling is shown to behave as the list it stands for.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSPolicy, decide_actual, decide_preflight, reasons
from cors_wsgi.cache import ttl_cache

ORIGIN = "https://app.example.com"
PREFLIGHT_VARY = (
    "Vary",
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network",
)

# --- Vary of preflights -------------------------------------------------------------------------


@pytest.mark.parametrize("private_network", [False, True])
@pytest.mark.parametrize(
    ("origin", "method", "asks_private_network"),
    [
        (ORIGIN, "GET", False),
        (ORIGIN, "GET", True),
        ("https://other.example.com", "GET", True),
        (ORIGIN, "PUT", False),
    ],
    ids=["granted", "asks-private-network", "refused-origin", "refused-method"],
)
def test_every_preflight_answer_varies_on_the_private_network_request_header(
    private_network: bool, origin: str, method: str, asks_private_network: bool
) -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_private_network=private_network)
    decision = decide_preflight(policy, origin, method, None, asks_private_network)
    assert decision.headers[-1] == PREFLIGHT_VARY


# --- origin callables ---------------------------------------------------------------------------

FUNCTION_FIX = (
    "pass a function taking the origin and returning True or False: def allowed(origin: str) -> bool"
)


@pytest.mark.parametrize("check", [str, bool, dict, type("Allowed", (), {})])
def test_a_class_as_origin_check_is_refused_since_every_object_is_true(check: type) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[ORIGIN, check], allow_credentials=True)
    error = raised.value
    assert (error.option, error.value) == ("allow_origins", check)
    assert error.problem == "is a class: calling it with an origin builds an object, which is always true"
    assert error.fix == FUNCTION_FIX


def two(origin: str, other: str) -> bool:
    return True


def keyword_only(*, origin: str) -> bool:
    return True


@pytest.mark.parametrize(
    ("check", "shown"),
    [
        (lambda: True, "()"),
        (two, "(origin, other)"),
        (keyword_only, "(*, origin)"),
        (functools.partial(two, "a", "b"), "()"),
        (lambda *origins: True, "(*origins)"),
    ],
    ids=["none", "two", "keyword-only", "partial-of-none", "only-varargs"],
)
def test_a_callable_of_the_wrong_arity_is_refused_showing_its_signature(
    check: Callable[..., bool], shown: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[check])
    error = raised.value
    assert (error.option, error.value) == ("allow_origins", check)
    assert (
        error.problem == f"must take exactly one required positional parameter, the origin; it takes {shown}"
    )
    assert error.fix == FUNCTION_FIX


def test_a_callable_without_an_inspectable_signature_is_refused_with_a_wrapper_as_the_fix() -> None:
    trusted = {ORIGIN}
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[trusted.__contains__])
    error = raised.value
    assert (error.option, error.value) == ("allow_origins", trusted.__contains__)
    assert error.problem == "is a callable whose parameters cannot be inspected"
    assert error.fix == "wrap it in a function of the origin: lambda origin: bool(check(origin))"


class Lookup:
    def __call__(self, origin: str, strict: bool = True) -> bool:
        return origin == ORIGIN


def equals(expected: str, origin: str) -> bool:
    return origin == expected


def optional_extra(origin: str, *rest: str, strict: bool = True, **more: str) -> bool:
    return origin == ORIGIN


@pytest.mark.parametrize(
    "check",
    [
        lambda origin: origin == ORIGIN,
        Lookup(),
        optional_extra,
        functools.partial(equals, ORIGIN),
        ttl_cache(lambda origin: origin == ORIGIN),
        {ORIGIN: True}.get,
    ],
    ids=["lambda", "instance", "optional-extras", "partial", "ttl-cache", "bound-method"],
)
def test_a_callable_of_one_origin_is_accepted_and_called(check: Callable[[str], Any]) -> None:
    policy = CORSPolicy(allow_origins=[check])
    assert decide_actual(policy, ORIGIN).allowed
    assert not decide_actual(policy, "https://other.example.com").allowed


# --- allow_methods ------------------------------------------------------------------------------


def test_an_empty_method_list_allows_only_the_safelisted_methods_and_sends_no_empty_header() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_methods=[])
    for method in ("GET", "HEAD", "POST"):
        granted = decide_preflight(policy, ORIGIN, method)
        assert granted.allowed
        assert "Access-Control-Allow-Methods" not in dict(granted.headers)
    assert decide_preflight(policy, ORIGIN, "PUT").reason == reasons.METHOD_NOT_ALLOWED
    assert all(value for _, value in policy.preflight_headers)


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (["get", "post", "Put", "delete", "options", "head"], "GET, POST, PUT, DELETE, OPTIONS, HEAD"),
        (["GET", "get"], "GET"),
    ],
)
def test_the_six_methods_browsers_upper_case_are_upper_cased_without_a_warning(
    given: list[str], sent: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        policy = CORSPolicy(allow_origins=[ORIGIN], allow_methods=given)
    assert dict(policy.preflight_headers)["Access-Control-Allow-Methods"] == sent
    assert caplog.text == ""


@pytest.mark.parametrize("method", ["patch", "Patch", "purge"])
def test_another_method_not_in_upper_case_is_kept_with_a_warning_suggesting_upper_case(
    method: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        policy = CORSPolicy(allow_origins=[ORIGIN], allow_methods=["GET", method])
    upper = method.upper()
    assert [r.getMessage() for r in caplog.records if r.name == "cors_wsgi"] == [
        f"allow_methods lists {method!r}: browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and "
        f"PUT, so it matches only scripts that write exactly {method!r}; for fetch(url, {{method: "
        f"{upper!r}}}) write {upper!r}"
    ]
    assert decide_preflight(policy, ORIGIN, method).allowed
    assert decide_preflight(policy, ORIGIN, upper).reason == reasons.METHOD_NOT_ALLOWED


def test_a_method_listed_in_both_cases_is_not_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(allow_methods=["patch", "PATCH"])
    assert caplog.text == ""


# --- comma-separated strings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "text", "listed"),
    [
        ("allow_methods", "GET,POST", ["GET", "POST"]),
        ("allow_methods", " PUT , DELETE\t", ["PUT", "DELETE"]),
        ("allow_headers", "X-Token, X-Trace", ["X-Token", "X-Trace"]),
        ("expose_headers", "X-Total,X-Page", ["X-Total", "X-Page"]),
        ("allow_headers", "*", ["*"]),
    ],
)
def test_a_comma_separated_string_is_the_list_it_names(option: str, text: str, listed: list[str]) -> None:
    from_text = CORSPolicy(allow_origins=[ORIGIN], **{option: text})  # type: ignore[misc]
    from_list = CORSPolicy(allow_origins=[ORIGIN], **{option: listed})  # type: ignore[misc]
    assert from_text.preflight_headers == from_list.preflight_headers
    assert from_text.actual_headers == from_list.actual_headers


@pytest.mark.parametrize(
    ("option", "item", "fix"),
    [
        ("allow_methods", "GET POST", "pass a list, one name per item: allow_methods=['GET', 'POST']"),
        ("allow_methods", "GET,", "use names such as 'PATCH' without spaces or commas"),
        ("allow_methods", "GET POST:", "use names such as 'PATCH' without spaces or commas"),
        ("allow_methods", "GET:", "use names such as 'PATCH' without spaces or commas"),
        ("allow_headers", "X-A X-B", "pass a list, one name per item: allow_headers=['X-A', 'X-B']"),
        ("allow_headers", "X-A:", "use names such as 'X-Requested-With' without spaces or commas"),
        ("expose_headers", "X-A,\tX-B", "pass a list, one name per item: expose_headers=['X-A', 'X-B']"),
        ("expose_headers", "X-A;", "use names such as 'X-Total-Count' without spaces or commas"),
    ],
)
def test_a_bad_name_in_a_list_gets_a_fix_that_fits_its_option(option: str, item: str, fix: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(**{option: [item]})  # type: ignore[misc]
    error = raised.value
    assert (error.option, error.value, error.problem, error.fix) == (
        option,
        item,
        "is not a valid token",
        fix,
    )


def test_an_empty_element_of_a_comma_separated_string_is_an_error_not_skipped() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_methods="GET,,POST")
    assert (raised.value.option, raised.value.value) == ("allow_methods", "")
    assert raised.value.fix == "use names such as 'PATCH' without spaces or commas"


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("https://a.example.com,https://b.example.com", ["https://a.example.com", "https://b.example.com"]),
        ("https://a.example.com, https://b.example.com", ["https://a.example.com", "https://b.example.com"]),
        ("https://a.example.com https://b.example.com", ["https://a.example.com", "https://b.example.com"]),
        ("https://a.example.com/,https://*.example.org", ["https://a.example.com", "https://*.example.org"]),
        ("https://a.example.com,", ["https://a.example.com"]),
        # A path wildcard is no pattern: the origin it meant is the suggestion that works when copied.
        (
            "https://a.example.com/*, https://b.example.com",
            ["https://a.example.com", "https://b.example.com"],
        ),
        ("http://localhost:*,https://*.example.org", ["http://localhost:*", "https://*.example.org"]),
        (
            "https://a.example.com,https://b.example:99999",
            ["https://a.example.com", "https://b.example:99999"],
        ),
    ],
)
def test_several_origins_in_one_string_are_refused_showing_the_list_to_write(
    text: str, listed: list[str]
) -> None:
    for given in (text, [text]):
        with pytest.raises(ConfigError) as raised:
            CORSPolicy(allow_origins=given)  # type: ignore[arg-type]
        error = raised.value
        assert (error.option, error.value) == ("allow_origins", text)
        assert error.problem == "holds several origins in one string"
        assert error.fix == f"pass a list, one origin per item: allow_origins={listed!r}"


def test_star_with_credentials_says_what_to_write_instead() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins="*", allow_credentials=True)
    error = raised.value
    assert (error.option, error.value) == ("allow_origins", "*")
    assert error.problem.startswith("cannot be combined with allow_credentials=True")
    assert error.fix == (
        "list the origins you trust, such as allow_origins=['https://app.example.com'], "
        "or drop allow_credentials=True"
    )
