"""Per-path policies: precedence, exact matching of the decoded path, passthrough."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from tests.core.conftest import text_app

API = "https://api-client.example"
ADMIN = "https://admin.example"
MakeClient = Callable[..., TestApp]


def allowed_origin(client: TestApp, path: str, origin: str) -> str | None:
    response = client.get(path, headers={"Origin": origin}, status="*")
    value: str | None = response.headers.get("Access-Control-Allow-Origin")
    return value


@pytest.fixture
def client(make_client: MakeClient) -> TestApp:
    return make_client(
        allow_origins=[API],
        resources=[
            ("/api/*", {}),
            ("/api/admin/*", {"allow_origins": [ADMIN]}),
            ("/api/login", CORSPolicy(allow_origins=[ADMIN])),
            (re.compile(r"/v[0-9]+/items"), {"allow_origins": [ADMIN, API]}),
        ],
    )


@pytest.mark.parametrize(
    ("path", "origin", "granted"),
    [
        ("/api", API, True),
        ("/api/users", API, True),
        ("/api/admin", ADMIN, True),
        ("/api/admin/users", ADMIN, True),
        ("/api/admin/users", API, False),
        ("/api/login", ADMIN, True),
        ("/api/login", API, False),
        ("/v2/items", ADMIN, True),
        ("/v2/items/1", ADMIN, False),
    ],
)
def test_narrower_rule_wins_whatever_the_order(
    client: TestApp, path: str, origin: str, granted: bool
) -> None:
    assert (allowed_origin(client, path, origin) == origin) is granted


@pytest.mark.parametrize("path", ["/apiary", "/API/users", "/ap", "/other", "/"])
def test_unmatched_paths_pass_through_untouched(client: TestApp, path: str) -> None:
    response = client.get(path, headers={"Origin": API})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Vary" not in response.headers


def test_path_is_matched_as_decoded_once_never_decoded_again(make_client: MakeClient) -> None:
    client = make_client(allow_origins=[API], resources={"/api/*": {}})
    # The server decodes %252F to %2F once; decoding again would turn these into /api/...
    assert allowed_origin(client, "/public%252F..%252Fapi", API) is None
    assert allowed_origin(client, "/api%252Fx", API) is None
    assert allowed_origin(client, "/api%2Fx", API) == API


def test_plus_is_not_a_space_in_paths(make_client: MakeClient) -> None:
    client = make_client(allow_origins=[API], resources={"/a b": {}})
    assert allowed_origin(client, "/a+b", API) is None
    assert allowed_origin(client, "/a%20b", API) == API


def test_resource_options_override_the_top_level_ones(make_client: MakeClient) -> None:
    client = make_client(
        allow_origins=[API], allow_credentials=True, resources={"/public/*": {"allow_credentials": False}}
    )
    response = client.get("/public/x", headers={"Origin": API})
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_root_prefix_covers_every_path(make_client: MakeClient) -> None:
    client = make_client(allow_origins=[API], resources={"/*": {}})
    assert allowed_origin(client, "/", API) == API
    assert allowed_origin(client, "/deep/path/here", API) == API


def test_very_deep_paths_are_matched_without_scanning_every_segment(make_client: MakeClient) -> None:
    client = make_client(allow_origins=[API], resources={"/api/*": {}})
    assert allowed_origin(client, "/api" + "/x" * 5000, API) == API


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        ([("/api/*", {}), ("/api/*", {})], "listed twice"),
        ([("api/*", {})], "start with '/'"),
        ([("/api/*/x", {})], "'\\*' other than a final"),
        ([("/api/*", {}), (re.compile(r"/api/v[0-9]+"), {})], "can never match"),
        ([("/*", {}), (re.compile(r"/x.*"), {})], "can never match"),
        ([("/api/*", "yes")], "neither a CORSPolicy nor a dict"),
        ([("/api/*", {"allow_origin": [API]})], "did you mean 'allow_origins'"),
        (["/api/*"], "not a .path pattern"),
    ],
)
def test_resource_mistakes_are_errors(resources: list[Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        CORSMiddleware(text_app(), allow_origins=[API], resources=resources)


@pytest.mark.parametrize(
    "regex",
    [
        re.compile(r"/api/(admin|internal)/.*"),  # alternation
        re.compile(r"/api/admin/.*", re.IGNORECASE),
        re.compile(r"/(api)/admin/.*"),  # a group before the literal ends
        re.compile(r"[/]api/admin/.*"),  # a class before the first '/'
        re.compile(r"/api(/admin/.*)"),  # the literal ends exactly at the prefix
        re.compile(r"/api/ admin/.*", re.VERBOSE),
    ],
)
def test_a_path_both_a_prefix_and_a_regex_match_gets_neither_rule(
    make_client: MakeClient, regex: re.Pattern[str]
) -> None:
    client = make_client(
        allow_origins=[API],
        allow_credentials=True,
        resources=[("/api/*", {}), (regex, {"allow_origins": [ADMIN]})],
    )
    # The narrower regex is not shadowed silently: the overlap fails closed, for both origins.
    assert allowed_origin(client, "/api/admin/users", API) is None
    assert allowed_origin(client, "/api/admin/users", ADMIN) is None
    assert allowed_origin(client, "/api/users", API) == API  # only the prefix matches here


def test_a_regex_outside_every_prefix_still_applies(make_client: MakeClient) -> None:
    client = make_client(
        allow_origins=[API],
        resources=[("/api/*", {}), (re.compile(r"/(api|web)/x"), {"allow_origins": [ADMIN]})],
    )
    assert allowed_origin(client, "/web/x", ADMIN) == ADMIN
    assert allowed_origin(client, "/api/x", ADMIN) is None
    assert allowed_origin(client, "/api/x", API) is None
    assert allowed_origin(client, "/api/y", API) == API


def test_a_case_insensitive_regex_applies_where_no_prefix_matches(make_client: MakeClient) -> None:
    client = make_client(
        allow_origins=[API],
        resources=[("/api/*", {}), (re.compile(r"/api/admin", re.I), {"allow_origins": [ADMIN]})],
    )
    assert allowed_origin(client, "/API/admin", ADMIN) == ADMIN


@pytest.mark.parametrize(
    ("rules", "taken_by"),
    [
        ([("/api/*", {}), (re.compile(r"/api"), {})], "/api/*"),  # a fully literal regex
        ([("/api/*", {}), (re.compile(r"/api/"), {})], "/api/*"),
        ([("/api/login", {}), (re.compile(r"/api/login/"), {})], "/api/login"),
        ([("/*", {}), (re.compile(r"/x\.y"), {})], "/*"),
    ],
)
def test_a_regex_a_rule_always_takes_first_is_an_error_naming_that_rule(
    rules: list[Any], taken_by: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(text_app(), allow_origins=[API], resources=rules)
    assert caught.value.problem == f"can never match: every path it matches is taken first by {taken_by!r}"


def test_a_verbose_regex_is_not_refused_for_a_prefix_its_spaces_only_seem_to_share(
    make_client: MakeClient,
) -> None:
    client = make_client(
        allow_origins=[API],
        resources=[("/ api/*", {}), (re.compile(r"/ api/x", re.VERBOSE), {"allow_origins": [ADMIN]})],
    )
    assert allowed_origin(client, "/api/x", ADMIN) == ADMIN


def test_resolver_picks_the_policy_from_the_environ(make_client: MakeClient) -> None:
    policies = {"tenant-a": CORSPolicy(allow_origins=[API])}
    client = make_client(resolver=lambda environ: policies.get(environ.get("HTTP_X_TENANT", "")))
    assert (
        client.get("/", headers={"Origin": API, "X-Tenant": "tenant-a"}).headers[
            "Access-Control-Allow-Origin"
        ]
        == API
    )
    assert "Vary" not in client.get("/", headers={"Origin": API}).headers


@pytest.mark.parametrize(
    ("pattern", "expression"),
    [
        (r"^/api/.*$", r'r"/api/.*"'),  # django-cors-headers' CORS_URLS_REGEX, copied
        (r"^/api/", r'r"/api/.*"'),  # re.match anchors only the start: keep what follows matching
        (r"^api/.*$", r'r"/api/.*"'),
        (r"/api/.*", r'r"/api/.*"'),
        (r"/v[0-9]+/items$", r'r"/v[0-9]+/items"'),
        (r"^/(api|web)/", r'r"(?:/(api|web)/).*"'),
        (r"/api/v\d+", r'r"/api/v\d+"'),  # full-matched as written: never widened
    ],
)
def test_a_regex_given_as_a_string_is_an_error_showing_the_compiled_regex_to_write(
    make_client: MakeClient, pattern: str, expression: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(text_app(), allow_origins=[API], resources={pattern: {}})
    error = caught.value
    assert (error.option, error.value) == ("resources", pattern)
    assert (
        error.problem
        == "looks like a regular expression, but a string is an exact path or a '/prefix/*' rule"
    )
    assert error.fix == f"pass re.compile({expression}): a compiled regex is full-matched against the path"
    # Writing the fix works: the paths the string meant get the rule.
    regex = re.compile(expression[2:-1])
    client = make_client(allow_origins=[API], resources={regex: {}})
    path = "/v2/items" if "items" in pattern else "/api/v2" if "v\\d" in pattern else "/api/users"
    assert allowed_origin(client, path, API) == API


@pytest.mark.parametrize("pattern", ["/a+b", "/wiki/Foo_(bar)", "/files/[draft]", "/c++/x/*", "/v1.2/docs"])
def test_a_literal_path_with_regex_characters_in_it_stays_an_exact_or_prefix_rule(
    make_client: MakeClient, pattern: str
) -> None:
    client = make_client(allow_origins=[API], resources={pattern: {}})
    assert allowed_origin(client, pattern.removesuffix("/*"), API) == API
