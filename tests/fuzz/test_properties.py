"""Property tests: for any origin and header list, no grant outside the policy,
no CR, LF or NUL in any header written, and no exception."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cors_wsgi import CORSMiddleware, CORSPolicy, decide_actual, decide_preflight, split_origin
from cors_wsgi.tokens import MAX_HEADER_LIST_LENGTH, is_token, parse_header_list
from tests.fuzz.oracle import ALLOWED, SUBDOMAIN_PARENT, in_policy
from tests.fuzz.strategies import header_lists, methods, origins

POLICY = CORSPolicy(
    allow_origins=[*ALLOWED, f"https://*.{SUBDOMAIN_PARENT}"],
    allow_methods=["GET", "PUT", "patch"],
    allow_headers=["X-Requested-With", "Authorization"],
    allow_credentials=True,
    expose_headers=["X-Total"],
)
ANY_HEADER_POLICY = POLICY.replace(allow_headers="*", allow_methods="*")
FAST = settings(max_examples=200, deadline=None)


def assert_writable(headers: Any) -> None:
    for name, value in headers:
        assert not {"\r", "\n", "\0"} & set(name + value), (name, value)


def plain_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@FAST
@given(origin=origins)
def test_actual_request_grants_only_origins_in_the_policy_and_only_byte_equal(origin: str) -> None:
    decision = decide_actual(POLICY, origin)
    if decision.allowed:
        assert in_policy(origin)
        assert dict(decision.headers)["Access-Control-Allow-Origin"] == origin
    else:
        assert not [name for name, _ in decision.headers if name.startswith("Access-Control-")]
    assert "Origin" in decision.vary


@FAST
@given(origin=origins, method=methods, requested=header_lists())
def test_preflight_grants_only_within_the_policy(origin: str, method: str, requested: str) -> None:
    for policy in (POLICY, ANY_HEADER_POLICY):
        decision = decide_preflight(policy, origin, method or "GET", requested)
        assert_writable(decision.headers)
        if not decision.allowed:
            continue
        assert in_policy(origin)
        headers = dict(decision.headers)
        assert headers["Access-Control-Allow-Origin"] == origin
        names = [name.strip(" \t").lower() for name in requested.split(",") if name.strip(" \t")]
        granted = headers.get("Access-Control-Allow-Headers", "").lower().split(", ")
        assert set(names) <= set(granted)
        if policy is POLICY:
            # The policy's two names and the four CORS-safelisted ones, always allowed.
            assert set(names) <= {
                "x-requested-with",
                "authorization",
                "accept",
                "accept-language",
                "content-language",
                "content-type",
            }


@FAST
@given(requested=st.one_of(header_lists(), st.text(max_size=200)))
def test_header_list_parsing_returns_lower_case_unique_tokens_or_none(requested: str) -> None:
    names = parse_header_list(requested)
    if names is None:
        return
    assert len(requested) <= MAX_HEADER_LIST_LENGTH
    assert len(names) == len(set(names))
    assert all(is_token(name) and name == name.lower() for name in names)


@FAST
@given(origin=st.one_of(origins, st.text(max_size=60)))
def test_split_origin_accepts_only_what_it_can_rebuild_exactly(origin: str) -> None:
    parts = split_origin(origin)
    if parts is not None:
        scheme, host, port = parts
        assert f"{scheme}://{host}{':' + port if port else ''}" == origin


@FAST
@given(
    origin=origins, method=methods, requested=header_lists(), http_method=st.sampled_from(["GET", "OPTIONS"])
)
def test_middleware_writes_only_safe_headers_and_grants_within_the_policy(
    origin: str, method: str, requested: str, http_method: str
) -> None:
    middleware = CORSMiddleware(plain_app, policy=POLICY)
    environ = {
        "REQUEST_METHOD": http_method,
        "PATH_INFO": "/",
        "HTTP_ORIGIN": origin,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": method,
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": requested,
    }
    written: list[list[tuple[str, str]]] = []
    b"".join(middleware(environ, lambda status, headers, exc_info=None: written.append(headers)))
    (headers,) = written
    assert_writable(headers)
    granted = [value for name, value in headers if name == "Access-Control-Allow-Origin"]
    assert granted in ([], [origin])
    assert not granted or in_policy(origin)
