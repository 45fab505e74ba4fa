"""Requests without Origin (same-origin pages, curl, health checks) are not CORS requests: logging at
DEBUG never fails them, and no line calls them refused."""

from __future__ import annotations

from unittest import mock

from django.test import SimpleTestCase, override_settings

from tests.django.helpers import APP, OTHER


@override_settings(CORS={"allow_origins": [APP]})
class WithoutOrigin(SimpleTestCase):
    def test_a_request_without_origin_is_served_with_debug_logging_on(self) -> None:
        with self.assertLogs("cors_wsgi", "DEBUG"):
            response = self.client.get("/marker")
            self.client.get("/marker", headers={"Origin": OTHER})  # one line, so that assertLogs has one

        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response.headers

    def test_a_request_without_origin_is_not_logged_as_refused(self) -> None:
        # A window of 0 s: no earlier line of the same key can hold this one back.
        with (
            mock.patch("cors_wsgi.logs.REFUSAL_LOG_WINDOW", 0.0),
            self.assertLogs("cors_wsgi", "DEBUG") as logged,
        ):
            self.client.get("/marker")
            self.client.get("/marker", headers={"Origin": OTHER})

        assert [record.getMessage() for record in logged.records] == [
            f"CORS refused request: origin='{OTHER}' method='GET' path='/marker' reason=origin-not-allowed"
        ]
