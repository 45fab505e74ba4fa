"""The example's CORS, tested with Django's own client.

Run from the repository root: ``python examples/django_project/manage.py test examples.django_project.tests``.

The test client never calls wsgi.py, so these tests see CORS only because
CorsMiddleware is in MIDDLEWARE, as every request in production does.
"""

from __future__ import annotations

from django.test import SimpleTestCase

FRONT_END = "http://localhost:3000"


class CorsTests(SimpleTestCase):
    def test_the_front_ends_preflight_is_answered_before_csrf(self) -> None:
        response = self.client.options(
            "/api/items/pear",
            headers={
                "Origin": FRONT_END,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type,x-csrftoken",
            },
        )

        assert response.status_code == 204
        assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert "PUT" in response.headers["Access-Control-Allow-Methods"].split(", ")

    def test_the_front_end_reads_the_items_and_the_exposed_header(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": FRONT_END})

        assert response.json() == {"items": ["apple", "pear"]}
        assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
        assert response.headers["Access-Control-Expose-Headers"] == "X-Request-Id"

    def test_another_site_gets_the_response_but_no_grant(self) -> None:
        response = self.client.get("/api/items", headers={"Origin": "https://evil.example.net"})

        assert "Access-Control-Allow-Origin" not in response.headers
        assert "origin" in response.headers["Vary"]

    def test_a_missing_api_path_still_carries_cors_headers(self) -> None:
        response = self.client.get("/api/missing", headers={"Origin": FRONT_END})

        assert response.status_code == 404
        assert response.headers["Access-Control-Allow-Origin"] == FRONT_END

    def test_paths_outside_the_api_are_left_alone(self) -> None:
        response = self.client.get("/", headers={"Origin": FRONT_END})

        assert "Access-Control-Allow-Origin" not in response.headers
