"""django-cors-headers' settings keep their names, defaults and meanings, through Django's test client."""

from __future__ import annotations

import re
from typing import ClassVar

from django.test import SimpleTestCase, override_settings

from cors_wsgi import CORSPolicy
from cors_wsgi.django.defaults import default_headers, default_methods
from tests.django.helpers import APP, OTHER, SAFELISTED, allowed_headers, preflight, vary

PARTNER = "https://partner.example.org"


@override_settings(CORS_ALLOWED_ORIGINS=[APP, PARTNER])
class AllowedOrigins(SimpleTestCase):
    def test_every_listed_origin_reads_the_response_and_is_echoed(self) -> None:
        for origin in (APP, PARTNER):
            response = self.client.get("/api/items", headers={"Origin": origin})

            assert response.headers["Access-Control-Allow-Origin"] == origin
            assert response.json() == {"items": ["apple", "pear"]}

    def test_an_unlisted_origin_gets_no_grant_but_the_response_still_varies_on_origin(self) -> None:
        for origin in (OTHER, "https://app.example.com.evil.net", "http://app.example.com", "null"):
            response = self.client.get("/api/items", headers={"Origin": origin})

            assert "Access-Control-Allow-Origin" not in response.headers
            assert "Access-Control-Allow-Credentials" not in response.headers
            assert vary(response) == ["origin"]

    def test_a_request_without_origin_varies_on_origin_too(self) -> None:
        response = self.client.get("/api/items")

        assert "Access-Control-Allow-Origin" not in response.headers
        assert vary(response) == ["origin"]

    def test_the_defaults_answer_a_preflight_as_django_cors_headers_does(self) -> None:
        response = preflight(self.client)

        assert response.status_code == 200
        assert response.content == b""
        assert response.headers["Content-Length"] == "0"
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert response.headers["Access-Control-Allow-Methods"] == ", ".join(default_methods)
        assert allowed_headers(response) == {*default_headers} | SAFELISTED
        assert response.headers["Access-Control-Max-Age"] == "86400"
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "Access-Control-Expose-Headers" not in response.headers

    def test_a_refused_preflight_is_answered_here_without_a_grant(self) -> None:
        response = preflight(self.client, origin=OTHER)

        assert response.status_code == 403
        assert b"origin-not-allowed" in response.content
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "origin" in vary(response)


@override_settings(CORS_ORIGIN_WHITELIST=[PARTNER])
class OldOriginsName(SimpleTestCase):
    def test_the_old_name_still_lists_origins(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": PARTNER})

        assert response.headers["Access-Control-Allow-Origin"] == PARTNER

    @override_settings(CORS_ALLOWED_ORIGINS=[APP])
    def test_the_new_name_wins_over_the_old_one(self) -> None:
        granted = self.client.get("/api/items", headers={"Origin": APP})
        old = self.client.get("/api/items", headers={"Origin": PARTNER})

        assert granted.headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in old.headers


@override_settings(
    CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://\w+\.example\.com$", re.compile(r"https://pr-\d+\.dev")]
)
class OriginRegexes(SimpleTestCase):
    def test_origins_matching_a_string_or_compiled_regex_are_granted(self) -> None:
        for origin in ("https://shop.example.com", "https://pr-12.dev"):
            response = self.client.get("/api/items", headers={"Origin": origin})

            assert response.headers["Access-Control-Allow-Origin"] == origin

    def test_a_regex_must_match_the_whole_origin_not_only_its_start(self) -> None:
        for origin in ("https://pr-12.dev.evil.net", "https://pr-12.devil.com", "https://pr-12.dev:8443"):
            response = self.client.get("/api/items", headers={"Origin": origin})

            assert "Access-Control-Allow-Origin" not in response.headers


@override_settings(CORS_ORIGIN_REGEX_WHITELIST=[r"https://\w+\.example\.org"])
class OldRegexName(SimpleTestCase):
    def test_the_old_regex_name_still_grants(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": "https://shop.example.org"})

        assert response.headers["Access-Control-Allow-Origin"] == "https://shop.example.org"


@override_settings(CORS_ALLOW_ALL_ORIGINS=True)
class AllowAllOrigins(SimpleTestCase):
    def test_every_origin_gets_the_wildcard(self) -> None:
        for origin in (APP, OTHER, "null"):
            response = self.client.get("/api/items", headers={"Origin": origin})

            assert response.headers["Access-Control-Allow-Origin"] == "*"

    def test_a_preflight_from_any_origin_is_granted_with_the_wildcard(self) -> None:
        response = preflight(self.client, origin=OTHER)

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"

    @override_settings(CORS_ALLOWED_ORIGINS=[APP])
    def test_it_wins_over_an_origin_list(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["Access-Control-Allow-Origin"] == "*"


@override_settings(CORS_ORIGIN_ALLOW_ALL=True)
class OldAllowAllName(SimpleTestCase):
    def test_the_old_name_allows_every_origin(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["Access-Control-Allow-Origin"] == "*"


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_URLS_REGEX=r"^/api/")
class UrlsRegex(SimpleTestCase):
    def test_paths_the_regex_matches_at_their_start_get_cors(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": APP})

        assert response.headers["Access-Control-Allow-Origin"] == APP

    def test_other_paths_get_no_cors_header_at_all_and_are_marked_disabled(self) -> None:
        response = self.client.get("/marker", headers={"Origin": APP})

        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Vary" not in response.headers
        assert response.content == b"False"

    def test_a_preflight_outside_the_regex_goes_on_to_django(self) -> None:
        response = preflight(self.client, "/marker")

        assert response.status_code == 200
        assert response.content == b"False"
        assert "Access-Control-Allow-Origin" not in response.headers

    def test_cors_requests_inside_the_regex_are_marked_enabled(self) -> None:
        response = self.client.get("/api/marker", headers={"Origin": OTHER})

        assert response.content == b"True"

    @override_settings(CORS_URLS_REGEX=re.compile(r"^/api/items$"))
    def test_a_compiled_regex_works_too(self) -> None:
        inside = self.client.get("/api/items", headers={"Origin": APP})
        outside = self.client.get("/api/items/", headers={"Origin": APP})

        assert inside.headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in outside.headers

    @override_settings(CORS_URLS_REGEX=r"^/api/")
    def test_the_regex_is_matched_against_path_info_below_the_script_name(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": APP}, SCRIPT_NAME="/mounted")

        assert response.headers["Access-Control-Allow-Origin"] == APP


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
class MethodsHeadersExposeMaxAge(SimpleTestCase):
    @override_settings(CORS_ALLOW_METHODS=[*default_methods, "PURGE"])
    def test_allow_methods_extends_the_importable_default(self) -> None:
        response = preflight(self.client, method="PURGE")

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Methods"] == ", ".join([*default_methods, "PURGE"])

    @override_settings(CORS_ALLOW_METHODS=["GET", "POST"])
    def test_a_method_outside_allow_methods_is_refused(self) -> None:
        response = preflight(self.client, method="DELETE")

        assert response.status_code == 403
        assert "Access-Control-Allow-Origin" not in response.headers

    @override_settings(CORS_ALLOW_HEADERS=[*default_headers, "x-api-key"])
    def test_allow_headers_extends_the_importable_default(self) -> None:
        response = preflight(self.client, **{"Access-Control-Request-Headers": "authorization,x-api-key"})

        assert response.status_code == 200
        assert allowed_headers(response) == {*default_headers, "x-api-key"} | SAFELISTED

    def test_a_header_outside_the_default_allow_headers_is_refused(self) -> None:
        response = preflight(self.client, **{"Access-Control-Request-Headers": "x-api-key"})

        assert response.status_code == 403
        assert b"x-api-key" in response.content

    @override_settings(CORS_EXPOSE_HEADERS=["X-Request-Id", "X-Total"])
    def test_expose_headers_are_listed_on_granted_responses_only(self) -> None:
        granted = self.client.get("/api/items", headers={"Origin": APP})
        refused = self.client.get("/api/items", headers={"Origin": OTHER})

        assert granted.headers["Access-Control-Expose-Headers"] == "X-Request-Id, X-Total"
        assert "Access-Control-Expose-Headers" not in refused.headers

    @override_settings(CORS_PREFLIGHT_MAX_AGE=600)
    def test_preflight_max_age_is_sent_on_preflights(self) -> None:
        assert preflight(self.client).headers["Access-Control-Max-Age"] == "600"
        assert "Access-Control-Max-Age" not in self.client.get("/api/items", headers={"Origin": APP}).headers

    @override_settings(CORS_PREFLIGHT_MAX_AGE=0)
    def test_a_preflight_max_age_of_zero_sends_no_max_age(self) -> None:
        response = preflight(self.client)

        assert response.status_code == 200
        assert "Access-Control-Max-Age" not in response.headers


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
class Credentials(SimpleTestCase):
    def test_granted_requests_and_preflights_allow_credentials(self) -> None:
        assert (
            self.client.get("/api/items", headers={"Origin": APP}).headers["Access-Control-Allow-Credentials"]
            == "true"
        )
        assert preflight(self.client).headers["Access-Control-Allow-Credentials"] == "true"

    def test_a_refused_origin_gets_no_credentials_header(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert "Access-Control-Allow-Credentials" not in response.headers


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
class PrivateNetwork(SimpleTestCase):
    PNA: ClassVar[dict[str, str]] = {"Access-Control-Request-Private-Network": "true"}

    @override_settings(CORS_ALLOW_PRIVATE_NETWORK=True)
    def test_an_opted_in_project_grants_private_network_preflights(self) -> None:
        response = preflight(self.client, **self.PNA)

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Private-Network"] == "true"

    def test_private_network_access_is_refused_by_default(self) -> None:
        response = preflight(self.client, **self.PNA)

        assert response.status_code == 403
        assert "Access-Control-Allow-Private-Network" not in response.headers

    @override_settings(CORS_ALLOW_PRIVATE_NETWORK=True)
    def test_a_preflight_that_does_not_ask_gets_no_private_network_grant(self) -> None:
        response = preflight(self.client)

        assert "Access-Control-Allow-Private-Network" not in response.headers


class NoSettings(SimpleTestCase):
    def test_without_any_cors_setting_no_origin_is_granted(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": APP})

        assert "Access-Control-Allow-Origin" not in response.headers
        assert vary(response) == ["origin"]


@override_settings(
    CORS={
        "allow_origins": ["https://*.example.com"],
        "allow_methods": ["GET", "PUT"],
        "allow_headers": ["Content-Type"],
        "allow_credentials": True,
    }
)
class CorsDict(SimpleTestCase):
    def test_cors_wsgi_patterns_and_options_apply(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": "https://shop.example.com"})

        assert response.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
        assert response.headers["Access-Control-Allow-Credentials"] == "true"

    def test_a_preflight_gets_cors_wsgi_defaults_not_django_cors_headers_ones(self) -> None:
        response = preflight(
            self.client,
            origin="https://shop.example.com",
            **{"Access-Control-Request-Headers": "content-type"},
        )

        assert response.status_code == 204
        assert response.content == b""
        assert response.headers["Access-Control-Allow-Methods"] == "GET, PUT"
        assert allowed_headers(response) == SAFELISTED
        assert response.headers["Access-Control-Max-Age"] == "600"

    @override_settings(CORS={"allow_origins": [APP], "max_age": 0, "preflight_status": 200})
    def test_max_age_zero_in_the_dict_is_sent_as_zero(self) -> None:
        response = preflight(self.client, method="GET")

        assert response.status_code == 200
        assert response.headers["Access-Control-Max-Age"] == "0"

    @override_settings(CORS={"allow_origins": [APP], "resources": {"/api/*": {}}})
    def test_resources_limit_cors_to_their_paths(self) -> None:
        inside = self.client.get("/api/items", headers={"Origin": APP})
        outside = self.client.get("/marker", headers={"Origin": APP})

        assert inside.headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in outside.headers
        assert outside.content == b"False"

    @override_settings(
        CORS={
            "resolver": lambda request: (
                CORSPolicy(allow_origins=[APP]) if request.path_info.startswith("/api/") else None
            )
        }
    )
    def test_a_resolver_picks_the_policy_from_the_django_request(self) -> None:
        inside = self.client.get("/api/items", headers={"Origin": APP})
        outside = self.client.get("/marker", headers={"Origin": APP})

        assert inside.headers["Access-Control-Allow-Origin"] == APP
        assert outside.content == b"False"
        assert "Vary" not in outside.headers

    @override_settings(CORS={"allow_origins": [APP], "debug": True})
    def test_the_debug_header_says_why(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert response.headers["X-CORS-Decision"] == "refused; reason=origin-not-allowed"

    @override_settings(CORS={"allow_origins": [APP], "preflight_passthrough": True})
    def test_preflight_passthrough_lets_the_view_answer_with_our_headers(self) -> None:
        response = preflight(self.client, "/marker", method="GET")

        assert response.content == b"True"
        assert response.headers["Access-Control-Allow-Origin"] == APP
