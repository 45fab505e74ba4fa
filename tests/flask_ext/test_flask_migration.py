"""The deliberate differences from flask-cors, each shown against flask-cors itself (docs/flask.rst)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType

import flask_cors
import pytest
from flask import Flask
from werkzeug.test import TestResponse

import flask_ext
from cors_wsgi import ConfigError
from tests.flask_ext.conftest import ORIGIN, OTHER, Setup, api_app, preflight, vary

Both = Callable[[Setup, str, str, dict[str, str]], tuple[TestResponse, TestResponse]]


def test_wildcard_origins_with_credentials_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="supports_credentials"):
        api_app(flask_ext, supports_credentials=True)


def test_wildcard_origins_with_credentials_from_app_config_is_a_config_error() -> None:
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    with pytest.raises(ConfigError, match="supports_credentials"):
        flask_ext.CORS(app)


def test_wildcard_origins_with_credentials_on_a_view_is_a_config_error_naming_the_view() -> None:
    def profile() -> str:
        return "profile"

    with pytest.raises(ConfigError, match="supports_credentials") as error:
        flask_ext.cross_origin(supports_credentials=True)(profile)
    assert "@cross_origin on 'profile'" in str(error.value)
    assert '@cross_origin(origins=["https://app.example.com"], supports_credentials=True)' in error.value.fix


def test_flask_cors_reflects_any_origin_with_credentials_for_the_same_settings() -> None:
    response = (
        api_app(flask_cors, supports_credentials=True)
        .test_client()
        .get("/api/items", headers={"Origin": "https://evil.example"})
    )
    assert response.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize("origin", ["https://app.example.com.evil.net", "https://a.example.comX"])
def test_an_origin_regex_must_match_the_whole_origin(both: Both, origin: str) -> None:
    def setup(module: ModuleType) -> Flask:
        return api_app(module, origins=r"https://.*\.example\.com")

    theirs, ours = both(setup, "/api/items", "GET", {"Origin": origin})
    assert theirs.headers["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Origin" not in ours.headers


@pytest.mark.parametrize(
    "headers", [{"Origin": ORIGIN}, {"Origin": OTHER}, {}], ids=["allowed", "refused", "no origin"]
)
def test_vary_origin_is_sent_for_a_single_literal_origin(both: Both, headers: dict[str, str]) -> None:
    def setup(module: ModuleType) -> Flask:
        return api_app(module, origins=ORIGIN)

    theirs, ours = both(setup, "/api/items", "GET", headers)
    assert "origin" in vary(ours)
    assert "origin" not in vary(theirs)


def test_a_preflight_answer_varies_on_what_was_requested() -> None:
    response = api_app(flask_ext).test_client().options("/api/items", headers=preflight())
    assert {"origin", "access-control-request-method", "access-control-request-headers"} <= vary(response)


def test_vary_header_false_is_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "cors_wsgi"):
        app = api_app(flask_ext, origins=[ORIGIN, OTHER], vary_header=False)
    assert "vary_header=False is ignored" in caplog.text
    assert vary(app.test_client().get("/api/items", headers={"Origin": ORIGIN})) == {"origin"}


def prefix_app(module: ModuleType) -> Flask:
    return api_app(module, resources={r"/api/*": {"origins": ORIGIN}})


@pytest.mark.parametrize("path", ["/apiary", "/api+x", "/API/items"])
def test_a_prefix_rule_covers_only_the_path_and_what_is_below_it(both: Both, path: str) -> None:
    _theirs, ours = both(prefix_app, path, "GET", {"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in ours.headers


@pytest.mark.parametrize("path", ["/apiary", "/api+x"])
def test_flask_cors_lets_a_prefix_pattern_match_lookalike_paths(both: Both, path: str) -> None:
    theirs, _ours = both(prefix_app, path, "GET", {"Origin": ORIGIN})
    assert theirs.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_path_is_never_percent_decoded_a_second_time(both: Both) -> None:
    # The server decodes %2561 once into %61; flask-cors decodes again, into "a".
    theirs, ours = both(prefix_app, "/%2561pi/items", "GET", {"Origin": ORIGIN})
    assert theirs.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in ours.headers


@pytest.mark.parametrize(
    ("misspelt", "suggestion"), [("orgins", "origins"), ("supports_credential", "supports_credentials")]
)
def test_a_misspelt_option_is_an_error_with_a_suggestion(misspelt: str, suggestion: str) -> None:
    with pytest.raises(ConfigError, match=f"did you mean '{suggestion}'"):
        flask_ext.CORS(Flask(__name__), **{misspelt: True})
    with pytest.raises(ConfigError, match=f"did you mean '{suggestion}'"):
        flask_ext.cross_origin(**{misspelt: True})


def test_a_misspelt_resource_option_is_an_error() -> None:
    with pytest.raises(ConfigError, match="did you mean 'max_age'"):
        flask_ext.CORS(Flask(__name__), resources={"/api/*": {"max_ages": 5}})


def test_an_unknown_config_key_is_only_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    app = Flask(__name__)
    app.config["CORS_HEADERS"] = "Content-Type"  # in flask-cors's own README, ignored there too
    with caplog.at_level(logging.WARNING, "cors_wsgi"):
        flask_ext.CORS(app)
    assert "CORS_HEADERS" in caplog.text


@pytest.mark.parametrize(
    "origins", ["*", [r"^(null|https://.*\.example\.com)$"], [r"https://.*\.example\.com|null"]]
)
def test_null_is_never_granted_by_a_pattern(both: Both, origins: object) -> None:
    def setup(module: ModuleType) -> Flask:
        return api_app(module, origins=origins)

    theirs, ours = both(setup, "/api/items", "GET", {"Origin": "null"})
    assert theirs.headers["Access-Control-Allow-Origin"] == "null"
    assert "Access-Control-Allow-Origin" not in ours.headers


def test_null_listed_literally_is_granted_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "cors_wsgi"):
        app = api_app(flask_ext, origins=["null"])
    assert "null" in caplog.text
    response = app.test_client().get("/api/items", headers={"Origin": "null"})
    assert response.headers["Access-Control-Allow-Origin"] == "null"


def test_a_malformed_origin_is_never_reflected(both: Both) -> None:
    theirs, ours = both(lambda m: api_app(m), "/api/items", "GET", {"Origin": "https://a.com\tx"})
    assert theirs.headers["Access-Control-Allow-Origin"] == "https://a.com\tx"
    assert "Access-Control-Allow-Origin" not in ours.headers


def test_a_refused_preflight_is_a_403_without_grant(both: Both) -> None:
    def setup(module: ModuleType) -> Flask:
        return api_app(module, origins=[ORIGIN], methods=["GET"])

    theirs, ours = both(setup, "/api/items", "OPTIONS", preflight(method="PUT"))
    assert theirs.status_code == 200
    assert "Access-Control-Allow-Methods" not in theirs.headers
    assert ours.status_code == 403
    assert "Access-Control-Allow-Origin" not in ours.headers


def test_a_private_network_preflight_is_refused_unless_opted_in(both: Both) -> None:
    request = {**preflight(), "Access-Control-Request-Private-Network": "true"}
    theirs, ours = both(lambda m: api_app(m), "/api/items", "OPTIONS", request)
    assert theirs.headers["Access-Control-Allow-Private-Network"] == "false"
    assert ours.status_code == 403
    assert "Access-Control-Allow-Private-Network" not in ours.headers


def test_literal_origins_are_not_announced_to_requests_without_origin(both: Both) -> None:
    theirs, ours = both(lambda m: api_app(m, origins=[ORIGIN]), "/api/items", "GET", {})
    assert theirs.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in ours.headers


def test_a_view_decorator_refusing_an_origin_is_not_overridden_by_the_app_wide_rule(both: Both) -> None:
    # Not a difference: flask-cors marks the response, we pick the view's policy.
    def setup(module: ModuleType) -> Flask:
        app = Flask(__name__)

        @app.route("/private")
        @module.cross_origin(origins=[ORIGIN])
        def private() -> str:
            return "private"

        module.CORS(app)
        return app

    for response in both(setup, "/private", "GET", {"Origin": OTHER}):
        assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"origins": "https://App.example.com"}, "origins"),
        ({"origins": "https://app.example.com/"}, "origins"),
        ({"allow_headers": ["X-Custom-.*"]}, "allow_headers"),
        ({"expose_headers": ["Set-Cookie"]}, "expose_headers"),
        ({"supports_credentials": "false"}, "supports_credentials"),
        ({"max_age": -1}, "max_age"),
        ({"max_age": "ten"}, "max_age"),
        ({"origins": "[unclosed"}, "origins"),
    ],
)
def test_a_setting_that_could_never_work_fails_at_start_up(options: dict[str, object], option: str) -> None:
    with pytest.raises(ConfigError) as error:
        api_app(flask_ext, **options)
    assert error.value.option == option


@pytest.mark.parametrize(
    ("origin", "ours", "flask_cors"),
    [
        ("https://a.example.com", True, False),
        ("https://a.b.example.com", True, False),
        ("https://example.com", False, True),
        ("https://wexample.com", False, True),
        ("http://a.example.com", False, False),
    ],
)
def test_a_subdomain_pattern_grants_exactly_the_subdomains(
    both: Both, origin: str, ours: bool, flask_cors: bool
) -> None:
    def setup(module: ModuleType) -> Flask:
        return api_app(module, origins=["https://*.example.com"])

    theirs, our = both(setup, "/api/items", "GET", {"Origin": origin})
    assert ("Access-Control-Allow-Origin" in our.headers) is ours
    # flask-cors reads the same string as the regex "https:/*.example.com": lookalikes, no subdomain.
    assert ("Access-Control-Allow-Origin" in theirs.headers) is flask_cors


def test_a_callable_origin_check_is_consulted_for_well_formed_origins() -> None:
    seen: list[str] = []

    def trusted(origin: str) -> bool:
        seen.append(origin)
        return origin.endswith(".trusted.example")

    client = api_app(flask_ext, origins=[trusted]).test_client()
    assert client.get("/api/items", headers={"Origin": "https://a.trusted.example"}).headers[
        "Access-Control-Allow-Origin"
    ] == ("https://a.trusted.example")
    assert "Access-Control-Allow-Origin" not in client.get("/api/items", headers={"Origin": OTHER}).headers
    client.get("/api/items", headers={"Origin": "null"})
    assert seen == ["https://a.trusted.example", OTHER]
