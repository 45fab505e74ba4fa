"""Requests as browsers send them, and reading our answers, for the Django tests."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, run_checks
from django.test import Client

APP = "https://app.example.com"
OTHER = "https://other.example.net"


def preflight(
    client: Client,
    path: str = "/api/items",
    origin: str = APP,
    method: str = "PUT",
    PATH_INFO: str | None = None,
    **headers: str,
) -> Any:
    """A browser's preflight: OPTIONS with Origin and Access-Control-Request-Method."""
    extra = {} if PATH_INFO is None else {"PATH_INFO": PATH_INFO}
    return client.options(
        path, headers={"Origin": origin, "Access-Control-Request-Method": method, **headers}, **extra
    )


def vary(response: Any) -> list[str]:
    """The names in the response's Vary header, as written."""
    return [name.strip() for name in response.headers.get("Vary", "").split(",") if name.strip()]


def cors_checks() -> list[CheckMessage]:
    """What ``manage.py check`` reports under our ids."""
    return [message for message in run_checks() if (message.id or "").startswith("cors_wsgi.")]


def ids(messages: list[CheckMessage]) -> list[str]:
    return sorted(message.id for message in messages)


#: The CORS-safelisted request-header names, which cors-wsgi always allows once an origin is.
SAFELISTED = frozenset({"accept", "accept-language", "content-language", "content-type"})


def allowed_headers(response: Any) -> set[str]:
    """The lower-case names of the response's Access-Control-Allow-Headers."""
    value = response.headers["Access-Control-Allow-Headers"]
    return {name.strip().lower() for name in value.split(",") if name.strip()}
