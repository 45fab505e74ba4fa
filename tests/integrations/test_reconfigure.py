"""Live reconfiguration: validated first, swapped atomically, never half-applied."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi.config import options_from_env
from tests.integrations.servers import hello_app

A = "https://a.example.com"
B = "https://b.example.com"
PREFLIGHT = {"Origin": A, "Access-Control-Request-Method": "PUT"}


def test_reconfigure_changes_the_answer_of_the_next_request() -> None:
    middleware = CORSMiddleware(hello_app, allow_origins=[A])
    client = TestApp(middleware)

    middleware.reconfigure(allow_origins=[B])

    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": A}).headers
    assert client.get("/", headers={"Origin": B}).headers["Access-Control-Allow-Origin"] == B


def test_reconfigure_with_resolver_none_drops_the_resolver_for_the_policy_given() -> None:
    middleware = CORSMiddleware(hello_app, resolver=lambda environ: None)
    client = TestApp(middleware)
    assert "Vary" not in client.get("/", headers={"Origin": A}).headers

    middleware.reconfigure(policy=CORSPolicy(allow_origins=[A]), resolver=None)

    assert client.get("/", headers={"Origin": A}).headers["Access-Control-Allow-Origin"] == A
    middleware.reconfigure(allow_origins=[B])  # options apply again: no resolver to ignore them
    assert client.get("/", headers={"Origin": B}).headers["Access-Control-Allow-Origin"] == B


def test_reconfigure_keeps_the_options_it_is_not_given() -> None:
    middleware = CORSMiddleware(hello_app, allow_origins=[A], expose_headers=["X-Id"], max_age=60)

    middleware.reconfigure(allow_origins=[B])
    response = TestApp(middleware).get("/", headers={"Origin": B})

    assert response.headers["Access-Control-Expose-Headers"] == "X-Id"
    assert middleware.policy.options["max_age"] == 60


def test_a_config_error_leaves_the_old_configuration_serving() -> None:
    middleware = CORSMiddleware(hello_app, allow_origins=[A])

    with pytest.raises(ConfigError):
        middleware.reconfigure(allow_origins=[B + "/"])
    response = TestApp(middleware).get("/", headers={"Origin": A})

    assert response.headers["Access-Control-Allow-Origin"] == A


@pytest.mark.parametrize(
    "changes",
    [
        {"allow_origins": [B], "max_age": -1},
        {"allow_origins": [B], "allow_methods": ["PUT", "TRACE"]},
        {"allow_origins": [B], "resources": {"/api/*": {}, "api": {}}},
        {"allow_origins": [B], "expose_headers": ["Set-Cookie"]},
    ],
)
def test_nothing_is_half_applied_when_one_change_is_invalid(changes: dict[str, Any]) -> None:
    middleware = CORSMiddleware(hello_app, allow_origins=[A], allow_methods=["PUT"], max_age=60)
    before = middleware.policy

    with pytest.raises(ConfigError):
        middleware.reconfigure(**changes)
    client = TestApp(middleware)
    preflight = client.options("/api/x", headers=PREFLIGHT)

    assert middleware.policy is before
    assert preflight.headers["Access-Control-Allow-Origin"] == A
    assert preflight.headers["Access-Control-Max-Age"] == "60"
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": B}).headers


def test_a_request_in_flight_finishes_with_the_configuration_it_started_with() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        entered.set()
        release.wait()
        return hello_app(environ, start_response)

    middleware = CORSMiddleware(slow_app, allow_origins=[A], expose_headers=["X-Old"])
    client = TestApp(middleware)
    responses = []
    worker = threading.Thread(target=lambda: responses.append(client.get("/", headers={"Origin": A})))
    worker.start()
    entered.wait()
    middleware.reconfigure(expose_headers=["X-New"])
    release.set()
    worker.join()
    entered.clear()
    release.set()
    after = client.get("/", headers={"Origin": A})

    assert responses[0].headers["Access-Control-Expose-Headers"] == "X-Old"
    assert after.headers["Access-Control-Expose-Headers"] == "X-New"


#: Two configurations whose headers tell them apart; a mix of both would be a torn swap.
CONFIG_ONE = {
    "allow_methods": ["PUT"],
    "max_age": 100,
    "expose_headers": ["X-One"],
    "allow_credentials": False,
}
CONFIG_TWO = {
    "allow_methods": ["PUT", "DELETE"],
    "max_age": 200,
    "expose_headers": ["X-Two"],
    "allow_credentials": True,
}
PREFLIGHT_SIGNATURES = {
    ("PUT", "100", None),
    ("PUT, DELETE", "200", "true"),
}
ACTUAL_SIGNATURES = {("X-One", None), ("X-Two", "true")}


def test_concurrent_requests_see_one_whole_configuration_or_the_other() -> None:
    middleware = CORSMiddleware(hello_app, allow_origins=[A], **CONFIG_ONE)
    client = TestApp(middleware)
    seen_preflights: set[tuple[str | None, ...]] = set()
    seen_actuals: set[tuple[str | None, ...]] = set()
    lock = threading.Lock()

    def requests() -> None:
        for _ in range(150):
            preflight = client.options("/", headers=PREFLIGHT).headers
            actual = client.get("/", headers={"Origin": A}).headers
            with lock:
                seen_preflights.add(
                    (
                        preflight.get("Access-Control-Allow-Methods"),
                        preflight.get("Access-Control-Max-Age"),
                        preflight.get("Access-Control-Allow-Credentials"),
                    )
                )
                seen_actuals.add(
                    (
                        actual.get("Access-Control-Expose-Headers"),
                        actual.get("Access-Control-Allow-Credentials"),
                    )
                )

    workers = [threading.Thread(target=requests) for _ in range(4)]
    for worker in workers:
        worker.start()
    for n in range(300):
        middleware.reconfigure(**(CONFIG_TWO if n % 2 == 0 else CONFIG_ONE))
    for worker in workers:
        worker.join()

    assert seen_preflights <= PREFLIGHT_SIGNATURES
    assert seen_actuals <= ACTUAL_SIGNATURES
    assert middleware.policy.options["max_age"] == 100


def test_reconfigure_from_a_reloaded_environment() -> None:
    middleware = CORSMiddleware.from_env(hello_app, environ={"CORS_ALLOW_ORIGINS": A})

    reloaded = {"CORS_ALLOW_ORIGINS": f"{A} {B}", "CORS_ALLOW_METHODS": "PUT", "CORS_MAX_AGE": "30"}
    middleware.reconfigure(**options_from_env(reloaded))
    preflight = TestApp(middleware).options("/", headers={**PREFLIGHT, "Origin": B})

    assert preflight.headers["Access-Control-Allow-Origin"] == B
    assert preflight.headers["Access-Control-Max-Age"] == "30"
