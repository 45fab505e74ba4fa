"""A report-only candidate decides each CORS request beside the enforced policy, never changing an answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy, reasons
from tests.report.conftest import APP, EVIL, Reports, call, ok_app, preflight, report_lines

#: Requests of every kind a middleware answers differently; each is sent with and without report_only.
REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/", {"origin": APP}),
    ("GET", "/", {"origin": EVIL}),
    ("GET", "/", {}),
    ("POST", "/api/items", {"origin": EVIL}),
    ("OPTIONS", "/", {"origin": APP, "access_control_request_method": "PUT"}),
    ("OPTIONS", "/", {"origin": EVIL, "access_control_request_method": "PUT"}),
    ("OPTIONS", "/", {"origin": APP, "access_control_request_method": "DELETE"}),
    (
        "OPTIONS",
        "/api/items",
        {"origin": APP, "access_control_request_method": "GET", "access_control_request_headers": "x-a,x-b"},
    ),
    ("OPTIONS", "/", {"origin": EVIL}),
    ("GET", "/", {"origin": "null"}),
    ("GET", "/", {"origin": "https://app.example.com\r\nX-Injected: 1"}),
]

ENFORCED: dict[str, Any] = {"allow_origins": "*", "allow_methods": ["GET", "PUT"], "allow_headers": ["x-a"]}
CANDIDATES: list[Any] = [
    {"allow_origins": [APP], "allow_credentials": True},
    {"allow_origins": [EVIL], "allow_methods": ["DELETE"], "allow_headers": "*"},
    CORSPolicy(),
    {},
]


@pytest.mark.parametrize("candidate", CANDIDATES, ids=["list", "other", "empty-policy", "same"])
def test_every_answer_is_byte_for_byte_the_enforced_policy_s(
    adapter: Callable[..., Any], candidate: Any, reports: Reports
) -> None:
    plain = adapter(ok_app, **ENFORCED)
    watched = adapter(ok_app, **ENFORCED, report_only=candidate, on_report=reports)
    for method, path, headers in REQUESTS:
        assert call(watched, method, path, **headers) == call(plain, method, path, **headers)
    if candidate != {}:
        assert reports  # the candidate did decide, and differently


def test_a_candidate_refusing_what_is_allowed_is_reported_with_both_decisions(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]}, on_report=reports)

    call(app, "POST", "/api/items", origin=EVIL)

    [report] = reports
    assert (report.method, report.path, report.rule) == ("POST", "/api/items", None)
    assert (report.enforced.allowed, report.enforced.reason) == (True, reasons.ALLOWED)
    assert (report.candidate.allowed, report.candidate.reason) == (False, reasons.ORIGIN_NOT_ALLOWED)
    assert report.enforced.origin == report.candidate.origin == EVIL


def test_a_candidate_allowing_what_is_refused_is_reported_too(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(ok_app, allow_origins=[APP], report_only={"allow_origins": [APP, EVIL]}, on_report=reports)

    call(app, origin=EVIL)

    [report] = reports
    assert (report.enforced.allowed, report.candidate.allowed) == (False, True)


def test_a_preflight_report_names_the_requested_method(adapter: Callable[..., Any], reports: Reports) -> None:
    app = adapter(
        ok_app,
        allow_origins=[APP],
        allow_methods=["PUT"],
        report_only={"allow_methods": []},
        on_report=reports,
    )

    preflight(app, APP, "PUT", "/api")

    [report] = reports
    assert report.method == "PUT"
    assert report.enforced.preflight
    assert report.candidate.preflight
    assert (report.candidate.reason, report.candidate.detail) == (reasons.METHOD_NOT_ALLOWED, "PUT")


def test_another_reason_is_a_difference_even_when_both_refuse(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(ok_app, allow_origins=[APP], allow_methods=["GET"], report_only={}, on_report=reports)
    candidate = adapter(ok_app, allow_origins=[APP], report_only={"allow_origins": []}, on_report=reports)

    preflight(app, APP, "DELETE")
    preflight(candidate, APP, "DELETE")

    assert len(reports) == 1
    assert (reports[0].enforced.reason, reports[0].candidate.reason) == (
        reasons.METHOD_NOT_ALLOWED,
        reasons.ORIGIN_NOT_ALLOWED,
    )


def test_two_refusals_for_different_reasons_are_a_difference_even_without_a_detail(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    # Neither reason names a method or header: only the reasons differ.
    app = adapter(
        ok_app,
        allow_origins=[APP],
        allow_private_network=True,
        report_only={"allow_origins": [APP, EVIL], "allow_private_network": False},
        on_report=reports,
    )

    preflight(app, EVIL, "GET", access_control_request_private_network="true")

    assert [(r.enforced.reason, r.candidate.reason) for r in reports] == [
        (reasons.ORIGIN_NOT_ALLOWED, reasons.PRIVATE_NETWORK_NOT_ALLOWED)
    ]
    assert (reports[0].enforced.detail, reports[0].candidate.detail) == ("", "")


def test_decisions_that_differ_only_in_their_headers_are_not_reported(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    # The example: from * to a list with credentials; the listed origin is allowed by both.
    app = adapter(
        ok_app,
        allow_origins="*",
        report_only={"allow_origins": [APP], "allow_credentials": True, "max_age": 5},
        on_report=reports,
    )

    call(app, origin=APP)
    preflight(app, APP, "POST")

    assert reports == []


def test_requests_without_origin_are_never_reported(adapter: Callable[..., Any], reports: Reports) -> None:
    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]}, on_report=reports)

    call(app)
    call(app, "OPTIONS", access_control_request_method="PUT")

    assert reports == []


def test_the_report_is_logged_once_at_warning_with_the_request_values_escaped(
    adapter: Callable[..., Any], caught: pytest.LogCaptureFixture
) -> None:
    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]})
    hostile = "https://evil.example\r\nCORS report-only: forged"

    call(app, "GET", "/x\nforged", origin=hostile)

    [record] = [r for r in caught.records if r.name == "cors_wsgi.report"]
    assert record.levelname == "WARNING"
    message = record.getMessage()
    assert "\n" not in message
    assert "\r" not in message
    assert message == (
        "CORS report-only: the candidate policy decides this request differently: enforced=allowed "
        "candidate=refused(origin-malformed) origin='https://evil.example\\r\\nCORS report-only: forged' "
        "method='GET' path='/x\\nforged'"
    )


def test_a_preflight_line_names_the_rule_and_both_verdicts(
    adapter: Callable[..., Any], caught: pytest.LogCaptureFixture
) -> None:
    app = adapter(
        ok_app,
        allow_origins=[APP],
        resources={"/api/*": {"allow_methods": ["PUT"]}},
        report_only={"allow_methods": ["GET"]},
    )

    preflight(app, APP, "PUT", "/api/items")

    assert report_lines(caught) == [
        "CORS report-only: the candidate policy decides this preflight differently: enforced=allowed "
        "candidate=refused(method-not-allowed: PUT) origin='https://app.example.com' method='PUT' "
        "path='/api/items' rule='/api/*'"
    ]


def test_a_failing_on_report_is_logged_and_the_request_still_gets_its_answer(
    adapter: Callable[..., Any], caught: pytest.LogCaptureFixture
) -> None:
    def broken(report: object) -> None:
        raise RuntimeError("metrics backend down")

    app = adapter(ok_app, allow_origins="*", report_only={"allow_origins": [APP]}, on_report=broken)
    plain = adapter(ok_app, allow_origins="*")

    assert call(app, origin=EVIL) == call(plain, origin=EVIL)
    assert preflight(app, EVIL, "POST") == preflight(plain, EVIL, "POST")

    failures = [r for r in caught.records if r.getMessage().startswith("on_report callback")]
    assert len(failures) == 2
    assert failures[0].getMessage() == f"on_report callback {broken!r} failed"
    assert failures[0].exc_info is not None
    assert "metrics backend down" in str(failures[0].exc_info[1])


def test_on_report_must_be_callable(adapter: Callable[..., Any]) -> None:
    with pytest.raises(ConfigError) as caught:
        adapter(ok_app, allow_origins="*", report_only={}, on_report="metrics")
    assert (caught.value.option, caught.value.value, caught.value.problem) == (
        "on_report",
        "metrics",
        "is not callable",
    )


def test_a_candidate_policy_object_is_used_as_it_is(adapter: Callable[..., Any], reports: Reports) -> None:
    candidate = CORSPolicy(allow_origins=[APP], allow_methods=["GET"])
    app = adapter(
        ok_app, allow_origins=[APP], allow_methods=["GET", "PUT"], report_only=candidate, on_report=reports
    )

    preflight(app, APP, "PUT")
    preflight(app, APP, "GET")

    assert [(r.method, r.candidate.reason) for r in reports] == [("PUT", reasons.METHOD_NOT_ALLOWED)]


def test_a_dict_candidate_keeps_the_enforced_value_of_every_option_it_does_not_set(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(
        ok_app,
        allow_origins=[APP, EVIL],
        allow_methods=["PUT"],
        report_only={"allow_origins": [APP]},
        on_report=reports,
    )

    preflight(app, APP, "PUT")  # PUT is still allowed by the candidate: same decision
    preflight(app, EVIL, "PUT")

    assert [r.candidate.origin for r in reports] == [EVIL]


@pytest.mark.parametrize(
    ("report_only", "option", "problem"),
    [
        (
            {"allow_origins": "*", "allow_credentials": True},
            "report_only allow_origins",
            "cannot be combined with allow_credentials=True",
        ),
        ({"allow_origins": ["https://app.example.com/"]}, "report_only allow_origins", "has a path"),
        ({"allow_origin": [APP]}, "report_only allow_origin", "is not an option of report_only"),
        ({"resources": {"/x": {}}}, "report_only resources", "is an option of the middleware"),
        ({"debug": True}, "report_only debug", "is an option of the middleware"),
        ("https://app.example.com", "report_only", "is neither a CORSPolicy nor a dict"),
        ([APP], "report_only", "is neither a CORSPolicy nor a dict"),
    ],
)
def test_a_bad_candidate_is_a_config_error_naming_report_only(
    adapter: Callable[..., Any], report_only: object, option: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        adapter(ok_app, allow_origins="*", report_only=report_only)
    assert caught.value.option == option
    assert caught.value.problem.startswith(problem)
    assert caught.value.fix


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"report_only": [APP]},
            "report_only=['https://app.example.com']: is neither a CORSPolicy nor a dict of policy options; "
            "pass report_only=CORSPolicy(...) or a dict such as {'allow_origins': ['https://app.example.com']}",
        ),
        (
            {"report_only": {1: [APP]}},
            "report_only=1: is not an option name; use policy option names as keys",
        ),
        (
            {"report_only": {"resources": {"/x": {}}}},
            "report_only resources={'/x': {}}: is an option of the middleware, not of a policy: the "
            "candidate is compared under the enforced configuration's rules and options; "
            "remove it from report_only",
        ),
        (
            {"resolver": lambda request: None, "report_only": {"allow_origins": [APP]}},
            "report_only={'allow_origins': ['https://app.example.com']}: is a dict of options, but with "
            "resolver= there are no enforced options to layer it over (the resolver picks each request's "
            "policy); pass report_only=CORSPolicy(...): the candidate for every request the resolver decides",
        ),
    ],
    ids=["not-a-dict", "not-a-name", "middleware-option", "dict-with-resolver"],
)
def test_a_bad_candidate_s_message_names_the_option_the_value_and_the_fix(
    adapter: Callable[..., Any], options: dict[str, Any], message: str
) -> None:
    if "resolver" not in options:
        options = {"allow_origins": "*", **options}
    with pytest.raises(ConfigError) as caught:
        adapter(ok_app, **options)
    assert str(caught.value) == message


def test_a_candidate_policy_for_every_rule_is_validated_once_and_its_error_names_report_only() -> None:
    async def partner(origin: str) -> bool:
        return True

    candidate = CORSPolicy(allow_origins=[partner])
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(ok_app, allow_origins=[APP], resources={"/api/*": {}}, report_only=candidate)
    # The candidate is no rule's: the error is the candidate's own, not one rule's.
    assert caught.value.option == "report_only allow_origins"
    assert "async function" in caught.value.problem


def test_a_candidate_is_validated_over_the_enforced_options_it_is_layered_on(
    adapter: Callable[..., Any],
) -> None:
    with pytest.raises(ConfigError) as caught:
        adapter(ok_app, allow_origins=[APP], allow_credentials=True, report_only={"allow_origins": "*"})
    assert caught.value.option == "report_only allow_origins"
    assert "allow_credentials=True" in caught.value.problem


def test_a_resolver_takes_a_candidate_policy_for_every_request_it_decides(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    open_policy = CORSPolicy(allow_origins="*")

    def resolver(request: Any) -> CORSPolicy | None:
        path = request.get("PATH_INFO", request.get("path", ""))  # an environ or a scope
        return None if path.startswith("/static") else open_policy

    app = adapter(ok_app, resolver=resolver, report_only=CORSPolicy(allow_origins=[APP]), on_report=reports)

    call(app, "GET", "/api/a", origin=EVIL)
    call(app, "GET", "/static/app.js", origin=EVIL)  # passed through: nothing decided, nothing reported

    assert [(r.path, r.rule, r.candidate.reason) for r in reports] == [
        ("/api/a", None, reasons.ORIGIN_NOT_ALLOWED)
    ]


def test_a_resolver_with_a_dict_candidate_is_a_config_error_with_the_fix(adapter: Callable[..., Any]) -> None:
    candidate = {"allow_origins": [APP]}
    with pytest.raises(ConfigError) as caught:
        adapter(ok_app, resolver=lambda request: None, report_only=candidate)
    assert (caught.value.option, caught.value.value) == ("report_only", candidate)
    assert "resolver=" in caught.value.problem
    assert caught.value.fix.startswith("pass report_only=CORSPolicy(...)")


def test_with_resources_a_dict_is_layered_over_each_rule_and_the_report_names_the_rule(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(
        ok_app,
        allow_origins=[APP],
        resources={
            "/api/*": {"allow_methods": ["PUT"]},
            "/admin/login": {"allow_methods": ["PUT"], "allow_origins": [APP, EVIL]},
            re.compile(r"/v[0-9]+/.*"): {"allow_methods": ["DELETE"]},
        },
        report_only={"allow_methods": ["GET"]},
        on_report=reports,
    )

    preflight(app, APP, "PUT", "/api/items")
    preflight(app, EVIL, "PUT", "/admin/login")
    preflight(app, APP, "DELETE", "/v2/items")
    preflight(app, APP, "PUT", "/elsewhere")  # no rule: passed through, nothing decided

    assert [(r.rule, r.path, r.candidate.reason) for r in reports] == [
        ("/api/*", "/api/items", reasons.METHOD_NOT_ALLOWED),
        ("/admin/login", "/admin/login", reasons.METHOD_NOT_ALLOWED),
        (r"/v[0-9]+/.*", "/v2/items", reasons.METHOD_NOT_ALLOWED),
    ]
    # The candidate kept each rule's origins: EVIL is still allowed on /admin/login.
    assert reports[1].candidate.detail == "PUT"


def test_with_resources_a_candidate_policy_is_the_candidate_of_every_rule(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(
        ok_app,
        allow_origins="*",
        resources={"/api/*": {}, "/public/*": {"allow_methods": ["PUT"]}},
        report_only=CORSPolicy(allow_origins=[APP]),
        on_report=reports,
    )

    call(app, "GET", "/api/x", origin=EVIL)
    call(app, "GET", "/public/x", origin=APP)

    assert [(r.rule, r.enforced.allowed, r.candidate.allowed) for r in reports] == [("/api/*", True, False)]


def test_two_rules_sharing_one_policy_each_report_their_own_rule(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    shared = CORSPolicy(allow_origins="*")
    app = adapter(
        ok_app,
        resources={"/a/*": shared, "/b/*": shared},
        report_only={"allow_origins": [APP]},
        on_report=reports,
    )

    call(app, "GET", "/a/x", origin=EVIL)
    call(app, "GET", "/b/x", origin=EVIL)

    assert [r.rule for r in reports] == ["/a/*", "/b/*"]


def test_a_candidate_layered_over_a_rule_is_validated_there_and_the_error_names_the_rule(
    adapter: Callable[..., Any],
) -> None:
    with pytest.raises(ConfigError) as caught:
        adapter(
            ok_app,
            allow_origins=[APP],
            resources={"/api/*": {"allow_credentials": True}, "/public/*": {}},
            report_only={"allow_origins": "*"},
        )
    assert caught.value.option == "resources['/api/*'] report_only allow_origins"


def test_the_same_reason_about_another_header_is_a_difference(
    adapter: Callable[..., Any], reports: Reports
) -> None:
    app = adapter(
        ok_app,
        allow_origins=[APP],
        allow_headers=["x-b"],
        report_only={"allow_headers": ["x-a"]},
        on_report=reports,
    )

    preflight(app, APP, "GET", access_control_request_headers="x-a,x-b")

    [report] = reports
    assert (report.enforced.reason, report.enforced.detail) == (reasons.HEADER_NOT_ALLOWED, "x-a")
    assert (report.candidate.reason, report.candidate.detail) == (reasons.HEADER_NOT_ALLOWED, "x-b")
