"""The engine's configuration errors in full: what each names, its value, the problem and the fix."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def no_policy(environ: dict[str, Any]) -> CORSPolicy | None:
    return None


NEVER_USED = "is never used: this middleware's resolver picks the policy of every request"
USE_A_RESOLVER = "pass resolver= a new function (or resources= rules) instead, or resolver=None"


def test_reconfiguring_the_policy_of_a_resolver_middleware_names_the_policy_as_never_used() -> None:
    middleware = CORSMiddleware(app, resolver=no_policy)
    policy = CORSPolicy(allow_origins=["https://app.example.com"])

    with pytest.raises(ConfigError) as caught:
        middleware.reconfigure(policy=policy)

    error = caught.value
    assert (error.option, error.value, error.problem, error.fix) == (
        "policy",
        policy,
        NEVER_USED,
        USE_A_RESOLVER,
    )


def test_reconfiguring_an_option_of_a_resolver_middleware_names_that_option_and_its_value() -> None:
    middleware = CORSMiddleware(app, resolver=no_policy)

    with pytest.raises(ConfigError) as caught:
        middleware.reconfigure(max_age=5)

    assert str(caught.value) == f"max_age=5: {NEVER_USED}; {USE_A_RESOLVER}"


def test_options_beside_a_resolver_name_the_first_option_in_alphabetical_order_and_its_value() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, resolver=no_policy, max_age=5, allow_credentials=True)

    assert str(caught.value) == (
        "allow_credentials=True: cannot be combined with resolver=: the resolver picks the policy of "
        "every request; build the policies in the resolver, or drop resolver="
    )
    assert caught.value.value is True


def test_a_bad_option_of_a_resource_rule_names_the_rule_the_option_and_its_value() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, resources={"/api/*": {"max_age": -1}})

    assert str(caught.value) == (
        "resources['/api/*'] max_age=-1: must be an int >= 0 (seconds) or None; for example 600"
    )
    assert caught.value.value == -1


def test_an_async_origin_check_refused_by_wsgi_is_named_with_the_reason_and_the_fix() -> None:
    async def partner(origin: str) -> bool:
        return True

    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, allow_origins=["https://app.example.com", partner])

    error = caught.value
    assert (error.option, error.value, error.problem, error.fix) == (
        "allow_origins",
        partner,
        "is an async function: WSGI cannot await it, and its unawaited result would be true",
        "use cors_wsgi.asgi.CORSMiddleware, or a plain function",
    )


def test_the_wsgi_middleware_never_suggests_check_websocket_origin_which_is_not_its_option() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, check_websocket_origins=True)  # type: ignore[call-arg]

    message = str(caught.value)
    assert message.startswith("check_websocket_origins=True: is not an option of CORSMiddleware; known: ")
    assert "check_websocket_origin" not in message.removeprefix("check_websocket_origins")


def test_check_websocket_origin_given_to_the_wsgi_middleware_says_why_and_what_to_use() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(app, check_websocket_origin=True)  # type: ignore[call-arg]

    error = caught.value
    assert (error.option, error.value, error.problem, error.fix) == (
        "check_websocket_origin",
        True,
        "is not an option of CORSMiddleware: WebSocket handshakes never pass through it",
        "remove it, or serve the app with cors_wsgi.asgi.CORSMiddleware",
    )
