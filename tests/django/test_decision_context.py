"""Django's middleware names the method and path in refusal lines and in ``on_decision``, as the
WSGI and ASGI adapters do (they share the engine's log_refusal and notify)."""

from __future__ import annotations

from typing import Any

from django.test import Client, SimpleTestCase, override_settings

from cors_wsgi import DecisionContext
from tests.django.helpers import APP, OTHER, preflight

SEEN: list[tuple[Any, DecisionContext]] = []


def record(decision: Any, context: DecisionContext) -> None:
    SEEN.append((decision, context))


@override_settings(CORS={"allow_origins": [APP], "allow_methods": ["PUT"], "on_decision": record})
class RequestInEveryDecision(SimpleTestCase):
    def setUp(self) -> None:
        SEEN.clear()

    def test_a_refused_preflight_line_names_the_requested_method_and_the_path(self) -> None:
        with self.assertLogs("cors_wsgi", "INFO") as logged:
            preflight(Client(), "/api/items", origin=OTHER, method="DELETE")
        assert [record.getMessage() for record in logged.records] == [
            f"CORS refused preflight: origin='{OTHER}' method='DELETE' path='/api/items'"
            " reason=origin-not-allowed"
        ]

    def test_a_refused_actual_request_line_escapes_a_hostile_path(self) -> None:
        with self.assertLogs("cors_wsgi", "DEBUG") as logged:
            Client().post("/api/items/%0aINFO:forged", headers={"Origin": OTHER})
        assert [record.getMessage() for record in logged.records] == [
            f"CORS refused request: origin='{OTHER}' method='POST' path='/api/items/\\nINFO:forged'"
            " reason=origin-not-allowed"
        ]

    def test_on_decision_sees_the_method_and_path_of_preflights_and_actual_requests(self) -> None:
        preflight(Client(), "/api/items", method="PUT")
        Client().get("/api/items/2", headers={"Origin": APP})
        assert [(decision.reason, decision.preflight, context) for decision, context in SEEN] == [
            ("allowed", True, DecisionContext("PUT", "/api/items")),
            ("allowed", False, DecisionContext("GET", "/api/items/2")),
        ]
