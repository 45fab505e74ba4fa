"""``cors-wsgi``: why a browser allows or blocks a cross-origin request.

``check`` asks a live server and judges its answers as a browser does;
``explain`` runs the same request through CORSMiddleware offline, showing the
core's decision and reason codes (and a report-only candidate's, with
``--report-only``); ``serve`` wraps any WSGI app for local development.
Exit status: 0 allowed, 1 blocked, 2 usage or network error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from socketserver import ThreadingMixIn
from typing import Any, NoReturn, TextIO
from wsgiref.simple_server import WSGIServer, make_server

from . import __version__, browser, http1, inprocess, urls
from .config import build, options_from_env_file, options_from_ini
from .decision import Decision, Header
from .describe import escape, print_outcome, server_reason
from .errors import ConfigError
from .logs import logger
from .middleware import CORSMiddleware, Environ, StartResponse, WSGIApp
from .origins import split_origin
from .policy import OPTION_NAMES
from .report import Report, report_logger
from .server_reason import CORE_FIXES
from .tokens import has_control_characters, is_token

EXIT_ALLOWED, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A bad argument: reported in one line, exit status 2."""


# -- arguments ---------------------------------------------------------------


def _origin(value: str) -> str:
    if value != "null" and split_origin(value) is None:
        raise argparse.ArgumentTypeError(
            f"{value!a} is not an origin as browsers send it: scheme://host[:port], lower case, "
            "no default port, no path or trailing slash"
        )
    return value


def _header(value: str) -> Header:
    name, colon, raw = value.partition(":")
    name = name.strip()
    if not colon or not is_token(name) or has_control_characters(raw) or not raw.isascii():
        raise argparse.ArgumentTypeError(f"{value!a} is not 'Name: value' (ASCII, one line)")
    if browser.is_forbidden_request_header(name):
        raise argparse.ArgumentTypeError(
            f"{name} is a forbidden request header: the browser sets it, a script cannot"
            + (" (use --credentials for cookies)" if name.lower() == "cookie" else "")
        )
    return name, browser.normalize_value(raw)


def _path(value: str) -> urls.URL:
    """The path (and query) as the page's script writes it in the URL; the server decodes it."""
    if not value.startswith("/") or has_control_characters(value):
        raise argparse.ArgumentTypeError(
            f"{value!a} is not a request path: it starts with / and has no control characters"
        )
    # The parser refuses only schemes, hosts and ports, all fixed here: a path is never refused.
    return urls.parse("http://localhost" + value)


def _method(value: str) -> str:
    if not is_token(value):
        raise argparse.ArgumentTypeError(f"{value!a} is not a method name")
    if browser.is_forbidden_method(value):
        raise argparse.ArgumentTypeError(f"{value} is a forbidden method: fetch() refuses to send it")
    return browser.normalize_method(value)


def _names(values: Iterable[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _add_request_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--origin", required=True, type=_origin, help="the page's origin, e.g. https://app.example.com"
    )
    parser.add_argument(
        "--method",
        default="GET",
        type=_method,
        help="as the script passes it (default GET; 'patch' stays lower case)",
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        type=_header,
        metavar="'NAME: VALUE'",
        help="a header set by script",
    )
    parser.add_argument(
        "--credentials", action="store_true", help="credentials: 'include' (cookies, HTTP auth)"
    )
    parser.add_argument(
        "--private-network", action="store_true", help="the target is on a more private network"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the raw headers exchanged")


def _add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("policy (the options of CORSPolicy)")
    group.add_argument(
        "--allow-origin", action="append", default=[], metavar="ORIGIN", help="repeatable; '*' for any"
    )
    group.add_argument(
        "--allow-origin-regex", action="append", default=[], metavar="REGEX", help="full-matched"
    )
    group.add_argument(
        "--allow-method", action="append", default=[], metavar="METHOD", help="repeatable or a,b"
    )
    group.add_argument(
        "--allow-header", action="append", default=[], metavar="NAME", help="repeatable or a,b"
    )
    group.add_argument("--allow-credentials", action="store_true")
    group.add_argument(
        "--expose-header", action="append", default=[], metavar="NAME", help="repeatable or a,b"
    )
    group.add_argument("--max-age", type=int, metavar="SECONDS")
    group.add_argument("--allow-private-network", action="store_true")
    group.add_argument(
        "--config",
        metavar="FILE",
        help="options from an ini file (.ini, .cfg) or a .env file; flags override them",
    )
    group.add_argument("--section", default="cors", help="ini section (default cors; [filter:cors] works)")
    group.add_argument("--prefix", default="CORS_", help=".env variable prefix (default CORS_)")


def _policy_options(args: argparse.Namespace) -> dict[str, Any]:
    """Only the options given, so that CORSPolicy's own defaults apply to the rest."""
    options: dict[str, Any] = {}
    if args.allow_origin:
        options["allow_origins"] = args.allow_origin
    if args.allow_origin_regex:
        options["allow_origin_regex"] = args.allow_origin_regex
    for option, values in (
        ("allow_methods", args.allow_method),
        ("allow_headers", args.allow_header),
        ("expose_headers", args.expose_header),
    ):
        if values:
            options[option] = _names(values)
    if args.allow_credentials:
        options["allow_credentials"] = True
    if args.max_age is not None:
        options["max_age"] = args.max_age
    if args.allow_private_network:
        options["allow_private_network"] = True
    return options


def _config_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of ``--config``, or none."""
    if args.config is None:
        return {}
    if args.config.endswith((".ini", ".cfg")):
        return options_from_ini(args.config, args.section)
    return options_from_env_file(args.config, args.prefix)


def _middleware(
    app: WSGIApp, args: argparse.Namespace, **extra: Any
) -> tuple[CORSMiddleware, dict[str, Any]]:
    """The middleware for the flags over the options of ``--config``, and those options.

    An error in the candidate of ``--report-only`` (which ``extra`` carries)
    names its file: the option alone (``report_only allow_origins``) does not
    say which file to fix, and the value at fault may be an enforced one it
    inherits.
    """
    overrides = {**_policy_options(args), **extra}
    try:
        options = _config_options(args)
        return build(CORSMiddleware, app, options, overrides, args.config or "command line"), options
    except ConfigError as error:
        where = ""
        if "report_only" in extra and error.option.startswith("report_only"):
            where = f"--report-only {escape(args.report_only)}: "
        raise UsageError(f"configuration error: {where}{escape(str(error))}") from None


def _request(args: argparse.Namespace) -> browser.Request:
    return browser.Request(
        args.origin, args.method, tuple(args.header), args.credentials, args.private_network
    )


# -- output ------------------------------------------------------------------


def _exchange_json(exchange: browser.Exchange | None) -> dict[str, Any] | None:
    if exchange is None:
        return None
    return {
        "url": None if exchange.url is None else str(exchange.url),
        "preflight": exchange.preflight,
        "method": exchange.method,
        "headers": [list(h) for h in exchange.headers],
        "response": {
            "status": exchange.response.status,
            "headers": [list(h) for h in exchange.response.headers],
        },
    }


def outcome_json(outcome: browser.Outcome) -> dict[str, Any]:
    problem = outcome.problem
    stated = server_reason(outcome)
    verdict = "allowed" if outcome.allowed else "blocked"
    return {
        "verdict": verdict if outcome.completed else "preflight-passed",
        "code": outcome.code,
        "message": problem.message if problem else "",
        "fix": problem.fix if problem else "",
        "server_reason": None if stated is None else {**stated._asdict(), "fix": stated.fix},
        "notes": list(outcome.notes),
        "preflight_reasons": list(outcome.preflight_reasons),
        "preflight": _exchange_json(outcome.preflight),
        "request": _exchange_json(outcome.actual),
        "readable_headers": list(outcome.readable_headers),
        "exchanges": [_exchange_json(exchange) for exchange in outcome.exchanges],
    }


# -- check -------------------------------------------------------------------


def _parse_url(text: str) -> urls.URL:
    if has_control_characters(text):
        raise UsageError(f"bad URL {text!a}: it contains a control character")
    try:
        return urls.parse(text)
    except urls.URLError as error:
        raise UsageError(f"bad URL {text!a}: {escape(str(error))}") from None


def http_transport(deadline: http1.Deadline) -> browser.Transport:
    """Send each request on a fresh connection, all of them by one deadline."""

    def send(url: urls.URL | None, method: str, headers: Sequence[Header]) -> browser.Response:
        if url is None:
            raise TypeError("http_transport sends to a URL; explain's transport is the one without")
        extra = [("Content-Length", "0")] if method not in ("GET", "HEAD", "OPTIONS") else []
        head = http1.request_head(
            method,
            url.target,
            url.authority,
            [("User-Agent", f"cors-wsgi-check/{__version__}"), *headers, *extra],
        )
        try:
            raw = http1.exchange(
                url.connect_host, url.connect_port, url.scheme == "https", head, method, deadline
            )
        except http1.InvalidResponse as error:
            return browser.Response(0, (), invalid=str(error))
        return browser.Response(raw.status, raw.headers, raw.body, interim=raw.interim)

    return send


#: RFC 9110 "safe methods": sending them changes nothing on the server.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    url = _parse_url(args.url)
    request = _request(args)
    if url.origin == request.origin:
        message = "the page and the URL share an origin, so CORS does not apply; nothing was sent"
        if args.json:
            print(
                json.dumps({"verdict": "allowed", "code": browser.SAME_ORIGIN, "message": message}), file=out
            )
        else:
            print(f"same-origin: {message}", file=out)
        return EXIT_ALLOWED
    if request.method not in SAFE_METHODS and not args.preflight_only:
        print(
            f"cors-wsgi check: warning: this sends a real {escape(request.method)} request to "
            f"{escape(str(url))} (after its preflight passes); --preflight-only sends only the preflight",
            file=sys.stderr,
        )
    try:
        outcome = browser.run(request, http_transport(http1.Deadline(args.timeout)), url, args.preflight_only)
    except OSError as error:
        raise UsageError(f"network error: {escape(str(error)) or type(error).__name__}") from None
    if args.json:
        print(json.dumps(outcome_json(outcome), indent=2), file=out)
    else:
        print(f"check: {escape(request.method)} {escape(str(url))} from {request.origin}", file=out)
        print_outcome(outcome, args.verbose, out)
    return EXIT_ALLOWED if outcome.allowed else EXIT_BLOCKED


# -- explain -----------------------------------------------------------------


def stand_in_app(decisions: Sequence[Decision]) -> WSGIApp:
    """Stands in for the user's app: answers 200, with every header the policy exposes.

    The middleware reports its decision (``on_decision``) before it calls the
    app, so the app can send the headers named in that decision's
    Access-Control-Expose-Headers, as the real app presumably does.
    """

    def application(environ: Environ, start_response: StartResponse) -> list[bytes]:
        body = b"the application's response\n"
        exposed = (
            browser.get_header(decisions[-1].headers, "Access-Control-Expose-Headers") if decisions else None
        )
        names = [name for name in (exposed or "").split(",") if name.strip() not in ("", "*")]
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/plain"),
                ("Content-Length", str(len(body))),
                *((name.strip(), "(set by your app)") for name in names),
            ],
        )
        return [body]

    return application


def middleware_transport(middleware: CORSMiddleware, target: urls.URL) -> browser.Transport:
    """Call the middleware in process, with the environ a server builds for a request to ``target``."""

    def send(url: urls.URL | None, method: str, headers: Sequence[Header]) -> browser.Response:
        return inprocess.call_wsgi(middleware, url or target, method, headers)

    return send


def _decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "preflight": decision.preflight,
        "allowed": decision.allowed,
        "reason": decision.reason,
        "detail": decision.detail,
        "fix": CORE_FIXES[decision.reason],
        "headers": [list(h) for h in decision.headers],
        "vary": list(decision.vary),
    }


def _policy_line(middleware: CORSMiddleware, options: dict[str, Any]) -> str:
    """The top-level policy, and the resource rules that refine it when there are any."""
    resources = options.get("resources")
    return f"{middleware.policy!r}" + ("" if resources is None else f", resources={resources!r}")


def _candidate_options(args: argparse.Namespace) -> dict[str, Any]:
    """The policy options of ``--report-only``'s file, layered over the enforced ones.

    The file may be a full copy of ``--config`` with the policy changed; its
    other options must then be the same, since the candidate is decided
    under the enforced configuration's rules.
    """
    path: str = args.report_only
    try:
        if path.endswith((".ini", ".cfg")):
            loaded = options_from_ini(path, args.section)
        else:
            loaded = options_from_env_file(path, args.prefix)
        enforced = _config_options(args)
    except ConfigError as error:
        raise UsageError(f"configuration error: {escape(str(error))}") from None
    for name in sorted(set(loaded) - OPTION_NAMES):
        if loaded[name] != enforced.get(name):
            raise UsageError(
                f"--report-only {escape(path)}: {name} is not a policy option and differs from the "
                "enforced configuration's; a candidate is decided under the enforced rules and options: "
                f"remove {name} from {escape(path)}"
            )
    return {name: value for name, value in loaded.items() if name in OPTION_NAMES}


def _verdict_line(decision: Decision) -> str:
    if decision.allowed:
        return "allowed"
    detail = f" ({decision.detail})" if decision.detail else ""
    return f"refused, reason={decision.reason}{detail}"


def _report_json(report: Report) -> dict[str, Any]:
    return {
        "method": report.method,
        "path": report.path,
        "rule": report.rule,
        "enforced": _decision_json(report.enforced),
        "candidate": _decision_json(report.candidate),
    }


@contextlib.contextmanager
def _reports_shown_not_logged() -> Iterator[None]:
    """The reports are explain's output: keep their log lines (WARNING) off standard error."""
    handler = logging.NullHandler()
    report_logger.addHandler(handler)
    propagate, report_logger.propagate = report_logger.propagate, False
    try:
        yield
    finally:
        report_logger.propagate = propagate
        report_logger.removeHandler(handler)


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    decisions: list[Decision] = []
    reports: list[Report] = []
    extra: dict[str, Any] = {"on_decision": decisions.append}
    if args.report_only is not None:
        extra.update(report_only=_candidate_options(args), on_report=reports.append)
    middleware, options = _middleware(stand_in_app(decisions), args, **extra)
    request = _request(args)
    with _reports_shown_not_logged():
        outcome = browser.run(request, middleware_transport(middleware, args.path))
    passed_through = not decisions
    if args.json:
        result = outcome_json(outcome)
        result["policy"] = _policy_line(middleware, options)
        result["passed_through"] = passed_through
        result["decisions"] = [_decision_json(d) for d in decisions]
        if args.report_only is not None:
            result["report_only"] = {
                "candidate": extra["report_only"],
                "differs": bool(reports),
                "reports": [_report_json(report) for report in reports],
            }
        print(json.dumps(result, indent=2, default=repr), file=out)
        return EXIT_ALLOWED if outcome.allowed else EXIT_BLOCKED
    print(f"policy: {_policy_line(middleware, options)}", file=out)
    if args.report_only is not None:
        shown = ", ".join(f"{name}={value!r}" for name, value in sorted(extra["report_only"].items()))
        print(f"report-only: {escape(args.report_only)}: {shown or 'no policy option'}", file=out)
    print(f"request: {escape(request.method)} {escape(args.path.target)} from {request.origin}", file=out)
    if passed_through:
        print("core: no rule covers this path; the middleware passes it through untouched", file=out)
    for decision in decisions:
        step = "preflight" if decision.preflight else "request"
        print(f"core decision ({step}): {_verdict_line(decision)}", file=out)
        if not decision.allowed:
            print(f"  fix: {CORE_FIXES[decision.reason]}", file=out)
        if args.report_only is not None:
            differing = [report for report in reports if report.enforced is decision]
            candidate = _verdict_line(differing[0].candidate) if differing else "the same"
            print(f"report-only decision ({step}): {candidate}", file=out)
    print_outcome(outcome, True, out)
    if args.report_only is not None:
        if reports:
            print(
                f"report-only: the candidate decides {len(reports)} of these differently, so each "
                "is reported; the answer above is the enforced policy's",
                file=out,
            )
        elif decisions:
            print("report-only: the candidate decides alike: nothing would be reported", file=out)
    return EXIT_ALLOWED if outcome.allowed else EXIT_BLOCKED


# -- serve -------------------------------------------------------------------


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def load_app(spec: str) -> WSGIApp:
    """``module:attribute`` (dotted attributes allowed), imported from the current directory."""
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise UsageError(f"{spec!a} is not MODULE:APP, e.g. myproject.wsgi:application")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
        for name in attribute.split("."):
            target = getattr(target, name)
    except (ImportError, AttributeError) as error:
        raise UsageError(f"cannot load {spec!a}: {error}") from None
    if not callable(target):
        raise UsageError(f"{spec!a} is not a WSGI application (not callable)")
    app: WSGIApp = target
    return app


def log_refusals_by_default(stream: TextIO) -> None:
    """Refusals (INFO on the ``cors_wsgi`` logger) to ``stream``, unless the app configured logging.

    A development server is where one asks "why is it blocked?"; the log has
    the answer, and without a handler nobody would see it.
    """
    if logging.getLogger().handlers or logger.handlers or logger.level != logging.NOTSET:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def run_serve(args: argparse.Namespace, out: TextIO) -> int:
    app = load_app(args.app)
    log_refusals_by_default(sys.stderr)
    middleware, options = _middleware(app, args, debug=args.debug)
    with make_server(args.host, args.port, middleware, server_class=_ThreadingServer) as server:
        print(f"serving {escape(args.app)} with {_policy_line(middleware, options)}", file=out)
        url = f"http://{args.host}:{server.server_port}/"
        print(f"{url}  (development server, not for production; Ctrl-C stops it)", file=out)
        out.flush()
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return EXIT_ALLOWED


# -- main --------------------------------------------------------------------


def plain_text(text: str) -> str:
    """reStructuredText markup of a docstring (````literal````) as a terminal shows it: plain."""
    return text.replace("``", "")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cors-wsgi",
        description=plain_text(__doc__ or ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cors-wsgi {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="what a browser decides about a live URL")
    check.add_argument("url")
    _add_request_arguments(check)
    check.add_argument(
        "--preflight-only",
        action="store_true",
        help="send only the preflight (when one is needed), never the request itself",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds for the whole exchange, redirects included (default 10)",
    )
    check.set_defaults(run=run_check)

    explain = commands.add_parser("explain", help="the same decision offline, for a policy")
    _add_request_arguments(explain)
    explain.add_argument(
        "--path",
        type=_path,
        default=_path("/"),
        help="the path (and query) the page requests, as written in its URL; the app sees it "
        "decoded, as a server decodes it (default /)",
    )
    _add_policy_arguments(explain)
    explain.add_argument(
        "--report-only",
        metavar="FILE",
        help="a candidate policy (ini or .env, read as --config is; its options layered over the "
        "enforced ones): shows its decisions beside the enforced policy's, which alone answer",
    )
    explain.set_defaults(run=run_explain)

    serve = commands.add_parser("serve", help="run a WSGI app behind CORSMiddleware, for development")
    serve.add_argument("app", metavar="MODULE:APP")
    serve.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="default 8000; 0 picks a free port")
    serve.add_argument("--debug", action="store_true", help="add the X-CORS-Decision header to responses")
    _add_policy_arguments(serve)
    serve.set_defaults(run=run_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args, sys.stdout)
    except UsageError as error:
        print(f"cors-wsgi {args.command}: {error}", file=sys.stderr)
        return EXIT_ERROR
    return status
