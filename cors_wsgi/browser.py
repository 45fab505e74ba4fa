"""The browser's side of the CORS protocol, as the WHATWG Fetch standard defines it.

The rest of the package is the server: it decides what to answer. This module
is the client that reads the answer: whether a request needs a preflight, what
the preflight carries, and the checks a browser runs on both responses. The
``check`` and ``explain`` commands use it to say what a browser will do and
why, so its rules follow the standard's sections, named in each docstring.
Where browsers depart from the standard, the standard wins and the
difference is reported as a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from .decision import Header
from .logs import loggable
from .policy import FORBIDDEN_METHODS, FORBIDDEN_RESPONSE_HEADERS, NORMALIZED_METHODS, SAFELISTED_METHODS
from .tokens import is_token
from .urls import URL, URLError
from .urls import parse as parse_url

# Browser-side reason codes: why a browser blocks a response. They name the
# response header at fault and are distinct from the server's codes in
# ``cors_wsgi.reasons``.
ALLOWED = "allowed"
SAME_ORIGIN = "same-origin"
ACAO_MISSING = "acao-missing"
ACAO_MULTIPLE = "acao-multiple"
ACAO_MISMATCH = "acao-mismatch"
ACAO_WILDCARD_CREDENTIALS = "acao-wildcard-credentials"
ACAC_MISSING = "acac-missing"
PREFLIGHT_REDIRECT = "preflight-redirect"
REDIRECT_LIMIT = "redirect-limit"
REDIRECT_INVALID = "redirect-invalid"
PREFLIGHT_STATUS = "preflight-status"
ACAM_INVALID = "acam-invalid"
ACAH_INVALID = "acah-invalid"
METHOD_NOT_LISTED = "method-not-listed"
METHOD_WILDCARD_CREDENTIALS = "method-wildcard-credentials"
HEADER_NOT_LISTED = "header-not-listed"
HEADER_WILDCARD_CREDENTIALS = "header-wildcard-credentials"
AUTHORIZATION_WILDCARD = "authorization-wildcard"
ACAPN_MISSING = "acapn-missing"
RESPONSE_INVALID = "response-invalid"

CODES = (
    ALLOWED,
    SAME_ORIGIN,
    ACAO_MISSING,
    ACAO_MULTIPLE,
    ACAO_MISMATCH,
    ACAO_WILDCARD_CREDENTIALS,
    ACAC_MISSING,
    PREFLIGHT_REDIRECT,
    REDIRECT_LIMIT,
    REDIRECT_INVALID,
    PREFLIGHT_STATUS,
    ACAM_INVALID,
    ACAH_INVALID,
    METHOD_NOT_LISTED,
    METHOD_WILDCARD_CREDENTIALS,
    HEADER_NOT_LISTED,
    HEADER_WILDCARD_CREDENTIALS,
    AUTHORIZATION_WILDCARD,
    ACAPN_MISSING,
    RESPONSE_INVALID,
)

#: Fetch: CORS-unsafe request-header byte (controls other than HT, DEL, and these).
_UNSAFE_BYTES = frozenset('"():<>?@[\\]{}\x7f') | frozenset(chr(c) for c in range(0x20) if c != 0x09)
_LANGUAGE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")
_SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
_HTTP_WHITESPACE = " \t\r\n"

#: Fetch: CORS-safelisted response-header names, readable by script without exposure.
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

#: Fetch: forbidden request-header names (script cannot set them); ``proxy-``
#: and ``sec-`` prefixes are forbidden too.
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)

CHROMIUM_AUTHORIZATION_NOTE = (
    "Chromium still lets '*' cover Authorization, with only a console warning; the standard, "
    "Firefox and Safari refuse it, and Chromium means to follow"
)


class Problem(NamedTuple):
    """Why a browser blocks a response, in plain words, and how to fix the server."""

    code: str
    message: str
    fix: str
    note: str = ""
    """Where browsers differ from the standard on this point."""


class Request(NamedTuple):
    """What a script asks ``fetch()`` for."""

    origin: str
    """The serialized origin of the page."""
    method: str = "GET"
    headers: tuple[Header, ...] = ()
    """Headers set by the script, values already normalized."""
    credentials: bool = False
    """Credentials mode "include"."""
    private_network: bool = False
    """The target is in a more private address space (Private Network Access)."""


class Response(NamedTuple):
    status: int
    headers: tuple[Header, ...]
    """As the browser parsed them: values normalized, odd lines skipped."""
    body: bytes = b""
    """The start of the body, shown to the user; no check looks at it."""
    invalid: str = ""
    """Why the browser cannot read these bytes as a response (a network error); empty if it can."""
    interim: tuple[int, ...] = ()
    """The statuses of the 1xx responses the browser skipped before this one."""


class Exchange(NamedTuple):
    """One request sent and the response it got."""

    method: str
    headers: tuple[Header, ...]
    response: Response
    url: URL | None = None
    """Where it was sent; None when the transport has no URL (``explain``)."""
    preflight: bool = False


Transport = Callable[[URL | None, str, Sequence[Header]], Response]
"""Sends one request (URL, method, headers) and returns the response."""


class Outcome(NamedTuple):
    """What a browser did with a request, step by step."""

    allowed: bool
    problem: Problem | None
    preflight_reasons: tuple[str, ...]
    """Why a preflight was needed; empty when none was."""
    preflight: Exchange | None
    actual: Exchange | None
    readable_headers: tuple[str, ...]
    """Names of the actual response's headers that script can read."""
    notes: tuple[str, ...]
    exchanges: tuple[Exchange, ...] = ()
    """Every request sent, in order, redirects and their preflights included."""
    completed: bool = True
    """False when the browser would send the request but it was not sent (``preflight_only``)."""

    @property
    def code(self) -> str:
        return self.problem.code if self.problem else ALLOWED


def normalize_method(method: str) -> str:
    """Fetch "normalize a method": only the six well-known methods are upper-cased."""
    upper = method.upper()
    return upper if upper in NORMALIZED_METHODS else method


def is_forbidden_method(method: str) -> bool:
    """Fetch "forbidden method": ``fetch()`` throws for these."""
    return method.upper() in FORBIDDEN_METHODS


def is_forbidden_request_header(name: str) -> bool:
    """Fetch "forbidden request-header": the browser sets these, script cannot."""
    lower = name.lower()
    return lower in FORBIDDEN_REQUEST_HEADERS or lower.startswith(("proxy-", "sec-"))


def normalize_value(value: str) -> str:
    """Fetch "normalize" a header value: strip leading and trailing HTTP whitespace."""
    return value.strip(_HTTP_WHITESPACE)


def _parse_single_range(value: str) -> tuple[int | None, int | None] | None:
    """Fetch "parse a single range header value" (whitespace not allowed)."""
    unit, equals, spec = value.partition("=")
    if not equals or unit.lower() != "bytes":
        return None
    start, dash, end = spec.partition("-")
    if not dash or not all(part == "" or (part.isascii() and part.isdigit()) for part in (start, end)):
        return None
    first = int(start) if start else None
    last = int(end) if end else None
    if first is None and last is None:
        return None
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _mime_essence(value: str) -> str | None:
    """Fetch "parse a MIME type", keeping only the essence (parameters never fail it)."""
    kind, slash, rest = value.strip(_HTTP_WHITESPACE).partition("/")
    subtype = rest.partition(";")[0].rstrip(_HTTP_WHITESPACE)
    if not slash or not is_token(kind) or not is_token(subtype):
        return None
    return f"{kind}/{subtype}".lower()


def unsafelisted_because(name: str, value: str) -> str:
    """Why (name, value) is not a CORS-safelisted request-header, or ``""`` if it is.

    Fetch, "CORS-safelisted request-header": a value over 128 bytes never is;
    Accept and Content-Type must not contain a CORS-unsafe request-header
    byte; the two language headers allow only a few characters; Content-Type
    must be one of three MIME types; Range must be a single ``bytes=start-[end]``.
    """
    if len(value) > 128:
        return f"its value is longer than 128 bytes ({len(value)})"
    lower = name.lower()
    if lower in ("accept", "content-type"):
        unsafe = sorted({c for c in value if c in _UNSAFE_BYTES})
        if unsafe:
            return f"its value contains {loggable(''.join(unsafe))}, which the standard calls unsafe"
        if lower == "content-type":
            essence = _mime_essence(value)
            if essence not in _SAFELISTED_CONTENT_TYPES:
                return (
                    f"{loggable(value)} is not application/x-www-form-urlencoded, "
                    "multipart/form-data or text/plain"
                )
        return ""
    if lower in ("accept-language", "content-language"):
        bad = sorted({c for c in value if c not in _LANGUAGE_CHARS})
        if bad:
            return f"its value contains {loggable(''.join(bad))}; only letters, digits and ' *,-.;=' are safe"
        return ""
    if lower == "range":
        parsed = _parse_single_range(value)
        if parsed is None or parsed[0] is None:
            return f"{loggable(value)} is not a single range 'bytes=start-' or 'bytes=start-end'"
        return ""
    return "it is not one of Accept, Accept-Language, Content-Language, Content-Type, Range"


def is_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch: CORS-safelisted request-header."""
    return not unsafelisted_because(name, value)


def _unsafe_names_with_reasons(headers: Sequence[Header]) -> dict[str, str]:
    """Fetch "CORS-unsafe request-header names", each with why it is unsafe.

    Safelisted headers whose values add up to more than 1024 bytes all become
    unsafe together.
    """
    unsafe: dict[str, str] = {}
    potentially_unsafe: list[str] = []
    total = 0
    for name, value in headers:
        why = unsafelisted_because(name, value)
        if why:
            unsafe.setdefault(name.lower(), why)
        else:
            potentially_unsafe.append(name.lower())
            total += len(value)
    if total > 1024:
        for name in potentially_unsafe:
            unsafe.setdefault(name, f"the safelisted headers' values add up to {total} bytes, over 1024")
    return {name: unsafe[name] for name in sorted(unsafe)}


def unsafe_request_header_names(headers: Sequence[Header]) -> list[str]:
    """Fetch "CORS-unsafe request-header names": sorted, lower-case, no duplicates."""
    return list(_unsafe_names_with_reasons(headers))


def preflight_reasons(request: Request) -> list[str]:
    """Why a browser sends a preflight first (Fetch "HTTP fetch"); empty: it does not.

    A preflight is needed when the method is not a CORS-safelisted method or
    a header is CORS-unsafe; Private Network Access also requires one for
    every request to a more private address space.
    """
    found = []
    if request.method not in SAFELISTED_METHODS:
        found.append(f"the method {loggable(request.method)} is not GET, HEAD or POST")
    for name, why in _unsafe_names_with_reasons(request.headers).items():
        found.append(f"the header {loggable(name)} is not CORS-safelisted: {why}")
    if request.private_network:
        found.append("the target is on a private network (Private Network Access)")
    return found


def preflight_request_headers(request: Request) -> list[Header]:
    """The headers of the preflight (Fetch "CORS-preflight fetch").

    Access-Control-Request-Headers is the CORS-unsafe names, lower-cased,
    sorted and joined by a bare comma, exactly as browsers send it.
    """
    headers = [
        ("Accept", "*/*"),
        ("Origin", request.origin),
        ("Access-Control-Request-Method", request.method),
    ]
    names = unsafe_request_header_names(request.headers)
    if names:
        headers.append(("Access-Control-Request-Headers", ",".join(names)))
    if request.private_network:
        headers.append(("Access-Control-Request-Private-Network", "true"))
    return headers


def actual_request_headers(request: Request) -> list[Header]:
    """The headers of the request itself: the script's, plus Origin."""
    return [("Origin", request.origin), *request.headers]


def get_header(headers: Sequence[Header], name: str) -> str | None:
    """Fetch "get": all values of ``name`` joined by ``", "``, or None when absent."""
    lower = name.lower()
    values = [value for key, value in headers if key.lower() == lower]
    return ", ".join(values) if values else None


def _token_list(value: str | None) -> list[str] | None:
    """Fetch "extract header list values" for a ``#token`` header: None if an element is not a token.

    An absent header is an empty list. Empty elements are skipped, as RFC 9110
    asks of list recipients.
    """
    if value is None:
        return []
    items = [item.strip(" \t") for item in value.split(",")]
    items = [item for item in items if item]
    return items if all(is_token(item) for item in items) else None


def _invalid(response: Response) -> Problem | None:
    if not response.invalid:
        return None
    return Problem(
        RESPONSE_INVALID,
        f"the browser cannot read the response ({response.invalid}), a network error for script",
        "send a well-formed HTTP/1.1 response",
    )


_NULL_ORIGIN_FIX = (
    "request the final URL directly, so that no cross-origin redirect turns the Origin into 'null' "
    "(granting 'null' would let any sandboxed page or data: URL read the response)"
)


def cors_check(request: Request, response: Response) -> Problem | None:
    """Fetch "CORS check": Access-Control-Allow-Origin, and -Allow-Credentials when credentialed.

    ACAO must be ``*`` (only without credentials) or byte-equal to the
    request's origin; two ACAO headers are combined into one value and fail.
    With credentials, ACAC must be exactly ``true``.
    """
    count = sum(1 for name, _ in response.headers if name.lower() == "access-control-allow-origin")
    allow_origin = get_header(response.headers, "Access-Control-Allow-Origin")
    if allow_origin is None:
        return Problem(
            ACAO_MISSING,
            "the response has no Access-Control-Allow-Origin header",
            _NULL_ORIGIN_FIX
            if request.origin == "null"
            else f"send 'Access-Control-Allow-Origin: {request.origin}' for this origin (on every status, "
            "errors included)",
        )
    if count > 1:
        return Problem(
            ACAO_MULTIPLE,
            f"the response has {count} Access-Control-Allow-Origin headers, which the browser "
            f"combines into {loggable(allow_origin)}",
            "send exactly one; often both the application and a proxy or middleware add it",
        )
    if allow_origin == "*" and not request.credentials:
        return None
    if allow_origin == "*":
        return Problem(
            ACAO_WILDCARD_CREDENTIALS,
            "the request carries credentials but Access-Control-Allow-Origin is '*'",
            "list the origin instead of '*' (and send Vary: Origin)",
        )
    if allow_origin != request.origin:
        hint = ""
        if allow_origin.rstrip("/") == request.origin:
            hint = "; an origin never ends with a slash"
        elif allow_origin.lower() == request.origin.lower():
            hint = "; the comparison is case-sensitive"
        return Problem(
            ACAO_MISMATCH,
            f"Access-Control-Allow-Origin is {loggable(allow_origin)}, not the request's origin "
            f"{loggable(request.origin)}{hint}",
            _NULL_ORIGIN_FIX
            if request.origin == "null"
            else f"send exactly {loggable(request.origin)} for this origin, or allow it in the server policy",
        )
    if not request.credentials:
        return None
    allow_credentials = get_header(response.headers, "Access-Control-Allow-Credentials")
    if allow_credentials != "true":
        found = "is missing" if allow_credentials is None else f"is {loggable(allow_credentials)}"
        return Problem(
            ACAC_MISSING,
            f"the request carries credentials but Access-Control-Allow-Credentials {found}",
            "send 'Access-Control-Allow-Credentials: true' (exactly that, lower case), or make the "
            "request without credentials",
        )
    return None


def preflight_check(request: Request, response: Response) -> Problem | None:
    """Fetch "CORS-preflight fetch": what makes the browser refuse a preflight response.

    The status must be ok (2xx; a redirect fails), the CORS check must pass,
    Access-Control-Allow-Methods and -Headers must each be a list of tokens
    (one bad element fails the whole preflight), and they must cover the
    method and every CORS-unsafe header name: ``*`` only without credentials,
    and never for Authorization (a "CORS non-wildcard request-header name").
    Private Network Access adds Access-Control-Allow-Private-Network: true.
    """
    invalid = _invalid(response)
    if invalid is not None:
        return invalid._replace(message=f"preflight: {invalid.message}")
    status = response.status
    if 300 <= status < 400:
        return Problem(
            PREFLIGHT_REDIRECT,
            f"the preflight was answered with a redirect ({status}); browsers never follow one",
            "answer OPTIONS at the final URL (check trailing slashes and http-to-https redirects), "
            "or request the final URL",
        )
    if not 200 <= status < 300:
        return Problem(
            PREFLIGHT_STATUS,
            f"the preflight response status is {status}; a browser needs 200-299",
            "answer OPTIONS requests for this path with 204 or 200 (route OPTIONS to the CORS "
            "middleware; check that authentication does not demand credentials a preflight never sends)",
        )
    problem = cors_check(request, response)
    if problem is not None:
        return problem._replace(message=f"preflight: {problem.message}")
    if (
        request.private_network
        and get_header(response.headers, "Access-Control-Allow-Private-Network") != "true"
    ):
        return Problem(
            ACAPN_MISSING,
            "the target is on a private network and the preflight response lacks "
            "'Access-Control-Allow-Private-Network: true'",
            "opt in to Private Network Access on the server (allow_private_network=True) if intended",
            "Chrome now asks the user for a permission instead; the header still matters to older versions",
        )
    raw_methods = get_header(response.headers, "Access-Control-Allow-Methods")
    methods = _token_list(raw_methods)
    if methods is None:
        return Problem(
            ACAM_INVALID,
            f"Access-Control-Allow-Methods {loggable(raw_methods)} is not a comma-separated list of "
            "methods; one bad element fails the whole preflight",
            "send method names separated by commas, e.g. 'GET, POST, PUT'",
        )
    raw_headers = get_header(response.headers, "Access-Control-Allow-Headers")
    header_names = _token_list(raw_headers)
    if header_names is None:
        return Problem(
            ACAH_INVALID,
            f"Access-Control-Allow-Headers {loggable(raw_headers)} is not a comma-separated list of "
            "header names; one bad element fails the whole preflight",
            "send header names separated by commas, e.g. 'Content-Type, X-Requested-With'",
        )
    method = request.method
    if method not in methods and method not in SAFELISTED_METHODS:
        if "*" in methods and request.credentials:
            return Problem(
                METHOD_WILDCARD_CREDENTIALS,
                f"Access-Control-Allow-Methods is '*', which does not cover {loggable(method)} on a "
                "request with credentials",
                f"list {loggable(method)} by name",
            )
        if "*" not in methods:
            case_hint = ""
            if method.upper() in (m.upper() for m in methods):
                case_hint = "; method names are case-sensitive"
            return Problem(
                METHOD_NOT_LISTED,
                f"the method {loggable(method)} is not in Access-Control-Allow-Methods "
                f"{loggable(raw_methods or '')}{case_hint}",
                f"add {loggable(method)} to Access-Control-Allow-Methods",
            )
    allowed = {name.lower() for name in header_names}
    names = {name.lower() for name, _ in request.headers}
    if "authorization" in names and "authorization" not in allowed:
        if "*" in allowed:
            return Problem(
                AUTHORIZATION_WILDCARD,
                "Access-Control-Allow-Headers is '*', which never covers Authorization",
                "list Authorization by name in Access-Control-Allow-Headers",
                CHROMIUM_AUTHORIZATION_NOTE,
            )
        return _header_not_listed("authorization", raw_headers)
    for name in unsafe_request_header_names(request.headers):
        if name in allowed:
            continue
        if "*" not in allowed:
            return _header_not_listed(name, raw_headers)
        if request.credentials:
            return Problem(
                HEADER_WILDCARD_CREDENTIALS,
                f"Access-Control-Allow-Headers is '*', which does not cover {loggable(name)} on a "
                "request with credentials",
                f"list {loggable(name)} by name",
            )
    return None


def _header_not_listed(name: str, raw: str | None) -> Problem:
    listed = "is absent" if raw is None else f"is {loggable(raw)}"
    return Problem(
        HEADER_NOT_LISTED,
        f"the request header {loggable(name)} is not allowed: Access-Control-Allow-Headers {listed}",
        f"add {loggable(name)} to Access-Control-Allow-Headers, or do not send it",
    )


def readable_response_headers(request: Request, response: Response) -> list[str]:
    """Fetch "CORS-filtered response": the header names script can read.

    The CORS-safelisted response-header names, plus those listed in
    Access-Control-Expose-Headers (``*`` means all only without credentials);
    Set-Cookie never.
    """
    exposed = {
        name.lower()
        for name in _token_list(get_header(response.headers, "Access-Control-Expose-Headers")) or ()
    }
    everything = "*" in exposed and not request.credentials
    readable = {
        name.lower()
        for name, _ in response.headers
        if name.lower() not in FORBIDDEN_RESPONSE_HEADERS
        and (everything or name.lower() in SAFELISTED_RESPONSE_HEADERS or name.lower() in exposed)
    }
    return sorted(readable)


#: Fetch "redirect status".
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Fetch "HTTP-redirect fetch": the 21st redirect is a network error.
MAX_REDIRECTS = 20
#: Fetch "request-body-header name": dropped when a redirect turns the request into a GET.
_REQUEST_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)


def _redirected(request: Request, status: int, current: URL, location: URL) -> Request:
    """Fetch "HTTP-redirect fetch": the request sent to ``location``.

    301 and 302 turn a POST into a GET, 303 anything but GET and HEAD, and
    the body headers go with the body; Authorization is dropped on a
    cross-origin hop; the Origin becomes ``null`` (the "tainted origin flag")
    once a hop leaves an origin that was not the page's own.
    """
    method, headers = request.method, request.headers
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        method = "GET"
        headers = tuple(h for h in headers if h[0].lower() not in _REQUEST_BODY_HEADERS)
    if location.origin != current.origin:
        headers = tuple(h for h in headers if h[0].lower() != "authorization")
        if request.origin != current.origin:
            return request._replace(origin="null", method=method, headers=headers)
    return request._replace(method=method, headers=headers)


def _follow(response: Response, current: URL, count: int) -> URL | Problem | None:
    """The URL a redirect response sends the browser to, a Problem, or None when it is no redirect."""
    location = get_header(response.headers, "Location")
    if response.status not in REDIRECT_STATUSES or location is None:
        return None
    if count == MAX_REDIRECTS:
        return Problem(
            REDIRECT_LIMIT,
            f"the request was redirected more than {MAX_REDIRECTS} times; a browser gives up (network error)",
            "look for a redirect loop (http to https and back, a trailing slash added and removed)",
        )
    try:
        target = parse_url(location, current)
    except URLError as error:
        return Problem(
            REDIRECT_INVALID,
            f"the redirect to {loggable(location)} cannot be followed: {error}",
            "send a Location that is an http or https URL",
        )
    if target.has_credentials:
        return Problem(
            REDIRECT_INVALID,
            f"the redirect to {loggable(location)} has a user name or password, which a CORS request refuses",
            "redirect to a URL without credentials",
        )
    return target


def run(
    request: Request, transport: Transport, url: URL | None = None, preflight_only: bool = False
) -> Outcome:
    """Do what a browser does: preflight if needed, then the request, checking each answer.

    A failed preflight stops there: the browser never sends the request.
    Redirects are followed as fetch() follows them, with the CORS check and a
    new preflight (when one is needed) at every hop, up to 20; without a
    ``url`` they are not followed and a note says so. ``preflight_only``
    stops before the request itself, which is then not completed.
    """
    reasons = tuple(preflight_reasons(request))
    notes: list[str] = []
    exchanges: list[Exchange] = []

    def blocked(problem: Problem, preflight: Exchange | None, actual: Exchange | None) -> Outcome:
        notes_ = (*notes, problem.note) if problem.note else tuple(notes)
        return Outcome(False, problem, reasons, preflight, actual, (), notes_, tuple(exchanges))

    for count in range(MAX_REDIRECTS + 1):
        preflight = None
        if preflight_reasons(request):
            headers = tuple(preflight_request_headers(request))
            preflight = Exchange("OPTIONS", headers, transport(url, "OPTIONS", headers), url, True)
            exchanges.append(preflight)
            problem = preflight_check(request, preflight.response)
            if problem is not None:
                return blocked(problem, preflight, None)
        if preflight_only:
            return Outcome(True, None, reasons, preflight, None, (), tuple(notes), tuple(exchanges), False)
        headers = tuple(actual_request_headers(request))
        actual = Exchange(request.method, headers, transport(url, request.method, headers), url)
        exchanges.append(actual)
        status = actual.response.status
        problem = _invalid(actual.response) or cors_check(request, actual.response)
        if problem is not None:
            if status >= 400:
                notes.append(
                    f"the response status was {status}: servers often leave CORS headers off error "
                    "responses, so the browser hides the error from script too"
                )
            elif status in REDIRECT_STATUSES:
                notes.append("the browser runs the CORS check on a redirect before following it")
            return blocked(problem, preflight, actual)
        if url is None:
            if status in REDIRECT_STATUSES:
                notes.append(f"the response is a redirect ({status}); a browser would follow it")
            break
        target = _follow(actual.response, url, count)
        if isinstance(target, Problem):
            return blocked(target, preflight, actual)
        if target is None:
            break
        redirected = _redirected(request, status, url, target)
        if redirected.origin != request.origin:
            notes.append(
                f"the redirect from {url.origin} to {target.origin} crosses origins, so from there on the "
                "browser sends Origin: null, and only 'Access-Control-Allow-Origin: null' or '*' passes"
            )
        request, url = redirected, target
    readable = tuple(readable_response_headers(request, actual.response))
    return Outcome(True, None, reasons, preflight, actual, readable, tuple(notes), tuple(exchanges))
