"""The four CORS-safelisted request-header names are allowed once an origin is.

A browser asks for ``content-type`` in a preflight whenever its value is not
safelisted (``application/json``, the most common front-end call), and for
``accept`` or ``accept-language`` when their values are long or unusual. They
carry no credentials, so, as in Starlette, they are always allowed and
``allow_headers`` adds to them. ``allow_headers="*"`` is still not the default.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cors_wsgi import CORSPolicy, decide_preflight, reasons
from tests.conformance.client import ORIGIN, OTHER_ORIGIN, BrowserClient
from tests.conformance.fetch_model import extract_list, preflight_passes

SAFELISTED = ["accept", "accept-language", "content-language", "content-type"]


@pytest.mark.parametrize("credentials", [False, True])
@pytest.mark.parametrize(
    "names", [[name] for name in SAFELISTED] + [SAFELISTED], ids=[*SAFELISTED, "all-four"]
)
def test_a_json_post_and_every_safelisted_name_pass_under_the_default_headers(
    client: Callable[..., BrowserClient], names: list[str], credentials: bool
) -> None:
    browser = client(allow_origins=[ORIGIN], allow_credentials=credentials)
    response = browser.preflight(ORIGIN, "POST", names)
    assert response.status_int == 204
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "POST", names, credentials)


def test_the_grant_lists_the_four_names_and_only_them_by_default(
    client: Callable[..., BrowserClient],
) -> None:
    response = client(allow_origins=[ORIGIN]).preflight(ORIGIN, "POST", ["content-type"])
    assert extract_list(response.headerlist, "Access-Control-Allow-Headers") == [
        "Accept",
        "Accept-Language",
        "Content-Language",
        "Content-Type",
    ]


def test_allow_headers_adds_to_the_safelisted_names(client: Callable[..., BrowserClient]) -> None:
    browser = client(allow_origins=[ORIGIN], allow_methods=["PUT"], allow_headers=["X-Token"])
    names = ["content-type", "x-token"]
    response = browser.preflight(ORIGIN, "PUT", names)
    assert preflight_passes(response.status_int, response.headerlist, ORIGIN, "PUT", names)
    assert extract_list(response.headerlist, "Access-Control-Allow-Headers") == [
        "X-Token",
        "Accept",
        "Accept-Language",
        "Content-Language",
        "Content-Type",
    ]


def test_a_safelisted_name_also_listed_is_sent_once_as_written() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_headers=["content-type", "X-Token"])
    decision = decide_preflight(policy, ORIGIN, "POST", "content-type")
    assert dict(decision.headers)["Access-Control-Allow-Headers"] == (
        "content-type, X-Token, Accept, Accept-Language, Content-Language"
    )


@pytest.mark.parametrize("name", ["x-requested-with", "authorization", "range", "cookie"])
def test_other_names_still_need_allow_headers_since_star_is_not_the_default(name: str) -> None:
    decision = decide_preflight(CORSPolicy(allow_origins=[ORIGIN]), ORIGIN, "POST", f"content-type,{name}")
    assert (decision.reason, decision.detail) == (reasons.HEADER_NOT_ALLOWED, name)


def test_a_refused_origin_gets_no_header_list(client: Callable[..., BrowserClient]) -> None:
    response = client(allow_origins=[ORIGIN]).preflight(OTHER_ORIGIN, "POST", ["content-type"])
    assert response.status_int == 403
    assert "Access-Control-Allow-Headers" not in response.headers


def test_a_star_policy_still_echoes_what_was_asked_with_credentials() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_headers="*", allow_credentials=True)
    decision = decide_preflight(policy, ORIGIN, "POST", "content-type,x-a")
    assert dict(decision.headers)["Access-Control-Allow-Headers"] == "content-type, x-a"


def test_the_precomputed_grant_of_a_listed_origin_equals_the_computed_one() -> None:
    listed = decide_preflight(CORSPolicy(allow_origins=[ORIGIN]), ORIGIN, "POST", "content-type")
    matched = decide_preflight(
        CORSPolicy(allow_origins=["https://*.example.com"]), ORIGIN, "POST", "content-type"
    )
    assert listed == matched
    assert listed.allowed
