"""Django: CORS_REPORT_ONLY (django-cors-headers names) and the CORS dict's report_only, via the client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import SimpleTestCase, override_settings

import tests.django.conftest  # noqa: F401  (the Django settings these tests override)
from cors_wsgi import ConfigError, CORSPolicy, Report, reasons
from cors_wsgi.django.conf import middleware_options
from cors_wsgi.django.signals import check_request_enabled
from tests.django.helpers import APP, OTHER, cors_checks, preflight

PARTNER = "https://partner.example.org"
SEEN: list[Report] = []


def record(report: Report) -> None:
    SEEN.append(report)


@pytest.fixture(autouse=True)
def fresh_reports() -> Iterator[None]:
    SEEN.clear()
    yield
    SEEN.clear()


def by_id(id_: str) -> list[str]:
    return [f"{m.msg} | {m.hint}" for m in cors_checks() if m.id == id_]


@override_settings(
    CORS_ALLOW_ALL_ORIGINS=True,
    CORS_REPORT_ONLY={"CORS_ALLOW_ALL_ORIGINS": False, "CORS_ALLOWED_ORIGINS": [APP]},
)
class NativeSettings(SimpleTestCase):
    def test_the_answer_is_the_enforced_settings_and_the_candidate_s_refusal_is_logged(self) -> None:
        with self.assertLogs("cors_wsgi.report", "WARNING") as logged:
            response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["Access-Control-Allow-Origin"] == "*"
        [line] = logged.output
        assert "the candidate policy decides this request differently" in line
        assert "enforced=allowed candidate=refused(origin-not-allowed)" in line
        assert "method='GET' path='/api/items'" in line

    def test_a_listed_origin_is_decided_alike_and_not_reported(self) -> None:
        with self.assertNoLogs("cors_wsgi.report", "WARNING"):
            self.client.get("/api/items", headers={"Origin": APP})
            preflight(self.client)

    def test_the_middleware_options_carry_the_candidate_for_the_asgi_and_wsgi_adapters(self) -> None:
        options = middleware_options()
        assert options["report_only"] == {"allow_origins": [APP], "allow_origin_regex": []}

    @override_settings(CORS_REPORT_ONLY={"CORS_ALLOWED_ORIGINS": [APP]})
    def test_a_list_that_the_project_s_allow_all_would_override_is_an_error(self) -> None:
        [message] = by_id("cors_wsgi.E008")
        assert (
            "CORS_REPORT_ONLY sets CORS_ALLOWED_ORIGINS, but the project's CORS_ALLOW_ALL_ORIGINS" in message
        )
        assert message.endswith("add 'CORS_ALLOW_ALL_ORIGINS': False to CORS_REPORT_ONLY")

    @override_settings(
        CORS_ALLOW_ALL_ORIGINS=False,
        CORS_ALLOWED_ORIGINS=[APP],
        CORS_REPORT_ONLY={"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
    )
    def test_a_candidate_allowing_every_origin_with_credentials_is_an_error(self) -> None:
        [message] = by_id("cors_wsgi.E008")
        assert "CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS = True" in message

    @override_settings(
        CORS_REPORT_ONLY={
            "CORS_ALLOW_ALL_ORIGINS": False,
            "CORS_ALLOWED_ORIGINS": ["https://app.example.com/"],
            "allow_methods": ["GET"],
            "CORS_URLS_REGEX": r"^/api/",
            "CORS_ALLOWED_ORIGNS": [APP],
        }
    )
    def test_every_bad_key_and_value_is_reported_at_once(self) -> None:
        messages = by_id("cors_wsgi.E008")
        text = "\n".join(messages)
        assert len(messages) == 4, text
        assert "CORS_REPORT_ONLY CORS_ALLOWED_ORIGINS entry 'https://app.example.com/': has a path" in text
        assert "CORS_REPORT_ONLY key 'allow_methods': is cors-wsgi's option name" in text
        assert "write 'CORS_ALLOW_METHODS'" in text
        assert "CORS_REPORT_ONLY key 'CORS_URLS_REGEX': is not a policy setting" in text
        assert "did you mean 'CORS_ALLOWED_ORIGINS'?" in text

    @override_settings(CORS_REPORT_ONLY=[APP])
    def test_a_value_that_is_not_a_dict_is_an_error(self) -> None:
        [message] = by_id("cors_wsgi.E008")
        assert message.startswith("CORS_REPORT_ONLY=['https://app.example.com']: is not a dict")


@override_settings(
    CORS_ALLOWED_ORIGINS=[APP, OTHER],
    CORS_ALLOW_METHODS=["GET", "PUT"],
    CORS_REPORT_ONLY={"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_METHODS": ["GET"]},
)
class NativeLayering(SimpleTestCase):
    def test_unset_candidate_settings_keep_the_project_s_values(self) -> None:
        with self.assertLogs("cors_wsgi.report", "WARNING") as logged:
            refused_by_candidate = preflight(self.client, origin=APP, method="PUT")
        assert refused_by_candidate.status_code == 200
        [line] = logged.output
        assert "the candidate policy decides this preflight differently" in line
        assert "candidate=refused(method-not-allowed: PUT)" in line

    def test_the_old_names_work_in_the_candidate_too(self) -> None:
        with (
            override_settings(CORS_REPORT_ONLY={"CORS_ORIGIN_WHITELIST": [APP]}),
            self.assertLogs("cors_wsgi.report", "WARNING") as logged,
        ):
            self.client.get("/api/items", headers={"Origin": OTHER})
        assert "candidate=refused(origin-not-allowed)" in logged.output[0]

    def test_the_candidate_s_settings_replace_a_view_s_cors_options_of_the_same_name(self) -> None:
        # /partner's @cors allows PARTNER with GET and PUT; the candidate's CORS_ALLOWED_ORIGINS is
        # layered over the view's options as over the project's, as a dict over every rule's.
        with self.assertLogs("cors_wsgi.report", "WARNING") as logged:
            response = preflight(self.client, "/partner", origin=PARTNER, method="PUT")
        assert response.status_code == 200
        [line] = logged.output
        assert "enforced=allowed candidate=refused(origin-not-allowed)" in line
        assert "path='/partner'" in line


@override_settings(
    CORS={
        "allow_origins": [APP, OTHER],
        "resources": {"/api/*": {}},
        "report_only": {"allow_origins": [APP]},
        "on_report": record,
    }
)
class CorsDict(SimpleTestCase):
    def test_report_only_in_the_cors_dict_reports_to_on_report_with_the_rule(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["Access-Control-Allow-Origin"] == OTHER
        assert [(r.method, r.path, r.rule, r.candidate.reason) for r in SEEN] == [
            ("GET", "/api/items", "/api/*", reasons.ORIGIN_NOT_ALLOWED)
        ]

    def test_a_preflight_report_names_the_requested_method(self) -> None:
        preflight(self.client, origin=OTHER, method="POST")

        assert [(r.method, r.enforced.preflight) for r in SEEN] == [("POST", True)]

    def test_a_view_with_cors_options_gets_the_candidate_layered_over_them(self) -> None:
        # /partner allows only PARTNER; the candidate's allow_origins replaces that for the view.
        self.client.get("/partner", headers={"Origin": PARTNER})

        assert [(r.path, r.rule, r.enforced.allowed, r.candidate.allowed) for r in SEEN] == [
            ("/partner", None, True, False)
        ]

    @override_settings(
        CORS={"allow_origins": "*", "report_only": {"allow_origins": "*", "allow_credentials": True}}
    )
    def test_a_bad_candidate_is_a_cors_dict_error(self) -> None:
        [message] = by_id("cors_wsgi.E005")
        assert message.startswith("settings.CORS report_only allow_origins='*': cannot be combined")

    @override_settings(CORS={"allow_origins": [APP], "report_only": {"allow_origins": "*"}})
    def test_a_candidate_that_fails_over_a_view_s_options_is_a_view_error(self) -> None:
        # /partner's @cors sets allow_credentials=True: "*" cannot be layered over it.
        messages = by_id("cors_wsgi.E006")
        assert any(
            message.startswith("@cors on 'partner': the report-only candidate's allow_origins='*'")
            for message in messages
        ), messages

    @override_settings(CORS={"allow_origins": [APP], "report_only": {"allow_origins": "*"}})
    def test_a_candidate_that_fails_over_a_view_s_options_stops_the_middleware_naming_report_only(
        self,
    ) -> None:
        # What a project that ignored the check sees: /partner's @cors sets allow_credentials=True.
        with pytest.raises(ConfigError) as caught:
            self.client.get("/api/items", headers={"Origin": APP})
        assert caught.value.option == "report_only allow_origins"
        assert "allow_credentials=True" in caught.value.problem

    @override_settings(
        CORS={"allow_origins": [APP], "report_only": CORSPolicy(allow_origins=[OTHER]), "on_report": record}
    )
    def test_a_candidate_policy_object_decides_every_path_and_view(self) -> None:
        self.client.get("/api/items", headers={"Origin": APP})
        self.client.get("/partner", headers={"Origin": PARTNER})

        assert [(r.path, r.candidate.allowed) for r in SEEN] == [("/api/items", False), ("/partner", False)]

    @override_settings(CORS={"allow_origins": [APP], "report_only": {"allow_origins": [OTHER]}})
    def test_cors_report_only_beside_the_cors_dict_is_refused_as_two_styles(self) -> None:
        with override_settings(CORS_REPORT_ONLY={"CORS_ALLOWED_ORIGINS": [APP]}):
            assert by_id("cors_wsgi.E001")


@override_settings(
    CORS={
        "allow_origins": [APP],
        "allow_methods": ["GET", "PUT"],
        "report_only": {"allow_methods": ["GET"]},
        "on_report": record,
    }
)
class SignalGrants(SimpleTestCase):
    def test_a_check_request_enabled_grant_applies_to_the_candidate_too(self) -> None:
        def grant(sender: object, request: Any, **kwargs: object) -> bool:
            return True

        check_request_enabled.connect(grant)
        try:
            allowed = self.client.get("/api/items", headers={"Origin": OTHER})
            preflight(self.client, origin=OTHER, method="PUT")
        finally:
            check_request_enabled.disconnect(grant)

        assert allowed.headers["Access-Control-Allow-Origin"] == OTHER
        # The GET is allowed by both; the PUT only by the enforced methods.
        assert [(r.method, r.candidate.reason, r.candidate.detail) for r in SEEN] == [
            ("PUT", reasons.METHOD_NOT_ALLOWED, "PUT")
        ]

    def test_an_ambiguous_path_is_refused_by_both_and_not_reported(self) -> None:
        settings = {
            "allow_origins": [APP],
            "resources": {"/api/*": {}},
            "report_only": {"allow_origins": [APP, OTHER]},
            "on_report": record,
        }
        with override_settings(CORS=settings):
            canonical = self.client.get("/api/items", headers={"Origin": OTHER})
            # Two spellings of this path may select different rules: no grant, from either policy.
            ambiguous = self.client.get("/api/items", headers={"Origin": OTHER}, PATH_INFO="//api/items")

        assert "Access-Control-Allow-Origin" not in canonical.headers
        assert "Access-Control-Allow-Origin" not in ambiguous.headers
        assert [(r.path, r.candidate.allowed) for r in SEEN] == [("/api/items", True)]


@contextmanager
def granting(origins: set[str]) -> Iterator[list[str]]:
    """A ``check_request_enabled`` receiver granting ``origins`` for the block; yields the origins
    it was asked about."""
    asked: list[str] = []

    def receiver(sender: object, request: Any, **kwargs: object) -> bool:
        asked.append(request.headers["Origin"])
        return request.headers["Origin"] in origins

    check_request_enabled.connect(receiver)
    try:
        yield asked
    finally:
        check_request_enabled.disconnect(receiver)


TENANT = "https://tenant.example.net"


@override_settings(
    CORS={
        "allow_origins": "*",
        "allow_methods": ["GET", "PUT"],
        "report_only": {"allow_origins": [APP], "allow_methods": ["GET"]},
        "on_report": record,
    }
)
class SignalGrantsWhereOnlyTheCandidateRefusesTheOrigin(SimpleTestCase):
    """The enforced policy allows every origin without asking receivers; the candidate lists one."""

    def test_an_origin_a_receiver_grants_is_not_reported_as_refused_by_the_candidate(self) -> None:
        with granting({TENANT}) as asked:
            response = self.client.get("/api/items", headers={"Origin": TENANT})

        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert asked == [TENANT]
        assert SEEN == []

    def test_an_origin_no_receiver_grants_is_reported_as_refused_by_the_candidate(self) -> None:
        with granting({TENANT}) as asked:
            response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert asked == [OTHER]
        assert [(r.enforced.allowed, r.candidate.reason) for r in SEEN] == [
            (True, reasons.ORIGIN_NOT_ALLOWED)
        ]

    def test_a_granted_preflight_is_judged_by_the_candidate_s_own_methods(self) -> None:
        with granting({TENANT}) as asked:
            response = preflight(self.client, origin=TENANT, method="PUT")

        # The grant answers the origin question only: the candidate still refuses PUT.
        assert response.status_code == 204
        assert asked == [TENANT]
        assert [(r.method, r.candidate.reason, r.candidate.detail) for r in SEEN] == [
            ("PUT", reasons.METHOD_NOT_ALLOWED, "PUT")
        ]

    def test_receivers_are_not_asked_about_an_origin_both_policies_allow(self) -> None:
        with granting({TENANT}) as asked:
            self.client.get("/api/items", headers={"Origin": APP})
            preflight(self.client, origin=APP, method="PUT")

        assert asked == []
        assert [r.candidate.reason for r in SEEN] == [reasons.METHOD_NOT_ALLOWED]

    def test_a_receiver_is_asked_once_when_both_policies_refuse_the_origin(self) -> None:
        settings = {
            "allow_origins": [OTHER],
            "report_only": {"allow_origins": [APP]},
            "on_report": record,
        }
        with override_settings(CORS=settings), granting({TENANT}) as asked:
            response = self.client.get("/api/items", headers={"Origin": TENANT})

        assert response.headers["Access-Control-Allow-Origin"] == TENANT
        assert asked == [TENANT]
        assert SEEN == []

    async def test_an_origin_a_receiver_grants_is_not_reported_under_the_async_stack(self) -> None:
        with granting({TENANT}) as asked:
            granted = await self.async_client.get("/api/items", headers={"Origin": TENANT})
            refused = await self.async_client.get("/api/items", headers={"Origin": OTHER})

        assert granted.headers["Access-Control-Allow-Origin"] == "*"
        assert refused.headers["Access-Control-Allow-Origin"] == "*"
        assert asked == [TENANT, OTHER]
        assert [r.enforced.origin for r in SEEN] == [OTHER]


@override_settings(
    CORS_ALLOW_ALL_ORIGINS=True,
    CORS_REPORT_ONLY={"CORS_ALLOW_ALL_ORIGINS": False, "CORS_ALLOWED_ORIGINS": [APP]},
)
class SignalGrantsWithNativeSettings(SimpleTestCase):
    def test_a_granted_origin_is_not_logged_as_one_the_candidate_would_break(self) -> None:
        with granting({TENANT}), self.assertNoLogs("cors_wsgi.report", "WARNING"):
            response = self.client.get("/api/items", headers={"Origin": TENANT})

        assert response.headers["Access-Control-Allow-Origin"] == "*"


@override_settings(
    CORS_URLS_REGEX=r"^/api/",
    CORS_ALLOWED_ORIGINS=[APP],
    CORS_ALLOW_METHODS=["GET", "PUT"],
    CORS_REPORT_ONLY={"CORS_ALLOW_METHODS": ["GET"]},
)
class SignalGrantsOutsideTheUrlsRegex(SimpleTestCase):
    """A receiver may enable CORS on a path outside CORS_URLS_REGEX: the candidate applies there too."""

    def test_a_path_a_grant_enables_is_decided_by_the_candidate_too(self) -> None:
        with granting({TENANT}) as asked, self.assertLogs("cors_wsgi.report", "WARNING") as logged:
            response = preflight(self.client, "/admin/users", origin=TENANT, method="PUT")

        assert response.status_code == 200
        assert asked == [TENANT]
        [line] = logged.output
        assert "enforced=allowed candidate=refused(method-not-allowed: PUT)" in line
        assert "path='/admin/users'" in line

    def test_a_path_no_grant_enables_is_decided_by_neither(self) -> None:
        with granting(set()) as asked, self.assertNoLogs("cors_wsgi.report", "WARNING"):
            response = preflight(self.client, "/admin/users", origin=TENANT, method="PUT")

        assert "Access-Control-Allow-Origin" not in response.headers
        assert asked == [TENANT]
