"""The browser's side of the CORS protocol, transcribed from the Fetch standard.

Conformance tests judge our responses with these functions instead of
comparing header strings, so a test fails exactly when a browser following
the standard would decide differently. Section names refer to
https://fetch.spec.whatwg.org/ (``fetch.bs`` in whatwg/fetch).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence

Headers = Sequence[tuple[str, str]]

TCHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)

#: "CORS-safelisted method".
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

#: "CORS-safelisted response-header name", without Access-Control-Expose-Headers.
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)

#: "forbidden response-header name".
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})

#: The default max-age of "CORS-preflight fetch" when the header is missing or invalid.
DEFAULT_MAX_AGE = 5


class ExtractFailure(Exception):
    """ "extract header list values" returned failure: the whole preflight fails."""


def get_header(headers: Headers, name: str) -> str | None:
    """ "get" a header: all values of ``name``, combined with ", " (so two ACAO fail)."""
    values = [value for key, value in headers if key.lower() == name.lower()]
    return ", ".join(values) if values else None


def is_token(value: str) -> bool:
    return bool(value) and all(char in TCHARS for char in value)


def extract_list(headers: Headers, name: str) -> list[str] | None:
    """ "extract header list values" for the #token grammar of ACAM, ACAH and ACEH.

    Empty elements (``PUT, , GET``) are skipped: the ``#`` list rule of RFC 9110
    (section 5.6.1) has recipients accept and ignore them, and Chromium does.
    """
    value = get_header(headers, name)
    if value is None:
        return None
    items = [item for item in (item.strip(" \t") for item in value.split(",")) if item]
    if not all(is_token(item) for item in items):
        raise ExtractFailure(f"{name}: {value!r}")
    return items


def cors_check(headers: Headers, origin: str, credentials: bool) -> bool:
    """ "CORS check": ACAO is ``*`` (without credentials) or byte-equal to the origin,
    and with credentials ACAC is exactly ``true``."""
    allow_origin = get_header(headers, "Access-Control-Allow-Origin")
    if allow_origin is None:
        return False
    if not credentials and allow_origin == "*":
        return True
    if allow_origin != origin:
        return False
    if not credentials:
        return True
    return get_header(headers, "Access-Control-Allow-Credentials") == "true"


def preflight_passes(
    status: int,
    headers: Headers,
    origin: str,
    method: str,
    header_names: Iterable[str] = (),
    credentials: bool = False,
) -> bool:
    """ "CORS-preflight fetch", step "if a CORS check ... and response's status is an ok status"."""
    if not (cors_check(headers, origin, credentials) and 200 <= status <= 299):
        return False
    try:
        methods = extract_list(headers, "Access-Control-Allow-Methods") or []
        allowed_names = [n.lower() for n in extract_list(headers, "Access-Control-Allow-Headers") or []]
    except ExtractFailure:
        return False
    if method not in methods and method not in SAFELISTED_METHODS and (credentials or "*" not in methods):
        return False
    names = [name.lower() for name in header_names]
    # "CORS-non-wildcard request-header name": `*` never covers Authorization.
    if "authorization" in names and "authorization" not in allowed_names:
        return False
    return all(name in allowed_names or (not credentials and "*" in allowed_names) for name in names)


def max_age(headers: Headers) -> int:
    """How long a preflight answer is cached: ACMA, or the default when missing or invalid."""
    value = get_header(headers, "Access-Control-Max-Age")
    if value is None or not value.isascii() or not value.isdigit():
        return DEFAULT_MAX_AGE
    return int(value)


def exposed_headers(headers: Headers, credentials: bool) -> set[str]:
    """The response header names script may read ("CORS-filtered response")."""
    try:
        listed = [name.lower() for name in extract_list(headers, "Access-Control-Expose-Headers") or []]
    except ExtractFailure:
        listed = []
    present = {name.lower() for name, _ in headers}
    wildcard = "*" in listed and not credentials
    readable = present if wildcard else SAFELISTED_RESPONSE_HEADERS | set(listed)
    return (readable & present) - FORBIDDEN_RESPONSE_HEADERS
