"""The fuzzed policy's origins, restated by hand: the oracle the fuzzers judge grants by.

Written independently of ``cors_wsgi.origins``, so a bug there cannot hide
itself; shared by the hypothesis properties and the atheris harness.
"""

from __future__ import annotations

ALLOWED = ("https://example.com", "http://localhost:8080")
SUBDOMAIN_PARENT = "example.org"


def in_policy(origin: str) -> bool:
    """The exact origins, and https subdomains of SUBDOMAIN_PARENT on the default port."""
    if origin in ALLOWED:
        return True
    host = origin.removeprefix("https://")
    return (
        origin.startswith("https://")
        and host.endswith(f".{SUBDOMAIN_PARENT}")
        and set(host) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_.")
        and ".." not in host
    )
