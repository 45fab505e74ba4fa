"""``manage.py check`` on every ``@cors`` view: each view whose options fail is reported, not
only the first, and a report-only candidate that fails over a view's options names its fix."""

from __future__ import annotations

import pytest
from django.core.checks import ERROR
from django.test import SimpleTestCase, override_settings

from cors_wsgi import ConfigError, CORSPolicy
from tests.django.helpers import APP, cors_checks

OURS = "cors_wsgi.django.CorsMiddleware"
URLCONF = "tests.django.urls_views_to_check"


def reported() -> list[tuple[int, str, str, str]]:
    return [(m.level, m.id, m.msg, m.hint) for m in cors_checks()]


def failure(base: CORSPolicy, **changes: object) -> ConfigError:
    """The ConfigError of layering ``changes`` over ``base``."""
    with pytest.raises(ConfigError) as raised:
        base.replace(**changes)  # type: ignore[arg-type]
    return raised.value


@override_settings(MIDDLEWARE=[OURS], ROOT_URLCONF=URLCONF)
class EveryViewIsChecked(SimpleTestCase):
    @override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
    def test_every_view_whose_options_fail_is_an_error_not_only_the_first(self) -> None:
        project = CORSPolicy(allow_origins=[APP], allow_credentials=True)
        origins = failure(project, allow_origins="*")
        exposed = failure(project, expose_headers="*")

        assert reported() == [
            (
                ERROR,
                "cors_wsgi.E006",
                f"@cors on 'everyone': allow_origins='*': {origins.problem}, "
                "over the policy of django-cors-headers settings",
                origins.fix,
            ),
            (
                ERROR,
                "cors_wsgi.E006",
                f"@cors on 'every-header': expose_headers='*': {exposed.problem}, "
                "over the policy of django-cors-headers settings",
                exposed.fix,
            ),
        ]


@override_settings(
    MIDDLEWARE=[OURS],
    ROOT_URLCONF=URLCONF,
    CORS={"allow_origins": [APP], "report_only": {"allow_origins": "*"}},
)
class ReportOnlyCandidateOverViews(SimpleTestCase):
    def test_a_candidate_that_fails_over_a_view_is_an_error_with_the_fix_of_the_failure(self) -> None:
        view = CORSPolicy(allow_origins=[APP]).replace(allow_credentials=True)
        error = failure(view, allow_origins="*")

        assert reported() == [
            (
                ERROR,
                "cors_wsgi.E006",
                f"@cors on 'with-cookies': the report-only candidate's allow_origins='*': {error.problem}, "
                "over this view's policy",
                error.fix,
            )
        ]
        assert error.fix

    @override_settings(CORS={"allow_origins": [APP], "report_only": {"allow_methods": ["PUT"]}})
    def test_a_candidate_that_layers_over_every_view_is_no_error(self) -> None:
        assert reported() == []
