"""Every reason code a decision can carry, in one place.

Codes are stable strings: logs, metrics, the debug header and the command line
all show them, and users search for them in the documentation.
"""

from __future__ import annotations

ALLOWED = "allowed"
"""The browser's CORS check will pass."""

NO_ORIGIN = "no-origin"
"""The request has no Origin header: not a CORS request, nothing to grant."""

ORIGIN_NOT_ALLOWED = "origin-not-allowed"
"""A well-formed origin that the policy does not list or match."""

ORIGIN_MALFORMED = "origin-malformed"
"""Not a serialized origin (or too long); it is never matched or reflected."""

ORIGIN_CHECK_FAILED = "origin-check-failed"
"""A callable origin check raised; the error is logged and the origin refused."""

METHOD_MALFORMED = "method-malformed"
"""Access-Control-Request-Method is not a single method token."""

METHOD_NOT_ALLOWED = "method-not-allowed"
"""The requested method is not allowed (method names are case-sensitive)."""

HEADERS_MALFORMED = "headers-malformed"
"""Access-Control-Request-Headers is too long, has too many elements, or one is not a token."""

HEADER_NOT_ALLOWED = "header-not-allowed"
"""A requested header is not allowed; the decision's detail names it."""

PRIVATE_NETWORK_NOT_ALLOWED = "private-network-not-allowed"
"""The preflight asks for private network access and the policy does not opt in."""

ALL = (
    ALLOWED,
    NO_ORIGIN,
    ORIGIN_NOT_ALLOWED,
    ORIGIN_MALFORMED,
    ORIGIN_CHECK_FAILED,
    METHOD_MALFORMED,
    METHOD_NOT_ALLOWED,
    HEADERS_MALFORMED,
    HEADER_NOT_ALLOWED,
    PRIVATE_NETWORK_NOT_ALLOWED,
)
