"""``manage.py check``: the exact level, message and hint of the checks on the middleware, views and signal.

Errors stop ``runserver``; warnings do not, and are silenced by id. The
message is what the developer reads, the hint is our fix: both are pinned
for every check of cors_wsgi/django/checks.py.
"""

from __future__ import annotations

import pytest
from django.core.checks import ERROR, WARNING
from django.test import SimpleTestCase, override_settings

from cors_wsgi import ConfigError, CORSPolicy
from cors_wsgi.django.checks import check_views
from cors_wsgi.django.signals import check_request_enabled
from tests.django.helpers import APP, cors_checks

OURS = "cors_wsgi.django.CorsMiddleware"
OURS_FULL = "cors_wsgi.django.middleware.CorsMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


def reported() -> list[tuple[int, str, str, str]]:
    """(level, id, message, hint) of each of our check results."""
    return [(m.level, m.id, m.msg, m.hint) for m in cors_checks()]


def grant(sender: object, **kwargs: object) -> bool:
    return False


class SignalReceivers(SimpleTestCase):
    def setUp(self) -> None:
        check_request_enabled.connect(grant)
        self.addCleanup(check_request_enabled.disconnect, grant)

    @override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
    def test_receivers_with_credentials_are_a_warning_with_the_fix(self) -> None:
        assert reported() == [
            (
                WARNING,
                "cors_wsgi.W008",
                "check_request_enabled receivers grant the origins they return True for with credentials: a "
                "receiver that returns True for any origin hands every site your users' sessions",
                "make each receiver look the origin up, never decide by path alone",
            )
        ]

    @override_settings(CORS_ALLOWED_ORIGINS=[APP])
    def test_receivers_without_credentials_are_fine(self) -> None:
        assert reported() == []

    @override_settings(CORS_ALLOWED_ORIGINS=["nope"], CORS_ALLOW_CREDENTIALS=True)
    def test_settings_with_errors_report_the_errors_not_the_receivers(self) -> None:
        assert [(level, id_) for level, id_, _, _ in reported()] == [(ERROR, "cors_wsgi.E003")]


class Levels(SimpleTestCase):
    @override_settings(CORS_ALLOWED_ORIGINS=["nope"])
    def test_e_ids_are_errors(self) -> None:
        assert [(id_, level) for level, id_, _, _ in reported()] == [("cors_wsgi.E003", ERROR)]

    @override_settings(CORS_ALLOWED_ORIGINS=["null"])
    def test_w_ids_are_warnings(self) -> None:
        assert [(id_, level) for level, id_, _, _ in reported()] == [("cors_wsgi.W006", WARNING)]


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
class MiddlewarePosition(SimpleTestCase):
    @override_settings(MIDDLEWARE=[CSRF, OURS])
    def test_below_a_middleware_that_refuses_is_a_warning_naming_what_preflights_meet(self) -> None:
        assert reported() == [
            (
                WARNING,
                "cors_wsgi.W001",
                f"cors_wsgi.django.CorsMiddleware is below {CSRF}: preflights meet its CSRF refusals first, "
                "and its responses get no CORS headers",
                f"move 'cors_wsgi.django.CorsMiddleware' above '{CSRF}', as high as possible",
            )
        ]

    @override_settings(MIDDLEWARE=[COMMON, "tests.django.recorder.Recorder", CSRF, OURS_FULL])
    def test_the_full_path_of_the_middleware_is_found_too_and_each_middleware_above_is_named(self) -> None:
        assert [message.split(":")[0] for _, _, message, _ in reported()] == [
            f"cors_wsgi.django.CorsMiddleware is below {COMMON}",
            f"cors_wsgi.django.CorsMiddleware is below {CSRF}",
        ]

    @override_settings(MIDDLEWARE=[OURS, COMMON, CSRF])
    def test_middleware_below_ours_are_fine(self) -> None:
        assert reported() == []

    @override_settings(MIDDLEWARE=["no.such.Middleware", "django.utils.timezone.now", OURS])
    def test_a_middleware_that_does_not_import_or_is_no_class_is_left_to_django(self) -> None:
        assert reported() == []

    @override_settings(MIDDLEWARE=["tests.django.test_checks.MyCommonMiddleware", OURS])
    def test_a_subclass_is_named_with_what_its_base_does(self) -> None:
        ((_, _, message, hint),) = reported()

        assert message.startswith(
            "cors_wsgi.django.CorsMiddleware is below tests.django.test_checks.MyCommonMiddleware: "
            "preflights meet its APPEND_SLASH redirects and 404s first"
        )
        assert hint == (
            "move 'cors_wsgi.django.CorsMiddleware' above 'tests.django.test_checks.MyCommonMiddleware', "
            "as high as possible"
        )


class MiddlewareMissing(SimpleTestCase):
    W002 = (
        WARNING,
        "cors_wsgi.W002",
        "CORS settings are set but cors_wsgi.django.CorsMiddleware is not in MIDDLEWARE, so no view gets "
        "CORS headers from it",
        "add 'cors_wsgi.django.CorsMiddleware' at the top of MIDDLEWARE (or ignore this if wsgi.py wraps the "
        "application in cors_wsgi.CORSMiddleware)",
    )

    @override_settings(
        MIDDLEWARE=[COMMON], ROOT_URLCONF="tests.django.urls_plain", CORS_ALLOWED_ORIGINS=[APP]
    )
    def test_cors_settings_without_the_middleware_are_a_warning_with_the_fix(self) -> None:
        assert reported() == [self.W002]

    @override_settings(
        MIDDLEWARE=[COMMON], ROOT_URLCONF="tests.django.urls_plain", CORS={"allow_origins": [APP]}
    )
    def test_the_cors_dict_without_the_middleware_is_the_same_warning(self) -> None:
        assert reported() == [self.W002]

    @override_settings(MIDDLEWARE=[COMMON], ROOT_URLCONF="tests.django.urls_plain")
    def test_no_cors_settings_and_no_middleware_is_a_project_without_cors(self) -> None:
        assert reported() == []

    @override_settings(MIDDLEWARE=None, ROOT_URLCONF="tests.django.urls_plain", CORS_ALLOWED_ORIGINS=[APP])
    def test_middleware_set_to_none_is_no_middleware(self) -> None:
        assert reported() == [self.W002]


class DecoratedViews(SimpleTestCase):
    @override_settings(MIDDLEWARE=[COMMON], CORS_ALLOWED_ORIGINS=[APP])
    def test_decorated_views_without_the_middleware_are_an_error_naming_the_first_route(self) -> None:
        assert (
            ERROR,
            "cors_wsgi.E007",
            "@cors decorates 'partner', but cors_wsgi.django.CorsMiddleware is not in MIDDLEWARE: the "
            "decorator has no effect without it",
            "add 'cors_wsgi.django.CorsMiddleware' at the top of MIDDLEWARE",
        ) in reported()

    @override_settings(MIDDLEWARE=None, CORS_ALLOWED_ORIGINS=[APP])
    def test_middleware_set_to_none_with_decorated_views_is_the_same_error(self) -> None:
        assert "cors_wsgi.E007" in [id_ for _, id_, _, _ in reported()]

    @override_settings(MIDDLEWARE=[OURS_FULL], CORS_ALLOWED_ORIGINS=[APP])
    def test_the_middlewares_full_path_counts_as_the_middleware(self) -> None:
        assert reported() == []

    @override_settings(MIDDLEWARE=[COMMON], ROOT_URLCONF="tests.django.urls_plain")
    def test_a_urlconf_without_decorated_views_needs_no_middleware(self) -> None:
        assert reported() == []

    @override_settings(ROOT_URLCONF="tests.django.no_such_urlconf", CORS_ALLOWED_ORIGINS=[APP])
    def test_a_urlconf_that_does_not_import_is_left_to_djangos_own_checks(self) -> None:
        assert check_views() == []

    @override_settings(
        MIDDLEWARE=[OURS],
        CORS_ALLOWED_ORIGINS=[APP],
        CORS_ALLOW_CREDENTIALS=True,
        ROOT_URLCONF="tests.django.urls_bad",
    )
    def test_view_options_that_fail_over_the_project_are_an_error_with_the_options_fix(self) -> None:
        ((level, id_, message, hint),) = reported()

        with pytest.raises(ConfigError) as raised:
            CORSPolicy(allow_origins=[APP], allow_credentials=True).replace(allow_origins="*")
        error = raised.value
        assert (level, id_) == (ERROR, "cors_wsgi.E006")
        assert message == (
            f"@cors on 'open': allow_origins='*': {error.problem}, "
            "over the policy of django-cors-headers settings"
        )
        assert hint == error.fix
        assert hint

    @override_settings(
        MIDDLEWARE=[COMMON], CORS_ALLOWED_ORIGINS=["nope"], ROOT_URLCONF="tests.django.urls_bad"
    )
    def test_settings_with_errors_report_the_missing_middleware_but_not_the_view_options(self) -> None:
        assert sorted(id_ for _, id_, _, _ in reported()) == [
            "cors_wsgi.E003",
            "cors_wsgi.E007",
            "cors_wsgi.W002",
        ]
