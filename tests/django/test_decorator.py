"""``@cors``: per-view options layered over the project's policy, answered before later middleware."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, SimpleTestCase, override_settings

from cors_wsgi import ConfigError
from cors_wsgi.django import cors
from cors_wsgi.django.defaults import default_headers
from tests.django import recorder, views
from tests.django.helpers import APP, SAFELISTED, allowed_headers, preflight, vary

PARTNER = "https://partner.example.org"


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_URLS_REGEX=r"^/api/")
class FunctionViews(SimpleTestCase):
    def setUp(self) -> None:
        recorder.REACHED.clear()

    def test_the_views_origins_replace_the_projects(self) -> None:
        partner = self.client.get("/partner", headers={"Origin": PARTNER})
        project = self.client.get("/partner", headers={"Origin": APP})

        assert partner.headers["Access-Control-Allow-Origin"] == PARTNER
        assert partner.headers["Access-Control-Allow-Credentials"] == "true"
        assert "Access-Control-Allow-Origin" not in project.headers
        assert vary(project) == ["origin"]

    def test_options_the_view_does_not_give_keep_the_projects_values(self) -> None:
        response = preflight(self.client, "/partner", origin=PARTNER)

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Methods"] == "GET, PUT"
        assert allowed_headers(response) == {*default_headers} | SAFELISTED
        assert response.headers["Access-Control-Max-Age"] == "86400"

    def test_a_preflight_to_a_decorated_view_is_answered_before_later_middleware(self) -> None:
        views.SEEN.clear()

        response = preflight(self.client, "/partner", origin=PARTNER)

        assert response.status_code == 200
        assert recorder.REACHED == []
        assert views.SEEN == []

    def test_a_refused_preflight_to_a_decorated_view_is_answered_here_too(self) -> None:
        response = preflight(self.client, "/partner", origin=PARTNER, method="DELETE")

        assert response.status_code == 403
        assert recorder.REACHED == []

    def test_bare_cors_opts_a_view_outside_the_urls_regex_in_with_the_project_policy(self) -> None:
        inside = self.client.get("/opted-in", headers={"Origin": APP})
        other = self.client.get("/marker", headers={"Origin": APP})

        assert inside.headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in other.headers

    async def test_an_async_view_keeps_its_options_under_the_async_stack(self) -> None:
        response = await self.async_client.get("/partner-async", headers={"Origin": PARTNER})
        project = await self.async_client.get("/partner-async", headers={"Origin": APP})

        assert response.headers["Access-Control-Allow-Origin"] == PARTNER
        assert "Access-Control-Allow-Origin" not in project.headers

    def test_the_decorated_view_still_works_when_called_directly(self) -> None:
        request = RequestFactory().get("/partner")

        assert views.partner(request).content == b"partner"
        assert views.partner.__name__ == "partner"


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
class ClassBasedViews(SimpleTestCase):
    def test_decorating_the_class_applies_to_every_method(self) -> None:
        get = self.client.get("/class", headers={"Origin": "https://class.example.org"})
        asked = preflight(self.client, "/class", origin="https://class.example.org", method="DELETE")

        assert get.headers["Access-Control-Allow-Origin"] == "https://class.example.org"
        assert asked.status_code == 200
        assert asked.headers["Access-Control-Allow-Methods"] == "GET, DELETE"

    def test_method_decorator_on_dispatch_applies_to_the_view(self) -> None:
        response = self.client.get("/dispatch", headers={"Origin": "https://dispatch.example.org"})

        assert response.headers["Access-Control-Allow-Origin"] == "https://dispatch.example.org"

    def test_method_decorator_on_one_handler_applies_to_that_method_and_its_preflight(self) -> None:
        asked = preflight(self.client, "/method", origin="https://writer.example.org", method="PUT")
        put = self.client.put("/method", headers={"Origin": "https://writer.example.org"})
        get = self.client.get("/method", headers={"Origin": "https://writer.example.org"})
        project = self.client.get("/method", headers={"Origin": APP})

        assert asked.status_code == 200
        assert asked.headers["Access-Control-Allow-Methods"] == "PUT"
        assert put.headers["Access-Control-Allow-Origin"] == "https://writer.example.org"
        assert "Access-Control-Allow-Origin" not in get.headers
        assert project.headers["Access-Control-Allow-Origin"] == APP


@override_settings(CORS={"allow_origins": [APP], "max_age": 60, "resources": {"/api/*": {}}})
class WithTheCorsDict(SimpleTestCase):
    def test_view_options_are_layered_over_the_cors_dict(self) -> None:
        response = preflight(self.client, "/partner", origin=PARTNER)

        assert response.status_code == 204
        assert response.headers["Access-Control-Allow-Origin"] == PARTNER
        assert response.headers["Access-Control-Max-Age"] == "60"


class TestOptions:
    def test_a_misspelt_option_is_an_error_at_decoration_with_the_suggestion(self) -> None:
        with pytest.raises(ConfigError, match="did you mean 'allow_origins'"):
            cors(allow_orgins=["https://a.example.com"])  # type: ignore[call-arg]

    def test_an_invalid_value_is_an_error_at_decoration(self) -> None:
        with pytest.raises(ConfigError, match="has a path or trailing slash"):
            cors(allow_origins=["https://a.example.com/"])

    def test_a_combination_no_project_can_make_valid_is_an_error_at_decoration(self) -> None:
        with pytest.raises(ConfigError, match="cannot be combined with allow_credentials"):
            cors(allow_origins="*", allow_credentials=True)


class OptionsOverTheProject(SimpleTestCase):
    @override_settings(
        CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True, ROOT_URLCONF="tests.django.urls_bad"
    )
    def test_view_options_that_fail_over_the_project_stop_the_middleware_at_start(self) -> None:
        with pytest.raises(ConfigError, match="cannot be combined with allow_credentials"):
            self.client.get("/open", headers={"Origin": APP})
