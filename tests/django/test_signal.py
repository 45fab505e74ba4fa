"""``check_request_enabled``: a receiver returning True enables CORS for the request's origin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.test import SimpleTestCase, override_settings

from cors_wsgi.django.signals import check_request_enabled
from tests.django.helpers import APP, OTHER, preflight, vary

DATABASE = {"https://tenant-a.example.net", "https://tenant-b.example.net"}


@contextmanager
def receiver(answer: Callable[[HttpRequest], Any]) -> Iterator[list[HttpRequest]]:
    """Connect a receiver for the block; yields the requests it was sent."""
    calls: list[HttpRequest] = []

    def handler(sender: object, request: HttpRequest, **kwargs: object) -> Any:
        calls.append(request)
        return answer(request)

    check_request_enabled.connect(handler)
    try:
        yield calls
    finally:
        check_request_enabled.disconnect(handler)


def from_database(request: HttpRequest) -> bool:
    return request.headers.get("Origin") in DATABASE


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
class Receivers(SimpleTestCase):
    def test_an_origin_a_receiver_approves_is_granted_with_the_settings_credentials(self) -> None:
        with receiver(from_database):
            actual = self.client.get("/api/items", headers={"Origin": "https://tenant-a.example.net"})
            asked = preflight(self.client, origin="https://tenant-b.example.net")

        assert actual.headers["Access-Control-Allow-Origin"] == "https://tenant-a.example.net"
        assert actual.headers["Access-Control-Allow-Credentials"] == "true"
        assert asked.status_code == 200
        assert asked.headers["Access-Control-Allow-Origin"] == "https://tenant-b.example.net"

    def test_an_origin_no_receiver_approves_is_refused(self) -> None:
        with receiver(from_database) as calls:
            response = self.client.get("/api/items", headers={"Origin": OTHER})

        assert len(calls) == 1
        assert "Access-Control-Allow-Origin" not in response.headers
        assert vary(response) == ["origin"]

    def test_receivers_are_sent_the_request_once_and_not_for_listed_origins(self) -> None:
        with receiver(from_database) as calls:
            self.client.get("/api/items", headers={"Origin": "https://tenant-a.example.net"})
            preflight(self.client, origin="https://tenant-a.example.net")
            self.client.get("/api/items", headers={"Origin": APP})

        assert [request.method for request in calls] == ["GET", "OPTIONS"]
        assert calls[0].path == "/api/items"

    def test_receivers_are_never_asked_about_a_malformed_origin_or_null(self) -> None:
        with receiver(lambda request: True) as calls:
            responses = [
                self.client.get("/api/items", headers={"Origin": origin})
                for origin in ("null", "https://tenant-a.example.net/", "HTTPS://X.EXAMPLE.NET", "x" * 5000)
            ]
            self.client.get("/api/items")

        assert calls == []
        assert all("Access-Control-Allow-Origin" not in r.headers for r in responses)

    def test_a_receivers_grant_keeps_the_settings_methods(self) -> None:
        with receiver(lambda request: True), override_settings(CORS_ALLOW_METHODS=["GET", "POST"]):
            response = preflight(self.client, origin="https://tenant-a.example.net", method="DELETE")

        assert response.status_code == 403

    @override_settings(CORS_URLS_REGEX=r"^/api/")
    def test_a_receiver_enables_cors_outside_the_urls_regex(self) -> None:
        with receiver(lambda request: request.path.startswith("/marker")):
            response = self.client.get("/marker", headers={"Origin": "https://tenant-a.example.net"})
            untouched = self.client.get("/failing-never", headers={"Origin": "https://tenant-a.example.net"})

        assert response.content == b"True"
        assert response.headers["Access-Control-Allow-Origin"] == "https://tenant-a.example.net"
        assert "Access-Control-Allow-Origin" not in untouched.headers

    @override_settings(CORS_URLS_REGEX=r"^/api/")
    def test_with_receivers_a_response_outside_the_regex_varies_on_origin(self) -> None:
        plain = self.client.get("/marker")
        with receiver(lambda request: True):
            covered = self.client.get("/marker")

        assert "Vary" not in plain.headers
        assert vary(covered) == ["origin"]

    async def test_receivers_run_under_the_async_stack(self) -> None:
        with receiver(from_database) as calls:
            response = await self.async_client.get(
                "/api/items", headers={"Origin": "https://tenant-a.example.net"}
            )

        assert len(calls) == 1
        assert response.headers["Access-Control-Allow-Origin"] == "https://tenant-a.example.net"


@override_settings(CORS={"allow_origins": [APP], "resources": {"/api/*": {}}})
class WithTheCorsDict(SimpleTestCase):
    def test_receivers_grant_with_the_cors_dict_too(self) -> None:
        with receiver(from_database):
            response = self.client.get("/api/items", headers={"Origin": "https://tenant-a.example.net"})

        assert response.headers["Access-Control-Allow-Origin"] == "https://tenant-a.example.net"
