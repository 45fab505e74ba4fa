"""Bad configuration fails at start-up with the option, the value and the fix."""

from __future__ import annotations

import logging
import re

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from tests.core.conftest import text_app


@pytest.mark.parametrize(
    ("origin", "problem", "suggestion"),
    [
        ("https://app.example.com/", "trailing slash", "https://app.example.com"),
        ("https://app.example.com/api", "path", "https://app.example.com"),
        ("app.example.com", "no scheme", "https://app.example.com"),
        (" https://app.example.com", "white space", "https://app.example.com"),
        ("https://App.Example.com", "lower case", "https://app.example.com"),
        ("https://app.example.com:443", "serialized origin", "https://app.example.com"),
        ("http://localhost:80", "serialized origin", "http://localhost"),
        ("https://user@app.example.com", "userinfo", "https://app.example.com"),
        ("https://bücher.example", "punycode", "https://xn--bcher-kva.example"),
    ],
)
def test_non_canonical_origin_is_an_error_naming_the_canonical_form(
    origin: str, problem: str, suggestion: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origins=[origin])
    message = str(caught.value)
    assert "allow_origins" in message
    assert repr(origin) in message
    assert problem in message
    assert repr(suggestion) in message


def test_config_error_is_a_value_error_with_structured_parts() -> None:
    with pytest.raises(ValueError, match="max_age") as caught:
        CORSPolicy(max_age=-1)
    assert isinstance(caught.value, ConfigError)
    assert caught.value.option == "max_age"
    assert caught.value.value == -1


@pytest.mark.parametrize(
    "pattern",
    ["https://*example.com", "https://a.*.example.com", "*.example.com", "https://*", "https://*.1.2.3.4"],
)
def test_unsupported_wildcard_patterns_are_errors(pattern: str) -> None:
    with pytest.raises(ConfigError, match="not a supported pattern"):
        CORSPolicy(allow_origins=[pattern])


@pytest.mark.parametrize("method", ["CONNECT", "TRACE", "TRACK", "trace"])
def test_forbidden_methods_are_errors(method: str) -> None:
    with pytest.raises(ConfigError, match="forbidden"):
        CORSPolicy(allow_methods=["GET", method])


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("allow_methods", ["GET POST"]),
        ("allow_methods", ["GET,POST"]),
        ("allow_headers", ["X-Foo\r\nX-Injected: 1"]),
        ("allow_headers", ["X Foo"]),
        ("allow_headers", [""]),
        ("expose_headers", ["X-Bar:"]),
        ("allow_headers", [42]),
    ],
)
def test_names_that_are_not_http_tokens_are_errors(option: str, value: list[object]) -> None:
    with pytest.raises(ConfigError, match="not a valid token"):
        CORSPolicy(**{option: value})  # type: ignore[misc]


@pytest.mark.parametrize("max_age", [-1, 1.5, "600", True])
def test_max_age_must_be_a_non_negative_int_or_none(max_age: object) -> None:
    with pytest.raises(ConfigError, match="max_age"):
        CORSPolicy(max_age=max_age)  # type: ignore[arg-type]


@pytest.mark.parametrize("flag", ["false", "true", 0, 1, None])
def test_credentials_flag_must_be_a_bool_so_a_string_never_grants_cookies(flag: object) -> None:
    with pytest.raises(ConfigError, match="allow_credentials"):
        CORSPolicy(allow_origins=["https://a.example"], allow_credentials=flag)  # type: ignore[arg-type]


def test_any_origin_with_credentials_is_an_error() -> None:
    with pytest.raises(ConfigError, match="allow_credentials=True"):
        CORSPolicy(allow_origins="*", allow_credentials=True)


def test_exposing_all_headers_with_credentials_is_an_error() -> None:
    with pytest.raises(ConfigError, match="expose_headers"):
        CORSPolicy(allow_origins=["https://a.example"], allow_credentials=True, expose_headers="*")


def test_exposing_set_cookie_is_an_error() -> None:
    with pytest.raises(ConfigError, match="never be exposed"):
        CORSPolicy(expose_headers=["X-Total", "Set-Cookie"])


def test_star_mixed_with_names_is_an_error() -> None:
    with pytest.raises(ConfigError, match="'\\*' alone"):
        CORSPolicy(allow_headers=["*", "X-Foo"])


def test_invalid_origin_regex_is_an_error() -> None:
    with pytest.raises(ConfigError, match="does not compile"):
        CORSPolicy(allow_origin_regex="https://(unclosed")


def test_origin_entries_must_be_strings_or_callables() -> None:
    with pytest.raises(ConfigError, match="neither a string nor a callable"):
        CORSPolicy(allow_origins=[b"https://a.example"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("factory", "misspelt", "suggested"),
    [
        (lambda **kw: CORSPolicy(**kw), "allow_origin", "allow_origins"),
        (lambda **kw: CORSPolicy(**kw), "allow_credential", "allow_credentials"),
        (lambda **kw: CORSMiddleware(text_app(), **kw), "expose_header", "expose_headers"),
        (lambda **kw: CORSMiddleware(text_app(), **kw), "preflight_statuses", "preflight_status"),
    ],
)
def test_misspelt_option_is_an_error_suggesting_the_right_name(
    factory: object, misspelt: str, suggested: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"did you mean {suggested!r}")):
        factory(**{misspelt: True})  # type: ignore[operator]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("preflight_status", 403),
        ("preflight_passthrough", "yes"),
        ("catch_exceptions", 1),
        ("debug", "false"),
        ("on_decision", "print"),
    ],
)
def test_middleware_options_are_validated(option: str, value: object) -> None:
    with pytest.raises(ConfigError, match=option):
        CORSMiddleware(text_app(), allow_origins=["https://a.example"], **{option: value})  # type: ignore[arg-type]


def test_policy_and_policy_options_together_are_an_error() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"])
    with pytest.raises(ConfigError, match="either one"):
        CORSMiddleware(text_app(), policy=policy, allow_credentials=True)


def test_listing_null_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(allow_origins=["null"])
    assert "'null'" in caplog.text


def test_plain_http_origin_with_credentials_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(allow_origins=["http://app.example.com"], allow_credentials=True)
    assert "http://app.example.com" in caplog.text


def test_loopback_http_origin_with_credentials_is_not_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSPolicy(allow_origins=["http://localhost:3000", "http://127.0.0.1:5173"], allow_credentials=True)
    assert caplog.text == ""


def test_middleware_allowing_no_origin_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cors_wsgi"):
        CORSMiddleware(text_app())
    assert "allows no origin" in caplog.text


def test_policy_is_immutable() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"])
    with pytest.raises(AttributeError, match="immutable"):
        policy.allow_credentials = True  # type: ignore[misc]


def test_replace_returns_a_new_validated_policy_and_keeps_the_original() -> None:
    policy = CORSPolicy(allow_origins=["https://a.example"], max_age=60)
    changed = policy.replace(allow_credentials=True)
    assert changed.allow_credentials is True
    assert policy.allow_credentials is False
    assert changed.options["max_age"] == 60
    with pytest.raises(ConfigError):
        CORSPolicy(allow_origins="*").replace(allow_credentials=True)


def test_standard_methods_are_normalized_to_upper_case_like_browsers_do() -> None:
    policy = CORSPolicy(allow_methods=["get", "put", "patch", "PUT"])
    assert policy.allowed_methods == frozenset({"GET", "PUT", "patch"})


def test_a_single_origin_string_is_accepted() -> None:
    policy = CORSPolicy(allow_origins="https://a.example")
    assert "https://a.example" in policy.origins.exact


def test_misspelt_option_error_shows_the_value_given() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origin=["https://a.example"])  # type: ignore[call-arg]
    assert str(caught.value).startswith("allow_origin=['https://a.example']: is not an option of CORSPolicy")
