"""Configuration mistakes fail at start-up with flask-cors's option names, the rule and the fix."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Blueprint, Flask

from cors_wsgi import ConfigError
from flask_ext import CORS, cross_origin
from tests.flask_ext.conftest import ORIGIN, preflight, vary


def test_the_most_copied_flask_cors_line_fails_with_the_corrected_line() -> None:
    with pytest.raises(ConfigError) as error:
        CORS(Flask(__name__), supports_credentials=True)
    assert error.value.option == "origins"
    assert "CORS(app)" in error.value.problem
    assert 'CORS(app, origins=["https://app.example.com"], supports_credentials=True)' in error.value.fix


@pytest.mark.parametrize(
    ("setup", "rule", "corrected"),
    [
        (
            lambda: CORS(Flask(__name__), resources={"/api/*": {"supports_credentials": True}}),
            "CORS(app, resources={'/api/*': ...})",
            'CORS(app, resources={"/api/*": {"origins": ["https://app.example.com"], '
            '"supports_credentials": True}})',
        ),
        (
            lambda: CORS(Blueprint("admin", __name__), supports_credentials=True),
            "CORS(blueprint 'admin')",
            'CORS(blueprint, origins=["https://app.example.com"], supports_credentials=True)',
        ),
        (
            lambda: cross_origin(supports_credentials=True)(lambda: "x"),
            "@cross_origin on '<lambda>'",
            '@cross_origin(origins=["https://app.example.com"], supports_credentials=True)',
        ),
    ],
    ids=["resource rule", "blueprint", "view"],
)
def test_wildcard_with_credentials_names_the_rule_it_comes_from(
    setup: Any, rule: str, corrected: str
) -> None:
    with pytest.raises(ConfigError) as error:
        setup()
    assert f"(in {rule})" in error.value.problem
    assert corrected in error.value.fix


@pytest.mark.parametrize(
    ("where", "setup"),
    [
        ("CORS(app)", lambda origins: CORS(Flask(__name__), origins=origins)),
        ("resources", lambda origins: CORS(Flask(__name__), resources={"/api/*": {"origins": origins}})),
        ("blueprint", lambda origins: CORS(Blueprint("bp", __name__), origins=origins)),
        ("view", lambda origins: cross_origin(origins=origins)(lambda: "x")),
    ],
)
@pytest.mark.parametrize(
    "origins", ["https://a.example.com,https://b.example.com", "https://a.example.com, https://b.example.com"]
)
def test_a_comma_separated_origins_string_says_to_pass_a_list(where: str, setup: Any, origins: str) -> None:
    with pytest.raises(ConfigError) as error:
        setup(origins)
    assert error.value.option == "origins"
    assert "commas" in error.value.problem
    assert 'origins=["https://a.example.com", "https://b.example.com"]' in error.value.fix or (
        '"origins": ["https://a.example.com", "https://b.example.com"]' in error.value.fix
    )


@pytest.mark.parametrize(
    ("options", "option", "words"),
    [
        ({"origins": "https://App.example.com"}, "origins", "lower case"),
        ({"origins": ["https://app.example.com/"]}, "origins", "trailing slash"),
        ({"origins": ["https://*.example.com/x"]}, "origins", "regex in origins"),
        ({"methods": ["GET", "TRACE"]}, "methods", "forbidden"),
        ({"origins": [ORIGIN], "expose_headers": "*", "supports_credentials": True}, "expose_headers", ""),
    ],
)
def test_errors_from_the_core_use_flask_cors_option_names(
    options: dict[str, object], option: str, words: str
) -> None:
    with pytest.raises(ConfigError) as error:
        CORS(Flask(__name__), resources={"/api/*": options})
    assert error.value.option == option
    message = str(error.value)
    assert words in message
    assert "(in CORS(app, resources={'/api/*': ...}))" in message
    for core_name in ("allow_origins", "allow_origin_regex", "allow_methods", "allow_credentials"):
        assert core_name not in message


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("CORS_ORIGIN", "CORS_ORIGINS"),
        ("CORS_SUPPORT_CREDENTIALS", "CORS_SUPPORTS_CREDENTIALS"),
        ("CORS_MAXAGE", "CORS_MAX_AGE"),
        ("CORS_EXPOSE_HEADER", "CORS_EXPOSE_HEADERS"),
        ("CORS_ALLOWED_ORIGINS", "CORS_ORIGINS"),  # django-cors-headers
        ("CORS_ALLOW_ORIGINS", "CORS_ORIGINS"),  # Starlette, cors_wsgi
        ("CORS_ALLOW_CREDENTIALS", "CORS_SUPPORTS_CREDENTIALS"),
    ],
)
def test_a_near_miss_config_key_is_an_error_with_the_right_name(key: str, meant: str) -> None:
    app = Flask(__name__)
    app.config[key] = [ORIGIN]
    with pytest.raises(ConfigError, match=f"did you mean '{meant}'") as error:
        CORS(app)
    assert key in error.value.option


def test_a_near_miss_config_key_fails_an_app_with_only_decorated_views_at_its_first_request() -> None:
    app = Flask(__name__)
    app.config.update(CORS_ORIGIN=[ORIGIN], PROPAGATE_EXCEPTIONS=True)

    @app.route("/x")
    @cross_origin()
    def x() -> str:
        return "x"

    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        app.test_client().get("/x", headers={"Origin": ORIGIN})


@pytest.mark.parametrize("key", ["CORS_HEADERS", "CORS_PROXY_URL", "CORS_SERVICE_HOST", "CORS_PORT"])
def test_flask_cors_own_and_unrelated_config_keys_are_only_logged(
    key: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = Flask(__name__)
    app.config[key] = "Content-Type"  # CORS_HEADERS: in flask-cors's own README, ignored there too
    app.add_url_rule("/x", "x", lambda: "x")
    with caplog.at_level(logging.WARNING, "cors_wsgi"):
        CORS(app, origins=[ORIGIN])
    assert key in caplog.text
    assert (
        app.test_client().get("/x", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"]
        == ORIGIN
    )


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        ("http://localhost:3000", True),
        ("http://localhost:8080", True),
        ("http://localhost", True),
        ("https://localhost:3000", False),
        ("http://localhost.evil.example", False),
        ("http://localhost:3000.evil.example", False),
    ],
)
@pytest.mark.parametrize("entry", ["http://localhost:*", "http://*.localhost:*"])
def test_an_any_port_pattern_grants_every_port_of_that_host_only(
    entry: str, origin: str, granted: bool
) -> None:
    app = Flask(__name__)
    app.add_url_rule("/x", "x", lambda: "x")
    CORS(app, origins=[entry])
    if entry.startswith("http://*."):
        origin = origin.replace("localhost", "dev.localhost", 1)
    response = app.test_client().get("/x", headers={"Origin": origin})
    assert (response.headers.get("Access-Control-Allow-Origin") == origin) is granted


def passed_through_app() -> Flask:
    """Only PUT /things has a policy; a preflight for DELETE is passed through to Flask."""
    app = Flask(__name__)

    @app.route("/things", methods=["PUT"])
    @cross_origin(origins=[ORIGIN])
    def put_things() -> str:
        return "put"

    @app.route("/things", methods=["DELETE"])
    def delete_things() -> str:
        return "deleted"

    @app.after_request
    def app_vary(response: Any) -> Any:
        response.headers["Vary"] = "Accept-Encoding"
        return response

    CORS(app, resources={})
    return app


def test_a_passed_through_preflight_varies_on_what_was_requested() -> None:
    client = passed_through_app().test_client()
    passed = client.options("/things", headers=preflight(method="DELETE"))
    assert "Access-Control-Allow-Origin" not in passed.headers
    assert {"origin", "access-control-request-method", "access-control-request-headers"} <= vary(passed)
    assert "accept-encoding" in vary(passed)  # merged into the app's own Vary
    granted = client.options("/things", headers=preflight(method="PUT"))
    assert granted.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_plain_options_request_gets_no_preflight_vary() -> None:
    response = passed_through_app().test_client().options("/things")
    assert "access-control-request-method" not in vary(response)


def test_a_preflight_outside_every_path_rule_varies_too() -> None:
    app = Flask(__name__)
    app.add_url_rule("/other", "other", lambda: "other", methods=["PUT"])
    CORS(app, resources={"/api/*": {"origins": [ORIGIN]}})
    response = app.test_client().options("/other", headers=preflight())
    assert "Access-Control-Allow-Origin" not in response.headers
    assert {"origin", "access-control-request-method", "access-control-request-headers"} <= vary(response)
