"""``manage.py check``: every CORS problem at once, with stable ids, the problem and our fix."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.middleware.common import CommonMiddleware
from django.test import SimpleTestCase, override_settings

from cors_wsgi import ConfigError
from cors_wsgi.django import CorsMiddleware
from cors_wsgi.django.signals import check_request_enabled
from tests.django.helpers import APP, cors_checks, ids

OURS = "cors_wsgi.django.CorsMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


class MyCommonMiddleware(CommonMiddleware):
    """A project's own CommonMiddleware: it redirects and answers 404s like the original."""


def by_id(id_: str) -> list[str]:
    """The message and hint of each of our check results with this id."""
    return [f"{m.msg} | {m.hint}" for m in cors_checks() if m.id == id_]


class Settings(SimpleTestCase):
    @override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
    def test_a_valid_configuration_reports_nothing(self) -> None:
        assert cors_checks() == []

    @override_settings(
        CORS_ALLOWED_ORIGINS=["https://a.example.com/", "example.com", APP, "HTTPS://B.EXAMPLE.COM"],
        CORS_ALLOW_METHODS=["GET", "TRACE", "PO ST"],
        CORS_ALLOW_HEADERS="x-api-key",
        CORS_PREFLIGHT_MAX_AGE=-1,
        CORS_ALLOW_CREDENTIALS="yes",
        CORS_URLS_REGEX=r"^/api/(",
    )
    def test_every_error_is_reported_at_once_each_bad_entry_included(self) -> None:
        messages = by_id("cors_wsgi.E003")

        assert len(messages) == 9, messages
        text = "\n".join(messages)
        assert "CORS_ALLOWED_ORIGINS entry 'https://a.example.com/': has a path or trailing slash" in text
        assert "write it as 'https://a.example.com'" in text
        assert "CORS_ALLOWED_ORIGINS entry 'example.com': has no scheme" in text
        assert "CORS_ALLOWED_ORIGINS entry 'HTTPS://B.EXAMPLE.COM': is not lower case" in text
        assert "CORS_ALLOW_METHODS entry 'TRACE': is forbidden in browsers" in text
        assert "CORS_ALLOW_METHODS entry 'PO ST': is not a valid token" in text
        assert (
            "CORS_ALLOW_HEADERS='x-api-key': is not a list or tuple "
            "| write CORS_ALLOW_HEADERS = ['x-api-key']" in text
        )
        assert "CORS_PREFLIGHT_MAX_AGE=-1: must be an int >= 0" in text
        assert "CORS_ALLOW_CREDENTIALS='yes': must be True or False" in text
        assert "CORS_URLS_REGEX='^/api/(': does not compile" in text

    @override_settings(CORS_URLS_REGEX=r"^/api/(")
    def test_a_urls_regex_that_does_not_compile_is_an_error(self) -> None:
        (message,) = by_id("cors_wsgi.E003")

        assert message.startswith("CORS_URLS_REGEX='^/api/(': does not compile")

    @override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True)
    def test_all_origins_with_credentials_is_an_error_with_the_fix(self) -> None:
        (message,) = by_id("cors_wsgi.E004")

        assert "lets every site read your users' authenticated responses" in message
        assert (
            "set CORS_ALLOW_ALL_ORIGINS = False and list the sites you trust in CORS_ALLOWED_ORIGINS"
            in message
        )

    @override_settings(CORS_ORIGIN_ALLOW_ALL=True, CORS_ALLOW_CREDENTIALS=True)
    def test_the_old_all_origins_name_with_credentials_is_the_same_error(self) -> None:
        assert len(by_id("cors_wsgi.E004")) == 1

    @override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOWED_ORIGINS=["https://a.example.com/"])
    def test_an_origin_list_made_irrelevant_by_all_origins_is_still_checked(self) -> None:
        (message,) = by_id("cors_wsgi.E003")

        assert "'https://a.example.com/'" in message

    @override_settings(CORS_ORIGIN_WHITELIST=["nope"], CORS_ALLOWED_ORIGINS=[APP])
    def test_an_ignored_alias_is_checked_and_warned_about(self) -> None:
        assert "CORS_ORIGIN_WHITELIST entry 'nope': has no scheme" in by_id("cors_wsgi.E003")[0]
        assert by_id("cors_wsgi.W005") == [
            "CORS_ORIGIN_WHITELIST is ignored because CORS_ALLOWED_ORIGINS is set "
            "| remove CORS_ORIGIN_WHITELIST"
        ]

    @override_settings(CORS_ALLOWED_ORIGINS=["*", "https://*.example.com", "file://"])
    def test_wildcards_and_file_are_not_origins_in_django_cors_headers_settings(self) -> None:
        messages = by_id("cors_wsgi.E003")

        assert len(messages) == 3
        assert "set CORS_ALLOW_ALL_ORIGINS = True instead" in messages[0]
        assert "use CORS_ALLOWED_ORIGIN_REGEXES" in messages[1]
        assert "file: pages send Origin: null" in messages[2]

    @override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://(", 42])
    def test_each_bad_regex_is_reported(self) -> None:
        messages = by_id("cors_wsgi.E003")

        assert len(messages) == 2
        assert "does not compile" in messages[0]
        assert "42" in messages[1]

    @override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS={"allow_origins": [APP]})
    def test_both_styles_at_once_is_an_error(self) -> None:
        (message,) = by_id("cors_wsgi.E001")

        assert "settings set both CORS and django-cors-headers' CORS_ALLOWED_ORIGINS" in message
        assert "keep one style" in message

    @override_settings(CORS_ALLOWED_ORIGIN=[APP], CORS_ALLOW_CREDENTIAL=True, CORS_EXPOSE_HEADER=["X"])
    def test_near_misses_are_errors_with_a_suggestion(self) -> None:
        assert by_id("cors_wsgi.E002") == [
            "CORS_ALLOWED_ORIGIN is not a CORS setting | did you mean CORS_ALLOWED_ORIGINS?",
            "CORS_ALLOW_CREDENTIAL is not a CORS setting | did you mean CORS_ALLOW_CREDENTIALS?",
            "CORS_EXPOSE_HEADER is not a CORS setting | did you mean CORS_EXPOSE_HEADERS?",
        ]

    @override_settings(CORS_REPLACE_HTTPS_REFERER=True, CORS_MAX_AGE=60)
    def test_retired_and_foreign_names_are_errors_that_name_the_replacement(self) -> None:
        messages = by_id("cors_wsgi.E002")

        assert len(messages) == 2
        assert "CORS_PREFLIGHT_MAX_AGE" in messages[0]
        assert "CSRF_TRUSTED_ORIGINS" in messages[1]

    @override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_MY_OWN_THING=1)
    def test_an_unrelated_cors_name_is_a_warning(self) -> None:
        (message,) = by_id("cors_wsgi.W009")

        assert message.startswith("CORS_MY_OWN_THING is not a setting cors-wsgi reads")

    @override_settings(CORS={"allow_orgins": [APP], "max_age": "600", "allow_methods": ["GET", "TRACE"]})
    def test_every_problem_of_the_cors_dict_is_reported(self) -> None:
        messages = by_id("cors_wsgi.E005")

        assert len(messages) == 3
        assert "settings.CORS allow_orgins" in messages[0]
        assert "did you mean allow_origins?" in messages[0]
        assert "settings.CORS max_age='600': must be an int >= 0" in messages[1]
        assert "settings.CORS allow_methods entry 'TRACE'" in messages[2]

    @override_settings(CORS={"allow_origins": "*", "allow_credentials": True})
    def test_a_dict_combining_options_wrongly_is_an_error(self) -> None:
        (message,) = by_id("cors_wsgi.E005")

        assert "cannot be combined with allow_credentials=True" in message

    @override_settings(CORS=["https://app.example.com"])
    def test_a_cors_setting_that_is_not_a_dict_is_an_error(self) -> None:
        assert by_id("cors_wsgi.E005") == [
            "settings.CORS=['https://app.example.com']: is not a dict | use a dict of cors-wsgi options"
        ]

    @override_settings(CORS_ALLOWED_ORIGINS=["https://a.example.com/"], CORS_ALLOW_METHODS=["TRACE"])
    def test_the_middleware_refuses_to_start_and_lists_every_error(self) -> None:
        with pytest.raises(ConfigError) as raised:
            CorsMiddleware(lambda request: None)

        assert "2 CORS error(s)" in str(raised.value)
        assert "cors_wsgi.E003 CORS_ALLOWED_ORIGINS entry 'https://a.example.com/'" in str(raised.value)
        assert "cors_wsgi.E003 CORS_ALLOW_METHODS entry 'TRACE'" in str(raised.value)

    @override_settings(CORS_ALLOWED_ORIGINS=["https://a.example.com/"])
    def test_manage_py_check_fails_on_an_error(self) -> None:
        with pytest.raises(SystemCheckError, match=re.escape("cors_wsgi.E003")):
            call_command("check")


class Warnings(SimpleTestCase):
    @override_settings(CORS_ALLOW_ALL_ORIGINS=True)
    def test_all_origins_without_credentials_is_a_warning(self) -> None:
        assert ids(cors_checks()) == ["cors_wsgi.W003"]

    @override_settings(
        CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://\w+\.example\.com", r"^https://x\.example\.org$"]
    )
    def test_a_regex_relying_on_prefix_matching_is_a_warning_with_the_anchored_spelling(self) -> None:
        (message,) = by_id("cors_wsgi.W004")

        assert "django-cors-headers matched only its start" in message
        assert "write '^https://\\\\w+\\\\.example\\\\.com$'" in message

    @override_settings(CORS_ALLOWED_ORIGINS=["null", APP])
    def test_listing_null_is_a_warning(self) -> None:
        assert ids(cors_checks()) == ["cors_wsgi.W006"]

    @override_settings(
        CORS_ALLOWED_ORIGINS=["http://app.example.com", "http://localhost:3000"], CORS_ALLOW_CREDENTIALS=True
    )
    def test_plain_http_origins_with_credentials_are_a_warning_loopback_excepted(self) -> None:
        (message,) = by_id("cors_wsgi.W007")

        assert "http://app.example.com" in message
        assert "localhost" not in message

    @override_settings(CORS={"allow_origins": ["null"]})
    def test_the_cors_dict_gets_the_same_warnings(self) -> None:
        assert ids(cors_checks()) == ["cors_wsgi.W006"]

    @override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
    def test_signal_receivers_with_credentials_are_a_warning(self) -> None:
        def receiver(sender: object, **kwargs: object) -> bool:
            return False

        check_request_enabled.connect(receiver)
        try:
            assert ids(cors_checks()) == ["cors_wsgi.W008"]
        finally:
            check_request_enabled.disconnect(receiver)
        assert cors_checks() == []


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
class MiddlewarePosition(SimpleTestCase):
    def test_first_in_the_list_is_fine(self) -> None:
        assert cors_checks() == []

    def test_below_each_middleware_that_answers_or_refuses_is_a_warning(self) -> None:
        for above in (
            COMMON,
            CSRF,
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.auth.middleware.LoginRequiredMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
        ):
            with self.subTest(above), override_settings(MIDDLEWARE=[above, OURS]):
                (message,) = by_id("cors_wsgi.W001")

                assert message.startswith(f"cors_wsgi.django.CorsMiddleware is below {above}")
                assert f"move 'cors_wsgi.django.CorsMiddleware' above {above!r}" in message

    @override_settings(MIDDLEWARE=["tests.django.recorder.Recorder", OURS, COMMON])
    def test_below_a_harmless_middleware_is_fine(self) -> None:
        assert cors_checks() == []

    @override_settings(MIDDLEWARE=["tests.django.test_checks.MyCommonMiddleware", OURS])
    def test_a_subclass_of_common_middleware_counts_as_common_middleware(self) -> None:
        assert ids(cors_checks()) == ["cors_wsgi.W001"]

    @override_settings(MIDDLEWARE=[COMMON], ROOT_URLCONF="tests.django.urls_plain")
    def test_settings_without_the_middleware_are_a_warning(self) -> None:
        (message,) = by_id("cors_wsgi.W002")

        assert "not in MIDDLEWARE" in message
        assert "wsgi.py wraps the application" in message


class Views(SimpleTestCase):
    @override_settings(MIDDLEWARE=[COMMON])
    def test_decorated_views_without_the_middleware_are_an_error(self) -> None:
        (message,) = by_id("cors_wsgi.E007")

        assert "the decorator has no effect without it" in message

    @override_settings(
        CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True, ROOT_URLCONF="tests.django.urls_bad"
    )
    def test_view_options_that_fail_over_the_project_policy_are_an_error(self) -> None:
        (message,) = by_id("cors_wsgi.E006")

        assert message.startswith(
            "@cors on 'open': allow_origins='*': cannot be combined with allow_credentials=True"
        )
        assert "django-cors-headers settings" in message
