"""flask-cors options, translated once into ``cors_wsgi`` policies and path rules.

Only the spelling changes here: every CORS rule is applied by the core. The
translation runs at ``init_app``, blueprint registration or the first request,
never per request.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

from cors_wsgi import ConfigError, CORSPolicy
from cors_wsgi.errors import reject_unknown
from cors_wsgi.logs import logger
from cors_wsgi.resources import PathPattern

#: flask-cors 6 defaults, so that ``CORS(app)`` behaves as users expect.
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "origins": "*",
        "methods": ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"],
        "allow_headers": "*",
        "expose_headers": None,
        "supports_credentials": False,
        "max_age": None,
        "send_wildcard": False,
        "automatic_options": True,
        "vary_header": True,
        "resources": r"/*",
        "intercept_exceptions": True,
        "always_send": True,
        "allow_private_network": False,
    }
)

#: Options of ``CORS(...)`` / ``init_app``.
APP_OPTIONS = frozenset(DEFAULTS)
#: Options of ``@cross_origin`` and of a resource's option dict.
VIEW_OPTIONS = APP_OPTIONS - {"resources", "intercept_exceptions"}
#: ``app.config`` key -> option name.
CONFIG_KEYS: Mapping[str, str] = MappingProxyType({"CORS_" + name.upper(): name for name in DEFAULTS})

#: Other libraries' names for a setting (django-cors-headers, Starlette, cors_wsgi) -> flask-cors's.
OTHER_LIBRARY_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "CORS_ALLOWED_ORIGINS": "CORS_ORIGINS",
        "CORS_ALLOW_ORIGINS": "CORS_ORIGINS",
        "CORS_ALLOW_ORIGIN": "CORS_ORIGINS",
        "CORS_ORIGIN_WHITELIST": "CORS_ORIGINS",
        "CORS_ALLOW_ALL_ORIGINS": "CORS_ORIGINS",
        "CORS_ORIGIN_ALLOW_ALL": "CORS_ORIGINS",
        "CORS_ALLOWED_ORIGIN_REGEXES": "CORS_ORIGINS",
        "CORS_ALLOW_ORIGIN_REGEX": "CORS_ORIGINS",
        "CORS_ORIGIN_REGEX_WHITELIST": "CORS_ORIGINS",
        "CORS_ALLOW_CREDENTIALS": "CORS_SUPPORTS_CREDENTIALS",
        "CORS_ALLOWED_METHODS": "CORS_METHODS",
        "CORS_ALLOW_METHODS": "CORS_METHODS",
        "CORS_PREFLIGHT_MAX_AGE": "CORS_MAX_AGE",
    }
)
#: Keys flask-cors's documentation sets although flask-cors ignores them: accepted, with a warning.
IGNORED_KEYS = frozenset({"CORS_HEADERS"})
#: How close (difflib ratio) an unknown key must be to a setting to count as its misspelling.
NEAR_MISS_CUTOFF = 0.8

#: The characters that make flask-cors read a string as a regular expression.
_REGEX_HINTS = frozenset("*\\]?$^[()")
_FLAGS = (
    "supports_credentials",
    "allow_private_network",
    "send_wildcard",
    "automatic_options",
    "vary_header",
    "always_send",
    "intercept_exceptions",
)


def check_names(options: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    """A misspelt option is an error with a suggestion (flask-cors only logs it)."""
    reject_unknown(options, known, where)


def config_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``CORS_*`` settings of ``app.config`` as option names (None means unset, as in flask-cors).

    A near-miss of a setting (``CORS_ORIGIN``) or another library's name for
    one (``CORS_ALLOWED_ORIGINS``) is an error: ignored, it would leave the
    default ``origins="*"`` in force. ``CORS_HEADERS``, which flask-cors's
    own documentation sets and ignores, and unrelated names are only logged.
    """
    options = {name: config[key] for key, name in CONFIG_KEYS.items() if config.get(key) is not None}
    for key in sorted(k for k in config if isinstance(k, str) and k.startswith("CORS_")):
        if key in CONFIG_KEYS:
            continue
        meant = OTHER_LIBRARY_KEYS.get(key) or next(
            iter(difflib.get_close_matches(key, CONFIG_KEYS, n=1, cutoff=NEAR_MISS_CUTOFF)), None
        )
        if meant is not None and key not in IGNORED_KEYS:
            raise ConfigError(
                f"app.config[{key!r}]",
                config[key],
                "is not a flask-cors setting, so it would be ignored and the default apply",
                f"did you mean {meant!r}?",
            )
        logger.warning("app.config[%r] is not a flask-cors setting and is ignored", key)
    return options


def is_regex(value: str) -> bool:
    """flask-cors's test for "this string is a regular expression"."""
    return not _REGEX_HINTS.isdisjoint(value)


class Rule(NamedTuple):
    """Where a set of options comes from, so that an error names it and shows the corrected code."""

    name: str
    """How an error names the rule: ``CORS(app)``, ``@cross_origin on 'profile'``, ..."""
    call: str
    """The code that sets the options, with ``...`` (keywords) or ``{...}`` (a dict) where they go."""

    def with_options(self, **options: object) -> str:
        """The call written with ``options``, as the user would type it (in double quotes)."""
        if "{...}" in self.call:
            inner = ", ".join(f"{name!r}: {value!r}" for name, value in options.items())
            written = self.call.replace("{...}", "{" + inner + "}")
        else:
            written = self.call.replace(
                "...", ", ".join(f"{name}={value!r}" for name, value in options.items())
            )
        return written.replace("'", '"')


#: The rule of ``CORS(app)`` itself.
APP_RULE = Rule("CORS(app)", "CORS(app, ...)")

#: Core option names -> flask-cors's, so that errors use the names the user wrote.
_OPTION_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "allow_origins": "origins",
        "allow_origin_regex": "origins",
        "allow_methods": "methods",
        "allow_credentials": "supports_credentials",
    }
)
#: The same, in the words of a problem or a fix.
_OPTION_WORDS: Mapping[str, str] = MappingProxyType(
    {**_OPTION_NAMES, "allow_origin_regex": "a regex in origins"}
)
_OPTION_WORD = re.compile(r"\b(" + "|".join(_OPTION_WORDS) + r")\b")
#: An origin flask-cors users can copy into the corrected line.
_EXAMPLE_ORIGIN = "https://app.example.com"


def resource_rule(pattern: object, owner: str, variable: str) -> Rule:
    """The rule of one resource pattern of ``CORS(owner, resources=...)``."""
    return Rule(
        f"CORS({owner}, resources={{{pattern!r}: ...}})",
        f"CORS({variable}, resources={{{pattern!r}: {{...}}}})",
    )


def build_policy(options: Mapping[str, Any], rule: Rule = APP_RULE) -> CORSPolicy:
    """The core policy for merged flask-cors options (defaults included).

    A ConfigError, from here or from the core, names flask-cors's option and
    the rule it comes from.
    """
    try:
        return _build_policy(options, rule)
    except ConfigError as error:
        option = _OPTION_NAMES.get(error.option, error.option)
        problem = _OPTION_WORD.sub(lambda m: _OPTION_WORDS[m.group(1)], error.problem)
        fix = _OPTION_WORD.sub(lambda m: _OPTION_WORDS[m.group(1)], error.fix)
        if f"(in {rule.name})" not in problem:
            problem = f"{problem} (in {rule.name})"
        raise ConfigError(option, error.value, problem, fix) from None


def _build_policy(options: Mapping[str, Any], rule: Rule) -> CORSPolicy:
    for flag in _FLAGS:
        if type(options[flag]) is not bool:
            raise ConfigError(flag, options[flag], "must be True or False", "use a bool, not a string")
    if options["vary_header"] is False:
        logger.warning(
            "vary_header=False is ignored: without 'Vary: Origin' a shared cache can serve one "
            "origin's CORS answer to another"
        )
    allow_origins, allow_origin_regex = _origins(
        options["origins"], options["supports_credentials"], options["send_wildcard"], rule
    )
    return CORSPolicy(
        allow_origins=allow_origins,
        allow_origin_regex=allow_origin_regex,
        allow_methods=[m.upper() for m in sorted(_names(options["methods"]))],
        allow_headers=_allow_headers(options["allow_headers"]),
        allow_credentials=options["supports_credentials"],
        expose_headers=_expose_headers(options["expose_headers"]),
        max_age=_max_age(options["max_age"]),
        allow_private_network=options["allow_private_network"],
    )


def _reflect_any(origin: str) -> bool:
    """flask-cors's ``origins="*"``: echo any origin the core found well-formed."""
    return True


def _origins(
    value: object, credentials: object, send_wildcard: object, rule: Rule
) -> tuple[list[str | Callable[[str], bool]], list[re.Pattern[str]]]:
    entries: list[object] = (
        [value] if isinstance(value, (str, re.Pattern)) or callable(value) else _as_list("origins", value)
    )
    if "*" in entries or ".*" in entries:
        if credentials is True:
            raise ConfigError(
                "origins",
                value,
                "cannot be combined with supports_credentials=True (origins defaults to '*'): "
                "flask-cors then reflects every origin with cookies allowed, so any site can read "
                "your users' data",
                "list the origins you trust: "
                + rule.with_options(origins=[_EXAMPLE_ORIGIN], supports_credentials=True),
            )
        return (["*"] if send_wildcard is True else [_reflect_any]), []
    origins: list[str | Callable[[str], bool]] = []
    regexes: list[re.Pattern[str]] = []
    for entry in entries:
        if isinstance(entry, re.Pattern):
            regexes.append(entry)
        elif callable(entry):
            origins.append(entry)
        elif not isinstance(entry, str):
            raise ConfigError("origins", entry, "is not a string, compiled regex or callable")
        elif "," in entry and not is_regex(entry):
            listed = [part.strip() for part in entry.split(",") if part.strip()]
            raise ConfigError(
                "origins",
                entry,
                "is one string with commas: flask-cors never splits origins, so it would never match",
                f"pass a list: {rule.with_options(origins=listed)}",
            )
        elif _is_core_pattern(entry) or not is_regex(entry):
            origins.append(entry)
        else:
            regexes.append(_compile("origins", entry, re.IGNORECASE))
    return origins, regexes


def _is_core_pattern(value: str) -> bool:
    """``scheme://*.host[:port]`` or ``scheme://host:*``: the core's patterns, not read as regexes.

    flask-cors would read ``http://localhost:*`` as a regex (``localhost``
    followed by any number of colons, matched as a prefix); the core's any-port
    pattern means what its users want.
    """
    scheme, separator, rest = value.partition("://")
    host = rest[2:] if rest.startswith("*.") else rest
    host = host[:-2] if host.endswith(":*") else host
    return bool(separator) and host != rest and not is_regex(scheme + host)


def _allow_headers(value: object) -> list[str]:
    names = _names(value)
    if "*" in names or ".*" in names:
        return ["*"]
    for name in names:
        if is_regex(name):
            raise ConfigError(
                "allow_headers",
                name,
                "header name patterns are not supported",
                "list the header names, or use '*' to allow any header",
            )
    return names


def _expose_headers(value: object) -> list[str]:
    if value is None:
        return []
    # flask-cors sorts a list (not a string) before joining it.
    return _names(value) if isinstance(value, str) else sorted(_names(value))


def _max_age(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if type(value) is int:
        return value
    raise ConfigError("max_age", value, "is not seconds", "use an int, a timedelta or None")


def _names(value: object) -> list[str]:
    """A comma-separated string or a list, as flask-cors accepts both."""
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [item if isinstance(item, str) else _not_a_name(item) for item in _as_list("names", value)]


def _not_a_name(item: object) -> str:
    raise ConfigError("names", item, "is not a string", "use header or method names")


def _as_list(option: str, value: object) -> list[object]:
    if value is None or isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigError(option, value, "is not a string or a list")
    return list(value)


def _compile(option: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as error:
        raise ConfigError(option, pattern, f"is not a valid regular expression ({error})") from None


def path_pattern(pattern: object) -> PathPattern:
    """A flask-cors resource pattern in the core's spelling.

    ``"/api/*"`` becomes the core's prefix rule (``/api`` and everything below
    ``/api/``), a plain path an exact rule, and any other regex-looking string a
    compiled regex that the core full-matches.
    """
    if isinstance(pattern, re.Pattern):
        return pattern
    if not isinstance(pattern, str):
        raise ConfigError("resources", pattern, "is not a path string or a compiled regex")
    if pattern in ("*", "/*") or not is_regex(pattern):
        return pattern
    if pattern.endswith("/*") and not is_regex(pattern[:-2]):
        return pattern
    return _compile("resources", pattern)


def resource_rules(
    resources: object, owner: str = "app", variable: str = "app"
) -> list[tuple[PathPattern, Mapping[str, Any], Rule]]:
    """``resources`` as (core pattern, option overrides, rule): a dict, a list, or one pattern.

    ``owner`` names the app or blueprint in errors, ``variable`` in the corrected code they show.
    """
    top = Rule(f"CORS({owner})", f"CORS({variable}, ...)")
    if isinstance(resources, Mapping):
        rules: list[tuple[PathPattern, Mapping[str, Any], Rule]] = []
        for pattern, overrides in resources.items():
            if not isinstance(overrides, Mapping):
                raise ConfigError("resources", overrides, "is not a dict of options")
            check_names(overrides, VIEW_OPTIONS, f"resources[{pattern!r}]")
            rules.append((path_pattern(pattern), dict(overrides), resource_rule(pattern, owner, variable)))
        return rules
    if isinstance(resources, (str, re.Pattern)):
        return [(path_pattern(resources), {}, top)]
    return [(path_pattern(pattern), {}, top) for pattern in _as_list("resources", resources)]
