"""Per-path rules: exact rules stay exact, shadowed regexes are caught, mistakes name the fix."""

from __future__ import annotations

import re
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from tests.core.conftest import text_app

API = "https://api-client.example"
ADMIN = "https://admin.example"


def middleware(resources: Any) -> CORSMiddleware:
    return CORSMiddleware(text_app(), allow_origins=[API], resources=resources)


def granted(client: TestApp, path: str, origin: str) -> bool:
    response = client.get(path, headers={"Origin": origin}, status="*")
    return response.headers.get("Access-Control-Allow-Origin") == origin


def test_exact_rule_governs_only_its_own_path_not_the_paths_below_it() -> None:
    client = TestApp(middleware([("/api/login", {"allow_origins": [ADMIN]})]))
    assert granted(client, "/api/login", ADMIN)
    response = client.get("/api/login/extra", headers={"Origin": ADMIN})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Vary" not in response.headers  # no rule: the request passed through untouched


def test_rules_listed_after_a_regex_still_apply() -> None:
    client = TestApp(
        middleware(
            [
                (re.compile(r"/v[0-9]+/items"), {"allow_origins": [ADMIN]}),
                (re.compile(r"/v[0-9]+/users"), {"allow_origins": [ADMIN]}),
                ("/api/*", {}),
                ("/login", {}),
            ]
        )
    )
    assert granted(client, "/v2/items", ADMIN)
    assert granted(client, "/v2/users", ADMIN)
    assert granted(client, "/api/x", API)
    assert granted(client, "/login", API)


def test_a_lone_star_is_the_root_prefix_rule() -> None:
    client = TestApp(middleware([("*", {}), ("/admin/*", {"allow_origins": [ADMIN]})]))
    assert granted(client, "/anything/at/all", API)
    assert granted(client, "/admin/x", ADMIN)
    assert not granted(client, "/admin/x", API)


def test_fully_literal_regex_is_accepted_and_full_matched() -> None:
    client = TestApp(middleware([(re.compile("/health"), {})]))
    assert granted(client, "/health", API)
    assert not granted(client, "/healthz", API)


@pytest.mark.parametrize(
    ("resources", "error"),
    [
        (
            [("/api/*", {}), ("/api/*", {})],
            ("resources", "/api/*", "is listed twice", "merge the two rules"),
        ),
        (
            [("/api/x/*", {}), (re.compile(r"/api/x/[a-z]+"), {})],
            (
                "resources",
                "/api/x/[a-z]+",
                "can never match: every path it matches is taken first by '/api/x/*'",
                "narrow that rule or turn the regex into a prefix or exact rule",
            ),
        ),
        (
            [("/a/*/b", {})],
            (
                "resources",
                "/a/*/b",
                "has a '*' other than a final '/*'",
                "use re.compile(...) for anything but exact paths and '/prefix/*'",
            ),
        ),
        (
            [("api/*", {})],
            ("resources", "api/*", "does not start with '/'", "write '/api/*'"),
        ),
        (
            [(3, {})],
            ("resources", 3, "is not a path string or a compiled regex", ""),
        ),
    ],
)
def test_resource_mistakes_name_the_option_the_rule_the_problem_and_the_fix(
    resources: list[Any], error: tuple[str, object, str, str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        middleware(resources)
    assert (caught.value.option, caught.value.value, caught.value.problem, caught.value.fix) == error


@pytest.mark.parametrize("pattern", ["/a/*/b/*", "/api//*", "/*/*"])
def test_a_star_anywhere_but_one_final_segment_is_an_error(pattern: str) -> None:
    with pytest.raises(ConfigError, match="other than a final"):
        middleware([(pattern, {})])


def test_a_bytes_regex_is_an_error() -> None:
    regex = re.compile(rb"/api")
    with pytest.raises(ConfigError) as caught:
        middleware([(regex, {})])
    assert (caught.value.option, caught.value.value) == ("resources", regex)
    assert caught.value.problem == "is a bytes pattern or listed twice"


def test_the_same_regex_listed_twice_is_an_error_but_distinct_regexes_are_fine() -> None:
    first, second = re.compile(r"/a/[0-9]+"), re.compile(r"/b/[0-9]+")
    middleware([(first, {}), (second, {})])
    with pytest.raises(ConfigError, match="listed twice"):
        middleware([(first, {}), (second, {}), (first, {})])


@pytest.mark.parametrize(
    ("prefix", "regex"),
    [
        ("/api/v.1/*", re.compile(r"/api/v\.1/.+")),
        ("/api/v1/*", re.compile(r"/api/v1\/")),
    ],
)
def test_regex_whose_escaped_literal_start_is_under_a_prefix_is_caught(
    prefix: str, regex: re.Pattern[str]
) -> None:
    with pytest.raises(ConfigError, match="can never match"):
        middleware([(prefix, {}), (regex, {})])


@pytest.mark.parametrize(
    "regex",
    [
        re.compile(r"/apis?/v1"),
        re.compile(r"/apis*/v1"),
        re.compile(r"/apis+/v1"),
        re.compile(r"/apis{0,2}/v1"),
        re.compile(r"/apis/v1|/web/v1"),
        re.compile(r"/apis/v1", re.IGNORECASE),
    ],
)
def test_regex_that_can_match_paths_outside_a_prefix_is_accepted_and_the_overlap_gets_no_grant(
    regex: re.Pattern[str],
) -> None:
    client = TestApp(middleware([("/apis/*", {"allow_origins": [ADMIN]}), (regex, {})]))
    # Both rules match /apis/v1: neither applies, whichever origin asks.
    response = client.get("/apis/v1", headers={"Origin": ADMIN})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert not granted(client, "/apis/v1", API)
    assert granted(client, "/apis/other", ADMIN)  # the prefix alone still applies
    outside = {"?": "/api/v1", "*": "/api/v1", "+": "/apiss/v1", "{": "/api/v1", "|": "/web/v1"}
    for quantifier, path in outside.items():
        if quantifier in regex.pattern:
            assert granted(client, path, API)


def test_case_insensitive_regex_grants_paths_the_prefix_does_not_take() -> None:
    client = TestApp(
        middleware([("/apis/*", {"allow_origins": [ADMIN]}), (re.compile(r"/apis/v1", re.I), {})])
    )
    assert granted(client, "/APIS/v1", API)


def test_resource_policies_may_be_given_as_a_mapping() -> None:
    client = TestApp(
        CORSMiddleware(
            text_app(),
            allow_origins=[API],
            resources={"/api/*": {}, "/admin": CORSPolicy(allow_origins=[ADMIN])},
        )
    )
    assert granted(client, "/api/x", API)
    assert granted(client, "/admin", ADMIN)


@pytest.mark.parametrize(
    "regex", [re.compile(r"/apis/?v1"), re.compile(r"/apis/*v1"), re.compile(r"/apis/{0,1}v1")]
)
def test_regex_whose_slash_is_optional_is_not_shadowed_by_the_prefix(regex: re.Pattern[str]) -> None:
    client = TestApp(middleware([("/apis/*", {"allow_origins": [ADMIN]}), (regex, {})]))
    assert granted(client, "/apisv1", API)
