"""Coverage-guided fuzzing of origin parsing, header-list parsing and the whole decision.

Run directly (``python tests/fuzz/fuzz_decision.py CORPUS_DIR -max_total_time=60``)
or through ``tests/fuzz/test_atheris.py``. An input is up to five fields
separated by ``\\x1e``: Origin, request method, Access-Control-Request-Method,
Access-Control-Request-Headers, Access-Control-Request-Private-Network, each
decoded as latin-1, as a WSGI server hands header values over.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: make tests importable
from tests.fuzz.oracle import ALLOWED, SUBDOMAIN_PARENT, in_policy

with atheris.instrument_imports(include=["cors_wsgi"]):
    from cors_wsgi import CORSMiddleware, CORSPolicy, RequestFacts, decide, split_origin
    from cors_wsgi.tokens import is_token, parse_header_list

SEPARATOR = b"\x1e"

POLICIES = (
    CORSPolicy(
        allow_origins=[*ALLOWED, f"https://*.{SUBDOMAIN_PARENT}"],
        allow_methods=["GET", "PUT", "patch"],
        allow_headers=["X-Requested-With", "Authorization"],
        allow_credentials=True,
        expose_headers=["X-Total"],
        allow_private_network=True,
    ),
    CORSPolicy(allow_origins=sorted(ALLOWED), allow_methods="*", allow_headers="*"),
)


def check_headers(headers: Any) -> None:
    for name, value in headers:
        if "\r" in name + value or "\n" in name + value or "\0" in name + value:
            raise AssertionError(f"unsafe header {name}: {value!r}")


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


MIDDLEWARES = tuple(CORSMiddleware(app, policy=policy) for policy in POLICIES)


def run(middleware: CORSMiddleware, environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The headers the middleware hands to the server for one request."""
    written: list[list[tuple[str, str]]] = []
    b"".join(middleware(environ, lambda status, headers, exc_info=None: written.append(headers)))
    return written[-1]


def fuzz_one(data: bytes) -> None:
    fields = [field.decode("latin-1") for field in data.split(SEPARATOR, 4)]
    origin, method, request_method, request_headers, private_network = fields + [""] * (5 - len(fields))

    parts = split_origin(origin)
    if parts is not None and not origin.startswith(f"{parts[0]}://{parts[1]}"):
        raise AssertionError(f"split_origin lost the host of {origin!r}")
    names = parse_header_list(request_headers)
    if names is not None and not all(is_token(name) and name == name.lower() for name in names):
        raise AssertionError(f"parse_header_list returned a non-token from {request_headers!r}")

    facts = RequestFacts(origin, method or "GET", request_method or None, request_headers or None)
    for policy, middleware in zip(POLICIES, MIDDLEWARES, strict=True):
        decision = decide(policy, facts)
        check_headers(decision.headers)
        if decision.allowed and not in_policy(origin):
            raise AssertionError(f"granted {origin!r} outside the policy")
        environ = {
            "REQUEST_METHOD": method or "GET",
            "PATH_INFO": "/",
            "HTTP_ORIGIN": origin,
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": request_method,
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": request_headers,
            "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK": private_network,
        }
        written = run(middleware, environ)
        check_headers(written)
        granted = [v for k, v in written if k == "Access-Control-Allow-Origin"]
        if granted and (granted != [origin] or not in_policy(origin)):
            raise AssertionError(f"wrote ACAO {granted!r} for {origin!r}")


def main() -> None:
    atheris.Setup(sys.argv, fuzz_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
