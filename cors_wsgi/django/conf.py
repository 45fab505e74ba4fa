"""The CORS configuration of a Django project, read from its settings with every problem at once.

Two styles are accepted, never both: django-cors-headers' ``CORS_*`` settings
with their names, defaults and meanings, or cors-wsgi's own options in one
``CORS`` dict. A report-only candidate is written in the same style:
``CORS_REPORT_ONLY``, a dict of django-cors-headers settings layered over the
project's own, or ``report_only`` in the ``CORS`` dict. Values are validated
by CORSPolicy and CORSMiddleware, as everywhere else; this module only maps
the names and collects the errors, so that ``manage.py check`` can show all
of them and the middleware refuses to start with any of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..config import build, options_from_mapping
from ..engine import Engine
from ..errors import NO_VALUE, ConfigError
from ..policy import OPTION_NAMES, CORSPolicy
from . import defaults

#: The setting that holds cors-wsgi's own options.
CORS_DICT = "CORS"

#: django-cors-headers' settings, each with the CORSPolicy option it becomes
#: (CORS_URLS_REGEX is the middleware's own).
SETTING_OPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "CORS_ALLOWED_ORIGINS": "allow_origins",
        "CORS_ALLOWED_ORIGIN_REGEXES": "allow_origin_regex",
        "CORS_ALLOW_ALL_ORIGINS": "allow_origins",
        "CORS_URLS_REGEX": "",
        "CORS_ALLOW_METHODS": "allow_methods",
        "CORS_ALLOW_HEADERS": "allow_headers",
        "CORS_EXPOSE_HEADERS": "expose_headers",
        "CORS_PREFLIGHT_MAX_AGE": "max_age",
        "CORS_ALLOW_CREDENTIALS": "allow_credentials",
        "CORS_ALLOW_PRIVATE_NETWORK": "allow_private_network",
    }
)

#: django-cors-headers' old names; the new name wins when both are set.
ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "CORS_ORIGIN_WHITELIST": "CORS_ALLOWED_ORIGINS",
        "CORS_ORIGIN_REGEX_WHITELIST": "CORS_ALLOWED_ORIGIN_REGEXES",
        "CORS_ORIGIN_ALLOW_ALL": "CORS_ALLOW_ALL_ORIGINS",
    }
)

#: Settings django-cors-headers no longer reads (or never did in this form), with the fix.
RETIRED: Mapping[str, str] = MappingProxyType(
    {
        "CORS_REPLACE_HTTPS_REFERER": "django-cors-headers 4 removed it; list the trusted origins in "
        "CSRF_TRUSTED_ORIGINS instead",
        "CORS_MODEL": "django-cors-headers 3 removed it; connect a check_request_enabled receiver "
        "(cors_wsgi.django.signals) that looks the origin up",
        "CORS_ALLOW_ORIGINS": "cors-wsgi's environment variable name; in Django settings write "
        "CORS_ALLOWED_ORIGINS, or allow_origins in the CORS dict",
        "CORS_MAX_AGE": "cors-wsgi's environment variable name; in Django settings write "
        "CORS_PREFLIGHT_MAX_AGE, or max_age in the CORS dict",
    }
)

#: The report-only candidate, in django-cors-headers' style: ``{"CORS_ALLOWED_ORIGINS": [...], ...}``,
#: those settings layered over the project's (CORS_URLS_REGEX excepted: the project's applies).
REPORT_ONLY = "CORS_REPORT_ONLY"

KNOWN_SETTINGS = frozenset(SETTING_OPTIONS) | frozenset(ALIASES) | {REPORT_ONLY}

_LISTS = frozenset(
    {
        "CORS_ALLOWED_ORIGINS",
        "CORS_ALLOWED_ORIGIN_REGEXES",
        "CORS_ALLOW_METHODS",
        "CORS_ALLOW_HEADERS",
        "CORS_EXPOSE_HEADERS",
    }
)

# Stable check ids: users silence warnings by them and search the docs for them.
BOTH_STYLES = "cors_wsgi.E001"
UNKNOWN_SETTING = "cors_wsgi.E002"
INVALID_SETTING = "cors_wsgi.E003"
ALL_ORIGINS_WITH_CREDENTIALS = "cors_wsgi.E004"
INVALID_CORS_DICT = "cors_wsgi.E005"
INVALID_REPORT_ONLY = "cors_wsgi.E008"
ALL_ORIGINS = "cors_wsgi.W003"
PREFIX_REGEX = "cors_wsgi.W004"
ALIAS_IGNORED = "cors_wsgi.W005"
NULL_ORIGIN = "cors_wsgi.W006"
INSECURE_WITH_CREDENTIALS = "cors_wsgi.W007"
UNREAD_SETTING = "cors_wsgi.W009"


class Problem(NamedTuple):
    """One finding: the id, the problem (``message``) and our fix (``hint``)."""

    id: str
    message: str
    hint: str

    @property
    def is_error(self) -> bool:
        return ".E" in self.id


class Config(NamedTuple):
    """What the middleware serves: where it came from, the policy and the keyword options."""

    source: str
    """``"settings.CORS"`` or ``"django-cors-headers settings"``, for messages."""
    options: Mapping[str, Any]
    """The keyword options of cors-wsgi's middleware (policy options included)."""
    policy: CORSPolicy
    """The project's top-level policy: what ``@cors`` options are layered over."""
    urls_regex: re.Pattern[str] | None
    """django-cors-headers' ``CORS_URLS_REGEX`` (``re.match`` against ``path_info``), else None."""
    native: bool
    """True for django-cors-headers' settings, whose answers follow django-cors-headers' forms."""


def read(settings: Any) -> tuple[Config | None, list[Problem]]:
    """The configuration (None when there is an error) and every problem found, errors and warnings."""
    names = {name for name in dir(settings) if name == CORS_DICT or name.startswith("CORS_")}
    problems = _unknown_names(names)
    theirs = sorted(names & KNOWN_SETTINGS)
    if CORS_DICT in names and theirs:
        problems.append(
            Problem(
                BOTH_STYLES,
                f"settings set both {CORS_DICT} and django-cors-headers' {', '.join(theirs)}",
                f"keep one style: move {', '.join(theirs)} into the {CORS_DICT} dict, or remove {CORS_DICT}",
            )
        )
    if CORS_DICT in names:
        config, found = _read_dict(getattr(settings, CORS_DICT))
    else:
        config, found = _read_native(settings, set(theirs))
    problems += found
    if any(problem.is_error for problem in problems):
        return None, problems
    return config, problems


def load(settings: Any) -> Config:
    """The configuration, or a ConfigError listing every error with its fix."""
    config, problems = read(settings)
    errors = [problem for problem in problems if problem.is_error]
    if config is None or errors:
        lines = "".join(f"\n  {p.id} {p.message}; {p.hint}" for p in errors)
        raise ConfigError(
            "Django settings",
            NO_VALUE,
            f"{len(errors)} CORS error(s):{lines}",
            "manage.py check shows them all",
        )
    return config


def _unknown_names(names: Iterable[str]) -> list[Problem]:
    """Near-misses and retired names are errors; other ``CORS_*`` names are not ours: a warning."""
    known = sorted(KNOWN_SETTINGS)
    problems = []
    for name in sorted(set(names) - KNOWN_SETTINGS - {CORS_DICT}):
        if name in RETIRED:
            problems.append(Problem(UNKNOWN_SETTING, f"{name} is not read by cors-wsgi", RETIRED[name]))
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        if close:
            problems.append(
                Problem(UNKNOWN_SETTING, f"{name} is not a CORS setting", f"did you mean {close[0]}?")
            )
        else:
            problems.append(
                Problem(
                    UNREAD_SETTING,
                    f"{name} is not a setting cors-wsgi reads",
                    "known: " + ", ".join(known) + f", or the {CORS_DICT} dict",
                )
            )
    return problems


def _read_native(settings: Any, present: set[str]) -> tuple[Config | None, list[Problem]]:
    """django-cors-headers' settings, mapped onto one CORSPolicy with their defaults."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for alias, name in ALIASES.items():
        if alias in present and name in present:
            problems.append(
                Problem(ALIAS_IGNORED, f"{alias} is ignored because {name} is set", f"remove {alias}")
            )
    candidate, found = _read_report_only(settings, present)
    problems += found
    for name in SETTING_OPTIONS:
        alias = next((old for old, new in ALIASES.items() if new == name), "")
        shown = alias if alias in present and name not in present else name
        for spelling in {name, alias} & present:
            # Every value is checked, even one that another setting makes irrelevant.
            problems += _check_native(spelling, getattr(settings, spelling))
        if shown in present:
            values[name] = getattr(settings, shown)
    allow_all = values.get("CORS_ALLOW_ALL_ORIGINS", False)
    credentials = values.get("CORS_ALLOW_CREDENTIALS", False)
    if allow_all is True and credentials is True:
        problems.append(
            Problem(
                ALL_ORIGINS_WITH_CREDENTIALS,
                "CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS = True lets every site read "
                "your users' authenticated responses (django-cors-headers reflects any origin there)",
                "set CORS_ALLOW_ALL_ORIGINS = False and list the sites you trust in CORS_ALLOWED_ORIGINS "
                "(or CORS_ALLOWED_ORIGIN_REGEXES); keep CORS_ALLOW_ALL_ORIGINS only for a public API "
                "without credentials",
            )
        )
    if problems and any(problem.is_error for problem in problems):
        return None, problems
    options = _native_options(values)
    try:
        policy = CORSPolicy(**options)
    except ConfigError as error:
        setting = "CORS_ALLOW_ALL_ORIGINS" if allow_all else _setting_of(error.option)
        return None, [*problems, _problem(INVALID_SETTING, setting, error)]
    urls_regex = re.compile(values.get("CORS_URLS_REGEX", defaults.default_urls_regex))
    if allow_all:
        problems.append(
            Problem(
                ALL_ORIGINS,
                "CORS_ALLOW_ALL_ORIGINS = True: every site can read the responses of CORS_URLS_REGEX",
                "fine for a public API; otherwise list the sites in CORS_ALLOWED_ORIGINS",
            )
        )
    for regex in values.get("CORS_ALLOWED_ORIGIN_REGEXES", ()):
        text = regex.pattern if isinstance(regex, re.Pattern) else regex
        if not text.endswith(("$", r"\Z")):
            problems.append(
                Problem(
                    PREFIX_REGEX,
                    f"CORS_ALLOWED_ORIGIN_REGEXES entry {text!r} is matched against the whole origin here; "
                    "django-cors-headers matched only its start, so longer origins (another port, "
                    "a lookalike domain) matched there and do not here",
                    f"write {text + '$'!r} to state it, or widen the regex if a longer origin should match",
                )
            )
    if candidate is not None:
        report_only, found = _native_candidate(values, candidate, options)
        if report_only is None:
            return None, [*problems, *found]
        options["report_only"] = report_only
    return Config("django-cors-headers settings", options, policy, urls_regex, True), [
        *problems,
        *_policy_warnings(policy, "CORS_ALLOWED_ORIGINS", "CORS_ALLOW_CREDENTIALS"),
    ]


def _read_report_only(settings: Any, present: set[str]) -> tuple[dict[str, Any] | None, list[Problem]]:
    """``CORS_REPORT_ONLY``'s settings under their current names, each checked as the setting itself."""
    if REPORT_ONLY not in present:
        return None, []
    value = getattr(settings, REPORT_ONLY)
    if not isinstance(value, Mapping):
        return None, [
            Problem(
                INVALID_REPORT_ONLY,
                f"{REPORT_ONLY}={value!r}: is not a dict",
                f"write {REPORT_ONLY} = {{'CORS_ALLOWED_ORIGINS': [...]}}: django-cors-headers settings "
                "layered over the project's for the candidate policy",
            )
        ]
    problems: list[Problem] = []
    candidate: dict[str, Any] = {}
    for key, setting in value.items():
        name = ALIASES.get(key, key) if isinstance(key, str) else key
        if name not in SETTING_OPTIONS or name == "CORS_URLS_REGEX":
            problem, fix = _not_a_candidate_setting(key)
            problems.append(Problem(INVALID_REPORT_ONLY, f"{REPORT_ONLY} key {key!r}: {problem}", fix))
            continue
        found = _check_native(key, setting)
        problems += [Problem(INVALID_REPORT_ONLY, f"{REPORT_ONLY} {p.message}", p.hint) for p in found]
        candidate[name] = setting
    return (None if problems else candidate), problems


def _not_a_candidate_setting(key: object) -> tuple[str, str]:
    """Why a key cannot be in CORS_REPORT_ONLY, and what to write instead."""
    if key == "CORS_URLS_REGEX":
        return (
            "is not a policy setting: the candidate decides the requests of the project's CORS_URLS_REGEX",
            "remove it",
        )
    mapped = [name for name, option in SETTING_OPTIONS.items() if option == key]
    if mapped:
        return (
            f"is cors-wsgi's option name; {REPORT_ONLY} takes django-cors-headers' names",
            f"write {mapped[0]!r}",
        )
    known = sorted(set(SETTING_OPTIONS) - {"CORS_URLS_REGEX"})
    close = difflib.get_close_matches(str(key), known, n=1)
    return "is not a django-cors-headers setting", (
        f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known)
    )


def _native_candidate(
    values: Mapping[str, Any], candidate: Mapping[str, Any], options: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The options the candidate changes (to layer over the project's policy, a view's or a rule's),
    or None and its problems: checked as the project's settings are, once layered."""
    layered = {**values, **candidate}
    if layered.get("CORS_ALLOW_ALL_ORIGINS", False) is True:
        listed = sorted({"CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"} & set(candidate))
        if listed and "CORS_ALLOW_ALL_ORIGINS" not in candidate:
            return None, [
                Problem(
                    INVALID_REPORT_ONLY,
                    f"{REPORT_ONLY} sets {', '.join(listed)}, but the project's "
                    "CORS_ALLOW_ALL_ORIGINS = True overrides it: the candidate still allows every origin",
                    f"add 'CORS_ALLOW_ALL_ORIGINS': False to {REPORT_ONLY}",
                )
            ]
        if layered.get("CORS_ALLOW_CREDENTIALS", False) is True:
            return None, [
                Problem(
                    INVALID_REPORT_ONLY,
                    f"{REPORT_ONLY}: CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS = True would "
                    "let every site read your users' authenticated responses",
                    f"list the sites you trust in {REPORT_ONLY}'s CORS_ALLOWED_ORIGINS, with "
                    "'CORS_ALLOW_ALL_ORIGINS': False",
                )
            ]
    wanted = _native_options(layered)
    try:
        CORSPolicy(**wanted)
    except ConfigError as error:
        return None, [_problem(INVALID_REPORT_ONLY, f"{REPORT_ONLY} {_setting_of(error.option)}", error)]
    return {name: value for name, value in wanted.items() if options.get(name) != value}, []


def _native_options(values: Mapping[str, Any]) -> dict[str, Any]:
    """CORSPolicy options with django-cors-headers' defaults and meanings."""
    max_age = values.get("CORS_PREFLIGHT_MAX_AGE", defaults.default_preflight_max_age)
    options: dict[str, Any] = {
        "allow_origins": list(values.get("CORS_ALLOWED_ORIGINS", ())),
        "allow_origin_regex": list(values.get("CORS_ALLOWED_ORIGIN_REGEXES", ())),
        "allow_methods": list(values.get("CORS_ALLOW_METHODS", defaults.default_methods)),
        "allow_headers": list(values.get("CORS_ALLOW_HEADERS", defaults.default_headers)),
        "expose_headers": list(values.get("CORS_EXPOSE_HEADERS", ())),
        # django-cors-headers sends no Max-Age for 0 (or any falsy value).
        "max_age": max_age or None,
        "allow_credentials": values.get("CORS_ALLOW_CREDENTIALS", False),
        "allow_private_network": values.get("CORS_ALLOW_PRIVATE_NETWORK", False),
    }
    if values.get("CORS_ALLOW_ALL_ORIGINS", False):
        options["allow_origins"], options["allow_origin_regex"] = "*", None
    return options


def _check_native(name: str, value: object) -> list[Problem]:
    """The problems of one django-cors-headers setting, every list entry's included."""
    setting = ALIASES.get(name, name)
    if setting in _LISTS:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return [
                Problem(
                    INVALID_SETTING,
                    f"{name}={value!r}: is not a list or tuple",
                    f"write {name} = [{value!r}]" if isinstance(value, str) else f"write {name} = [...]",
                )
            ]
        if setting == "CORS_ALLOWED_ORIGINS":
            return [problem for entry in value for problem in _check_origin(name, entry)]
    if setting == "CORS_URLS_REGEX":
        return _check_urls_regex(value)
    if setting == "CORS_ALLOW_ALL_ORIGINS":
        return _check_core(name, "allow_credentials", value)  # the same bool rule
    return _check_core(name, SETTING_OPTIONS[setting], value, setting in _LISTS)


def _check_origin(name: str, entry: object) -> list[Problem]:
    if isinstance(entry, str) and "*" in entry:
        fix = (
            "set CORS_ALLOW_ALL_ORIGINS = True instead"
            if entry == "*"
            else "django-cors-headers never matched it; use CORS_ALLOWED_ORIGIN_REGEXES, "
            "or a subdomain pattern in the CORS dict"
        )
        return [Problem(INVALID_SETTING, f"{name} entry {entry!r}: is not an origin", fix)]
    if entry == "file://":
        return [
            Problem(
                INVALID_SETTING,
                f"{name} entry 'file://': is not an origin; file: pages send Origin: null",
                "remove it: any local file, and any sandboxed page, could be that origin",
            )
        ]
    if not isinstance(entry, str):
        return [Problem(INVALID_SETTING, f"{name} entry {entry!r}: is not a string", "list origin strings")]
    return _check_core(name, "allow_origins", [entry], per_entry=True)


def _check_urls_regex(value: object) -> list[Problem]:
    name = "CORS_URLS_REGEX"
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        return []
    if not isinstance(value, str):
        return [
            Problem(INVALID_SETTING, f"{name}={value!r}: is not a regex", r"write a str such as r'^/api/'")
        ]
    try:
        re.compile(value)
    except re.error as error:
        return [Problem(INVALID_SETTING, f"{name}={value!r}: does not compile ({error})", "fix the regex")]
    return []


def _check_core(name: str, option: str, value: object, per_entry: bool = False) -> list[Problem]:
    """Validate one option with CORSPolicy; for a list, report each bad entry, not only the first."""
    error = _policy_error({option: value})
    if error is None:
        return []
    if per_entry and isinstance(value, (list, tuple)):
        found = [
            _problem(INVALID_SETTING, name, entry_error, entry=True)
            for item in value
            if (entry_error := _policy_error({option: [item]})) is not None
        ]
        if found:
            return found
    return [_problem(INVALID_SETTING, name, error, entry=per_entry and error.value is not value)]


def _policy_error(options: Mapping[str, Any]) -> ConfigError | None:
    try:
        CORSPolicy(**options)
    except ConfigError as error:
        return error
    return None


def _problem(id_: str, setting: str, error: ConfigError, entry: bool = False) -> Problem:
    """A core ConfigError as a check message: the setting, the value, the problem; its fix as the hint."""
    if error.value is NO_VALUE:
        where = setting
    else:
        where = f"{setting} entry {error.value!r}" if entry else f"{setting}={error.value!r}"
    return Problem(id_, f"{where}: {error.problem}", error.fix or f"fix {setting}")


def _setting_of(option: str) -> str:
    return next((name for name, mapped in SETTING_OPTIONS.items() if mapped == option), option)


def _read_dict(mapping: object) -> tuple[Config | None, list[Problem]]:
    """cors-wsgi's own options, with cors-wsgi's semantics, every bad key and value reported."""
    source = f"settings.{CORS_DICT}"
    if not isinstance(mapping, Mapping):
        return None, [
            Problem(
                INVALID_CORS_DICT, f"{source}={mapping!r}: is not a dict", "use a dict of cors-wsgi options"
            )
        ]
    problems = []
    for key, value in mapping.items():
        try:
            options_from_mapping({key: value}, source)
        except ConfigError as error:
            problems.append(_problem(INVALID_CORS_DICT, error.option, error))
            continue
        if key in OPTION_NAMES:
            for problem in _check_core(f"{source} {key}", key, value, per_entry=True):
                problems.append(problem._replace(id=INVALID_CORS_DICT))
    if problems:
        return None, problems
    try:
        engine: Engine[None, Any] = build(Engine, None, _for_django(mapping), {}, source)
    except ConfigError as error:
        return None, [_problem(INVALID_CORS_DICT, error.option, error)]
    policy = engine.policy
    config = Config(source, MappingProxyType(dict(mapping)), policy, None, False)
    return config, _policy_warnings(policy, f"{source} allow_origins", f"{source} allow_credentials")


def _policy_warnings(policy: CORSPolicy, origins: str, credentials: str) -> list[Problem]:
    """Legal but risky choices, as warnings that can be silenced by id."""
    problems = []
    if "null" in policy.origins.exact:
        problems.append(
            Problem(
                NULL_ORIGIN,
                f"{origins} lists 'null': sandboxed iframes and data: or file: pages of any site send it",
                "remove 'null' unless every such page may read your responses",
            )
        )
    insecure = policy.origins.insecure_entries() if policy.allow_credentials else []
    if insecure:
        problems.append(
            Problem(
                INSECURE_WITH_CREDENTIALS,
                f"{credentials} with plain-http origins {', '.join(insecure)}: anyone on the network path "
                "can act as them",
                "serve those front ends over https and list the https origins",
            )
        )
    return problems


def middleware_options(settings: Any = None) -> dict[str, Any]:
    """Keyword options of cors-wsgi's WSGI or ASGI middleware with the project's CORS policy.

    For what Django's handler never sees, such as the WebSocket routes of a
    Channels ``ProtocolTypeRouter``: ``CORSMiddleware(websocket_app,
    check_websocket_origin=True, **middleware_options())`` shares the views'
    policy. django-cors-headers' settings keep their meaning (CORS_URLS_REGEX
    becomes a ``resources`` rule); the CORS dict is passed as it is.
    """
    if settings is None:
        from django import conf as django_conf  # type: ignore[import-untyped]

        settings = django_conf.settings
    config = load(settings)
    if not config.native:
        return dict(config.options)
    options = engine_options(config)
    regex = config.urls_regex
    if regex is not None and regex.pattern != defaults.default_urls_regex:
        try:
            # re.match: the start of the path; a resources regex must match all of it.
            options["resources"] = {re.compile(f"(?:{regex.pattern})(?s:.*)", regex.flags): {}}
        except re.error as error:
            raise ConfigError(
                "CORS_URLS_REGEX",
                regex.pattern,
                f"cannot be extended to a whole-path rule ({error})",
                "write inline flags such as (?i) as re.compile(..., re.IGNORECASE)",
            ) from None
    return options


def engine_options(config: Config) -> dict[str, Any]:
    """The keyword options of the engine that serves ``config`` in Django's middleware."""
    if config.native:
        return {**config.options, "preflight_status": 200}  # django-cors-headers' granted preflight
    return _for_django(config.options)


def _for_django(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options without ``check_websocket_origin``: it is for the ASGI adapter, built from the same
    settings for WebSocket consumers; Django's middleware never sees a WebSocket."""
    return {name: value for name, value in options.items() if name != "check_websocket_origin"}
