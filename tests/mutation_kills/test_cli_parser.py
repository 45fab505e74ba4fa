"""The command line's interface: every option with its help, metavar, default and type, and the
usage errors (mutation kills in ``cors_wsgi.cli``'s parser)."""

from __future__ import annotations

import pytest

from cors_wsgi import __version__
from cors_wsgi.cli import build_parser, main, run_check, run_explain, run_serve
from tests.cli.servers import Result

ORIGIN = "https://app.example.com"

REQUEST_OPTIONS = [
    "--origin ORIGIN the page's origin, e.g. https://app.example.com",
    "--method METHOD as the script passes it (default GET; 'patch' stays lower case)",
    "--header 'NAME: VALUE' a header set by script",
    "--credentials credentials: 'include' (cookies, HTTP auth)",
    "--private-network the target is on a more private network",
    "--json print one JSON object",
    "-v, --verbose show the raw headers exchanged",
]
POLICY_OPTIONS = [
    "policy (the options of CORSPolicy):",
    "--allow-origin ORIGIN repeatable; '*' for any",
    "--allow-origin-regex REGEX full-matched",
    "--allow-method METHOD repeatable or a,b",
    "--allow-header NAME repeatable or a,b",
    "--allow-credentials --expose-header NAME repeatable or a,b",
    "--max-age SECONDS --allow-private-network --config FILE",
    "--config FILE options from an ini file (.ini, .cfg) or a .env file; flags override them",
    "--section SECTION ini section (default cors; [filter:cors] works)",
    "--prefix PREFIX .env variable prefix (default CORS_)",
]
HELP = {
    (): [
        "usage: cors-wsgi [-h] [--version] {check,explain,serve} ...",
        "cors-wsgi: why a browser allows or blocks a cross-origin request.",
        "check asks a live server and judges its answers as a browser does;\n"
        "explain runs the same request through CORSMiddleware offline, showing the\n"
        "core's decision and reason codes (and a report-only candidate's, with\n"
        "--report-only); serve wraps any WSGI app for local development.\n"
        "Exit status: 0 allowed, 1 blocked, 2 usage or network error.",
        "check what a browser decides about a live URL",
        "explain the same decision offline, for a policy",
        "serve run a WSGI app behind CORSMiddleware, for development",
        "--version show program's version number and exit",
    ],
    ("check",): [
        "usage: cors-wsgi check [-h] --origin ORIGIN",
        *REQUEST_OPTIONS,
        "--preflight-only send only the preflight (when one is needed), never the request itself",
        "--timeout TIMEOUT seconds for the whole exchange, redirects included (default 10)",
    ],
    ("explain",): [
        "usage: cors-wsgi explain [-h] --origin ORIGIN",
        *REQUEST_OPTIONS,
        "--path PATH the path (and query) the page requests, as written in its URL; the app sees it "
        "decoded, as a server decodes it (default /)",
        "--report-only FILE a candidate policy (ini or .env, read as --config is; its options layered over "
        "the enforced ones): shows its decisions beside the enforced policy's, which alone answer",
        *POLICY_OPTIONS,
    ],
    ("serve",): [
        "usage: cors-wsgi serve [-h] [--host HOST] [--port PORT] [--debug]",
        "positional arguments: MODULE:APP",
        "--host HOST default 127.0.0.1",
        "--port PORT default 8000; 0 picks a free port",
        "--debug add the X-CORS-Decision header to responses",
        *POLICY_OPTIONS,
    ],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    return Result(status, captured.out, captured.err)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", list(HELP))
def test_every_option_is_shown_with_its_metavar_and_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")

    result = run(capsys, *command, "--help")

    assert result.status == 0
    for shown in HELP[command]:
        if "\n" in shown:
            assert shown in result.out
        else:
            assert words(shown) in words(result.out)


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "--version")

    assert (result.status, result.out) == (0, f"cors-wsgi {__version__}\n")


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys)

    assert result.status == 2
    assert result.out == ""
    assert result.err.startswith("usage: cors-wsgi [-h] [--version] {check,explain,serve} ...\n")
    assert result.err.endswith("cors-wsgi: error: the following arguments are required: command\n")


def test_check_defaults() -> None:
    args = build_parser().parse_args(["check", "https://api.example.net/", "--origin", ORIGIN])

    assert vars(args) == {
        "command": "check",
        "url": "https://api.example.net/",
        "origin": ORIGIN,
        "method": "GET",
        "header": [],
        "credentials": False,
        "private_network": False,
        "json": False,
        "verbose": False,
        "preflight_only": False,
        "timeout": 10.0,
        "run": run_check,
    }


POLICY_DEFAULTS = {
    "allow_origin": [],
    "allow_origin_regex": [],
    "allow_method": [],
    "allow_header": [],
    "allow_credentials": False,
    "expose_header": [],
    "max_age": None,
    "allow_private_network": False,
    "config": None,
    "section": "cors",
    "prefix": "CORS_",
}


def test_explain_defaults() -> None:
    args = vars(build_parser().parse_args(["explain", "--origin", ORIGIN]))
    path = args.pop("path")

    assert path.target == "/"
    assert args == {
        "command": "explain",
        "origin": ORIGIN,
        "method": "GET",
        "header": [],
        "credentials": False,
        "private_network": False,
        "json": False,
        "verbose": False,
        "report_only": None,
        "run": run_explain,
        **POLICY_DEFAULTS,
    }


def test_serve_defaults() -> None:
    args = build_parser().parse_args(["serve", "app:application"])

    assert vars(args) == {
        "command": "serve",
        "app": "app:application",
        "host": "127.0.0.1",
        "port": 8000,
        "debug": False,
        "run": run_serve,
        **POLICY_DEFAULTS,
    }


def test_values_are_converted_and_repeated_options_collected() -> None:
    parser = build_parser()
    explain = parser.parse_args([
        "explain", "--origin", ORIGIN, "--method", "delete", "--header", "X-A: 1", "--header", "X-B:2",
        "--credentials", "--private-network", "--json", "-v", "--path", "/a%20b?q",
        "--allow-origin", ORIGIN, "--allow-origin", "*",
        "--allow-origin-regex", "a", "--allow-origin-regex", "b",
        "--allow-method", "PUT", "--allow-method", "PATCH,DELETE", "--allow-header", "X-A",
        "--allow-header", "X-B", "--expose-header", "X-C", "--expose-header", "X-D", "--allow-credentials",
        "--max-age", "60", "--allow-private-network", "--config", "c.ini", "--section", "s", "--prefix", "P_",
        "--report-only", "r.env",
    ])  # fmt: skip
    check = parser.parse_args(["check", "u", "--origin", "null", "--preflight-only", "--timeout", "2.5"])
    serve = parser.parse_args(["serve", "m:a", "--host", "0.0.0.0", "--port", "0", "--debug"])

    assert (explain.method, explain.header) == ("DELETE", [("X-A", "1"), ("X-B", "2")])
    assert (explain.credentials, explain.private_network, explain.json, explain.verbose) == (True,) * 4
    assert explain.path.target == "/a%20b?q"
    assert explain.allow_origin == [ORIGIN, "*"]
    assert explain.allow_origin_regex == ["a", "b"]
    assert explain.allow_method == ["PUT", "PATCH,DELETE"]
    assert (explain.allow_header, explain.expose_header) == (["X-A", "X-B"], ["X-C", "X-D"])
    assert (explain.allow_credentials, explain.max_age, explain.allow_private_network) == (True, 60, True)
    assert (explain.config, explain.section, explain.prefix, explain.report_only) == (
        "c.ini",
        "s",
        "P_",
        "r.env",
    )
    assert (check.origin, check.preflight_only, check.timeout) == ("null", True, 2.5)
    assert (serve.host, serve.port, serve.debug) == ("0.0.0.0", 0, True)


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["--origin", "https://a.example/"],
            "argument --origin: 'https://a.example/' is not an origin as browsers send it: "
            "scheme://host[:port], lower case, no default port, no path or trailing slash\n",
        ),
        (["--origin", ORIGIN, "--method", "TRACE"], "argument --method: TRACE is a forbidden method"),
        (["--origin", ORIGIN, "--method", "GET X"], "argument --method: 'GET X' is not a method name"),
        (["--origin", ORIGIN, "--path", "a"], "argument --path: 'a' is not a request path: it starts with /"),
        (["--origin", ORIGIN, "--max-age", "soon"], "argument --max-age: invalid int value: 'soon'"),
        (["--method", "GET"], "the following arguments are required: --origin"),
    ],
)
def test_bad_arguments_are_usage_errors_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    result = run(capsys, "explain", *argv)

    assert result.status == 2
    assert result.out == ""
    assert f"cors-wsgi explain: error: {error}" in result.err


@pytest.mark.parametrize(
    ("command", "argv", "error"),
    [
        ("check", ["u", "--origin", ORIGIN, "--timeout", "soon"], "argument --timeout: invalid float value"),
        ("serve", ["m:a", "--port", "high"], "argument --port: invalid int value: 'high'"),
    ],
)
def test_numbers_of_check_and_serve_are_checked(
    capsys: pytest.CaptureFixture[str], command: str, argv: list[str], error: str
) -> None:
    result = run(capsys, command, *argv)

    assert result.status == 2
    assert f"cors-wsgi {command}: error: {error}" in result.err
