"""CorsMiddleware in Django's stack: preflights answered first, every response covered, live settings."""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpResponse
from django.test import AsyncRequestFactory, Client, RequestFactory, SimpleTestCase, override_settings

from cors_wsgi.django import CorsMiddleware
from tests.django import recorder
from tests.django.helpers import APP, OTHER, preflight, vary

ADMIN = "https://admin.example.com"
BLOG = "https://blog.example.com"


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
class RequestPhase(SimpleTestCase):
    def setUp(self) -> None:
        recorder.REACHED.clear()

    def test_a_preflight_never_reaches_a_later_middleware_or_the_view(self) -> None:
        granted = preflight(self.client)
        refused = preflight(self.client, origin=OTHER)

        assert (granted.status_code, refused.status_code) == (200, 403)
        assert recorder.REACHED == []

    def test_a_preflight_is_answered_before_append_slash_redirects(self) -> None:
        response = preflight(self.client, "/api/slash")

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == APP

    def test_a_preflight_to_a_missing_path_is_answered_too(self) -> None:
        assert preflight(self.client, "/no/such/path").status_code == 200

    def test_an_options_request_with_an_empty_request_method_goes_on_to_the_view(self) -> None:
        response = self.client.options(
            "/marker", headers={"Origin": APP, "Access-Control-Request-Method": ""}
        )

        assert recorder.REACHED == [("OPTIONS", "/marker")]
        assert response.content == b"True"
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Methods" not in response.headers

    def test_an_options_request_without_origin_goes_on_to_the_view(self) -> None:
        response = self.client.options("/marker", headers={"Access-Control-Request-Method": "PUT"})

        assert recorder.REACHED == [("OPTIONS", "/marker")]
        assert "Access-Control-Allow-Origin" not in response.headers

    def test_an_actual_request_goes_through_and_is_marked(self) -> None:
        response = self.client.post("/marker", headers={"Origin": APP})

        assert recorder.REACHED == [("POST", "/marker")]
        assert response.content == b"True"


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
class ResponsePhase(SimpleTestCase):
    def test_django_404_pages_carry_the_grant(self) -> None:
        response = self.client.get("/no/such/path", headers={"Origin": APP})

        assert response.status_code == 404
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert response.headers["Access-Control-Allow-Credentials"] == "true"

    def test_append_slash_redirects_carry_the_grant(self) -> None:
        response = self.client.get("/api/slash", headers={"Origin": APP})

        assert response.status_code == 301
        assert response.headers["Access-Control-Allow-Origin"] == APP

    def test_django_500_pages_carry_the_grant(self) -> None:
        client = Client(raise_request_exception=False)

        response = client.get("/failing", headers={"Origin": APP})

        assert response.status_code == 500
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert vary(response) == ["origin"]

    def test_our_vary_is_merged_into_the_views_in_lower_case(self) -> None:
        response = self.client.get("/varying", headers={"Origin": APP})

        assert vary(response) == ["Accept-Language", "origin"]

    def test_a_preflight_varies_on_what_it_asks_for(self) -> None:
        response = preflight(self.client, **{"Access-Control-Request-Headers": "content-type"})

        assert vary(response) == [
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
            "access-control-request-private-network",
        ]

    def test_a_view_that_answers_cors_itself_keeps_its_answer(self) -> None:
        response = self.client.get("/own", headers={"Origin": APP})

        assert response.headers["Access-Control-Allow-Origin"] == "https://own.example.com"
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert vary(response) == ["origin"]


class LiveSettings(SimpleTestCase):
    def test_override_settings_changes_the_policy_of_a_running_middleware(self) -> None:
        client = Client()
        with override_settings(CORS_ALLOWED_ORIGINS=[APP]):
            before = client.get("/api/items", headers={"Origin": OTHER})
            with override_settings(CORS_ALLOWED_ORIGINS=[OTHER]):
                during = client.get("/api/items", headers={"Origin": OTHER})
            after = client.get("/api/items", headers={"Origin": OTHER})

        assert "Access-Control-Allow-Origin" not in before.headers
        assert during.headers["Access-Control-Allow-Origin"] == OTHER
        assert "Access-Control-Allow-Origin" not in after.headers

    def test_several_settings_change_as_one_even_through_an_invalid_middle_state(self) -> None:
        client = Client()
        with override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True):
            client.get("/api/items", headers={"Origin": APP})
            # Applied one by one, these pass through "all origins with credentials", which is an error.
            with override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=False):
                response = client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers

    def test_switching_between_the_two_styles_rebuilds_the_policy(self) -> None:
        client = Client()
        with override_settings(CORS={"allow_origins": ["https://*.example.com"]}):
            pattern = client.get("/api/items", headers={"Origin": BLOG})
        with override_settings(CORS_ALLOWED_ORIGINS=[APP]):
            listed = client.get("/api/items", headers={"Origin": BLOG})

        assert pattern.headers["Access-Control-Allow-Origin"] == BLOG
        assert "Access-Control-Allow-Origin" not in listed.headers


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
class Async(SimpleTestCase):
    async def test_an_async_stack_answers_preflights_without_calling_the_view(self) -> None:
        recorder.REACHED.clear()

        response = await self.async_client.options(
            "/api/items", headers={"Origin": APP, "Access-Control-Request-Method": "PUT"}
        )

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert recorder.REACHED == []

    async def test_an_async_stack_adds_headers_to_responses_and_404s(self) -> None:
        found = await self.async_client.get("/api/items", headers={"Origin": APP})
        missing = await self.async_client.get("/no/such/path", headers={"Origin": APP})
        refused = await self.async_client.get("/api/items", headers={"Origin": OTHER})

        assert found.headers["Access-Control-Allow-Origin"] == APP
        assert missing.headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in refused.headers
        assert vary(refused) == ["origin"]

    async def test_an_async_view_is_served_under_the_async_middleware(self) -> None:
        response = await self.async_client.get(
            "/partner-async", headers={"Origin": "https://partner.example.org"}
        )

        assert response.content == b"async partner"
        assert response.headers["Access-Control-Allow-Origin"] == "https://partner.example.org"

    def test_the_middleware_is_a_coroutine_function_under_an_async_handler_only(self) -> None:
        async def async_get_response(request: Any) -> Any:
            return None

        assert CorsMiddleware.sync_capable
        assert CorsMiddleware.async_capable
        assert iscoroutinefunction(CorsMiddleware(async_get_response))
        assert not iscoroutinefunction(CorsMiddleware(lambda request: None))


TWO_RULES = {
    "allow_origins": ["https://*.example.com"],
    "allow_credentials": True,
    "resources": {
        "/admin/*": {"allow_origins": [ADMIN]},
        "/admin/users": {"allow_origins": [ADMIN]},
        "/*": {},
    },
}


@override_settings(CORS=TWO_RULES)
class PathSpellings(SimpleTestCase):
    """Paths are given as PATH_INFO: the test client would read ``//admin`` as a host."""

    def test_each_path_gets_its_own_rule(self) -> None:
        admin = self.client.get("/admin/users", headers={"Origin": BLOG})
        api = self.client.get("/api/items", headers={"Origin": BLOG})

        assert "Access-Control-Allow-Origin" not in admin.headers
        assert api.headers["Access-Control-Allow-Origin"] == BLOG

    def test_another_spelling_of_a_strict_path_gets_no_grant_from_the_loose_rule(self) -> None:
        for path in ("//admin/users", "/api/../admin/users", "/./admin/users", "/api/..//admin/users"):
            with self.subTest(path):
                actual = self.client.get("/", headers={"Origin": BLOG}, PATH_INFO=path)
                asked = preflight(self.client, "/", origin=BLOG, method="GET", PATH_INFO=path)

                assert "Access-Control-Allow-Origin" not in actual.headers
                assert "origin" in vary(actual)
                assert asked.status_code == 403

    def test_a_spelling_that_every_rule_agrees_on_is_granted(self) -> None:
        response = self.client.get("/", headers={"Origin": BLOG}, PATH_INFO="//api/items")

        assert response.headers["Access-Control-Allow-Origin"] == BLOG

    @override_settings(
        CORS={
            "allow_origins": ["https://*.example.com"],
            "resources": {"/api/items": {"allow_origins": [ADMIN]}, "/api/*": {}},
        }
    )
    def test_a_trailing_slash_that_selects_another_rule_gets_no_grant(self) -> None:
        response = self.client.get("/api/items/", headers={"Origin": BLOG})

        assert "Access-Control-Allow-Origin" not in response.headers

    @override_settings(CORS={"allow_origins": [APP], "resources": {"/api/slash/": {}}})
    def test_a_trailing_slash_whose_other_spelling_has_no_rule_is_granted(self) -> None:
        response = self.client.get("/api/slash/", headers={"Origin": APP})

        assert response.headers["Access-Control-Allow-Origin"] == APP


@override_settings(CORS_ALLOWED_ORIGINS=[BLOG], CORS_URLS_REGEX=r"^(?!/admin/)")
class UrlsRegexSpellings(SimpleTestCase):
    def test_a_regex_excluding_a_path_is_not_bypassed_by_another_spelling(self) -> None:
        for path in ("//admin/users", "/x/../admin/users", "/api/./../admin/users"):
            with self.subTest(path):
                response = self.client.get("/", headers={"Origin": BLOG}, PATH_INFO=path)

                assert "Access-Control-Allow-Origin" not in response.headers

    def test_paths_the_regex_does_not_exclude_are_granted(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": BLOG})

        assert response.headers["Access-Control-Allow-Origin"] == BLOG


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
class WithRequestFactory(SimpleTestCase):
    """The middleware on its own, around a stand-in for the rest of the stack."""

    def test_a_sync_middleware_answers_a_preflight_without_calling_the_rest(self) -> None:
        calls: list[object] = []
        middleware = CorsMiddleware(lambda request: calls.append(request))

        response = middleware(
            RequestFactory().options(
                "/api/items", headers={"Origin": APP, "Access-Control-Request-Method": "PUT"}
            )
        )

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert calls == []

    async def test_an_async_middleware_adds_headers_to_what_the_rest_returns(self) -> None:
        async def rest(request: Any) -> HttpResponse:
            return HttpResponse("from the view")

        response = await CorsMiddleware(rest)(
            AsyncRequestFactory().get("/api/items", headers={"Origin": APP})
        )

        assert response.content == b"from the view"
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert vary(response) == ["origin"]
