"""Configuration from where applications keep it: dicts, the environment, ini and .env files, PasteDeploy.

Loaders only check the names of options and turn strings into Python types;
every value is validated by CORSPolicy and CORSMiddleware, so no rule is
checked twice. Every error names the key, where it came from, and the fix.
"""

from __future__ import annotations

import configparser
import contextlib
import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from .errors import ConfigError
from .logs import loggable, logger
from .policy import OPTION_NAMES

M = TypeVar("M")

#: The keywords of the middleware adapters besides the policy options
#: (``check_websocket_origin`` is the ASGI adapter's only).
MIDDLEWARE_OPTIONS = frozenset(
    {
        "policy",
        "resources",
        "resolver",
        "preflight_status",
        "preflight_passthrough",
        "catch_exceptions",
        "on_decision",
        "debug",
        "check_websocket_origin",
        "report_only",
        "on_report",
    }
)

#: Every keyword CORSMiddleware accepts: the names a mapping may use.
KNOWN_OPTIONS = OPTION_NAMES | MIDDLEWARE_OPTIONS

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_INTEGER = re.compile(r"-?[0-9]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV_COMMENT = re.compile(r"\s+#.*")
#: What starts a comment line in ini files, as PasteDeploy's configparser reads them.
_INI_COMMENT_PREFIXES = ("#", ";")

#: Names other CORS libraries use (django-cors-headers, wsgicors), as they
#: appear after the prefix, with what to write instead.
FOREIGN_NAMES: Mapping[str, str] = {
    "allowed_origins": "allow_origins",
    "origin_whitelist": "allow_origins",
    "allowed_origin_regexes": "allow_origin_regex",
    "origin_regex_whitelist": "allow_origin_regex",
    "allow_all_origins": "allow_origins set to *",
    "origin_allow_all": "allow_origins set to *",
    "urls_regex": "resources",
    "preflight_max_age": "max_age",
    "origin": "allow_origins",
    "methods": "allow_methods",
    "headers": "allow_headers",
    "credentials": "allow_credentials",
    "maxage": "max_age",
    "origins": "allow_origins",
    "supports_credentials": "allow_credentials",
}

#: How alike (difflib ratio) an environment name must be to one of ours to be
#: taken for a misspelling of it (an error) rather than another program's name
#: (ignored): ``ALLOW_ORIGIN`` is 0.96 alike, Kubernetes' ``SERVICE_HOST`` 0.48.
NEAR_MISS = 0.8

#: ``#`` or ``;`` opening a word: a comment, in every option. Lists of words
#: split on commas too; regexes only on white space, as commas are regex syntax.
_COMMENT = re.compile(r"(?:^|[\s,])([#;][^\n]*)")
_REGEX_COMMENT = re.compile(r"(?:^|\s)([#;][^\n]*)")

#: A comma that separates regexes rather than belonging to one (``{1,3}``, ``[,.]``).
_LIST_COMMA = re.compile(r"^,+|,+$|,+(?=[^,]*://)")


class _Unparsable(Exception):
    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _words(text: str) -> list[str]:
    return text.replace(",", " ").split()


def _patterns(text: str) -> list[str] | None:
    # A comma is regex syntax ("{1,3}"), so patterns are separated by white space only.
    patterns = text.split()
    if any(_split_commas(pattern) != [pattern] for pattern in patterns):
        fixed = " ".join(part for pattern in patterns for part in _split_commas(pattern))
        raise _Unparsable(
            "looks like patterns separated by commas, which makes one pattern that matches no origin",
            f"separate regexes with white space only (a comma is regex syntax, as in {{1,3}}): "
            f"write {fixed!r}",
        )
    return patterns or None


def _split_commas(pattern: str) -> list[str]:
    """``pattern`` cut at the commas that make it a list: one at either end, or before another origin."""
    return [part for part in _LIST_COMMA.split(pattern) if part]


def _resource_paths(text: str) -> list[tuple[str, dict[str, Any]]]:
    # Each path gets the top-level policy; other paths pass through untouched.
    return [(path, {}) for path in _words(text)]


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Unparsable("is not a boolean", "write one of true, false, 1, 0, yes, no")


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text.strip()):
        raise _Unparsable("is not a whole number", "write digits only, for example 600")
    return int(text)


def _max_age(text: str) -> int | None:
    if text.strip().lower() == "none":
        return None
    try:
        return _integer(text)
    except _Unparsable:
        raise _Unparsable(
            "is not a whole number of seconds", "write digits, for example 600, or none to omit the header"
        ) from None


#: How ``report_only``'s options are written as text: one key each, ``report_only_allow_origins``
#: (``CORS_REPORT_ONLY_ALLOW_ORIGINS``), parsed as the option itself; they make up its dict.
REPORT_ONLY_PREFIX = "report_only_"

#: How each option that can be written as text is parsed.
STRING_PARSERS: Mapping[str, Callable[[str], Any]] = {
    "allow_origins": _words,
    "allow_origin_regex": _patterns,
    "allow_methods": _words,
    "allow_headers": _words,
    "expose_headers": _words,
    "allow_credentials": _flag,
    "allow_private_network": _flag,
    "max_age": _max_age,
    "resources": _resource_paths,
    "preflight_status": _integer,
    "preflight_passthrough": _flag,
    "catch_exceptions": _flag,
    "debug": _flag,
    "check_websocket_origin": _flag,
}
STRING_PARSERS = {
    **STRING_PARSERS,
    **{REPORT_ONLY_PREFIX + name: STRING_PARSERS[name] for name in sorted(OPTION_NAMES)},
}


def text_key(option: str) -> str:
    """The key a text source (ini, PasteDeploy, .env) writes an option as, as errors name it:
    ``report_only allow_origins`` is ``report_only_allow_origins`` there."""
    return option.replace(" ", "_")


def _unknown(
    where: str, name: str, value: object, known: Iterable[str], spell: Callable[[str], str]
) -> ConfigError:
    """An unknown key, with the closest known name written the way the source writes keys."""
    names = sorted(known)
    if name == "report_only" and REPORT_ONLY_PREFIX + "allow_origins" in names:
        example = spell(REPORT_ONLY_PREFIX + "allow_origins")
        return ConfigError(
            where,
            value,
            "cannot be written as one text value",
            f"write each of its options as a key of its own, such as {example}",
        )
    if name.startswith(REPORT_ONLY_PREFIX) and name.removeprefix(REPORT_ONLY_PREFIX) in MIDDLEWARE_OPTIONS:
        return ConfigError(
            where,
            value,
            "is not an option of report_only: a candidate has only a policy's options",
            "remove it; the candidate is compared under the enforced configuration's other options",
        )
    if name in KNOWN_OPTIONS and name not in names:
        return ConfigError(
            where,
            value,
            "cannot be written as text",
            f"pass {name}= in Python, for example CORSMiddleware.from_env(app, {name}=...)",
        )
    if name in FOREIGN_NAMES:
        target = FOREIGN_NAMES[name]
        first, _, rest = target.partition(" ")
        fix = f"that is another library's name; write {spell(first)}{' ' + rest if rest else ''}"
        return ConfigError(where, value, "is not a cors-wsgi option", fix)
    close = difflib.get_close_matches(name, names, n=1)
    fix = f"did you mean {spell(close[0])}?" if close else "known: " + ", ".join(map(spell, names))
    return ConfigError(where, value, "is not a cors-wsgi option", fix)


def _from_strings(entries: Iterable[tuple[str, str, str]], spell: Callable[[str], str]) -> dict[str, Any]:
    """Options from ``(option name, text, where)`` triples."""
    options: dict[str, Any] = {}
    for name, text, where in entries:
        parse = STRING_PARSERS.get(name)
        if parse is None:
            raise _unknown(where, name, text, STRING_PARSERS, spell)
        try:
            _refuse_comment(name.removeprefix(REPORT_ONLY_PREFIX), text)
            value = parse(text)
        except _Unparsable as error:
            raise ConfigError(where, text, error.problem, error.fix) from None
        if name.startswith(REPORT_ONLY_PREFIX):
            options.setdefault("report_only", {})[name.removeprefix(REPORT_ONLY_PREFIX)] = value
        else:
            options[name] = value
    return options


def _refuse_comment(name: str, text: str) -> None:
    """An inline comment is an error: split into words, it would become allow-list entries.

    Neither configparser (as PasteDeploy uses it) nor the environment strips
    ``; ...`` or ``# ...`` after a value, and no origin, method, header name,
    path, flag or number starts with either character, so refusing is exact.
    """
    found = (_REGEX_COMMENT if name == "allow_origin_regex" else _COMMENT).search(text)
    if found is None:
        return
    fix = "put the comment on its own line"
    if name == "allow_origin_regex":
        fix += r"; a pattern that really starts with # or ; writes it as \# or \;"
    raise _Unparsable(
        f"has an inline comment ({found.group(1).rstrip()!r}), which would be read as part of the value", fix
    )


def _is_ours(name: str) -> bool:
    """Our option name, a near-miss of one or another CORS library's: not another program's."""
    return (
        name in KNOWN_OPTIONS
        or name in FOREIGN_NAMES
        or name.startswith(REPORT_ONLY_PREFIX)
        or bool(difflib.get_close_matches(name, KNOWN_OPTIONS, n=1, cutoff=NEAR_MISS))
    )


def _log_ignored(source: str, keys: list[str]) -> None:
    """One warning for every prefixed name left to other programs, by name (values may be secrets).

    The prefix is shared: ``CORS_PROXY_URL``, or the ``CORS_PORT``,
    ``CORS_SERVICE_HOST``, ... that Kubernetes injects for a Service named ``cors``.
    """
    if keys:
        logger.warning(
            "%s: ignoring %s: neither cors-wsgi options nor close to one, so taken to be another program's",
            source,
            ", ".join(map(loggable, keys)),
        )


def options_from_mapping(mapping: Mapping[str, Any], source: str = "mapping") -> dict[str, Any]:
    """Keyword options for CORSMiddleware from a dict such as a Django setting."""
    if not isinstance(mapping, Mapping):
        raise ConfigError(source, mapping, "is not a dict", "use a dict of CORSMiddleware options")
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise ConfigError(f"{source} {key!r}", value, "is not a string key", "use option names as keys")
        if key not in KNOWN_OPTIONS:
            raise _unknown(f"{source} {key}", key.lower().removeprefix("cors_"), value, KNOWN_OPTIONS, str)
    return dict(mapping)


def options_from_env(
    environ: Mapping[str, str] | None = None, prefix: str = "CORS_", source: str = "environment"
) -> dict[str, Any]:
    """Options from the variables whose names start with ``prefix`` (``CORS_ALLOW_ORIGINS``, ...).

    ``prefix`` namespaces the variables: with ``prefix="MYAPI_CORS_"``,
    ``MYAPI_CORS_ALLOW_ORIGINS`` is read and ``CORS_ALLOW_ORIGINS`` is not.
    Variables without the prefix are ignored silently; prefixed names that are
    neither ours nor close to ours are ignored with one warning naming them all.
    """
    if not prefix:
        raise ConfigError("prefix", prefix, "is empty", 'use a prefix such as "CORS_"')
    environ = os.environ if environ is None else environ
    entries, ignored = [], []
    for key, value in sorted(environ.items()):
        if key.startswith(prefix):
            name = key[len(prefix) :].lower()
            if _is_ours(name):
                entries.append((name, value, f"{source} {key}"))
            else:
                ignored.append(key)
    _log_ignored(source, ignored)
    return _from_strings(entries, lambda option: prefix + option.upper())


def options_from_env_file(path: str | os.PathLike[str], prefix: str = "CORS_") -> dict[str, Any]:
    """Options from the prefixed lines of a .env file (``KEY=value``, ``#`` comments, quotes).

    Other names are treated as in :func:`options_from_env`: a .env file
    usually holds the whole application's settings.
    """
    if not prefix:
        raise ConfigError("prefix", prefix, "is empty", 'use a prefix such as "CORS_"')
    name = os.fspath(path)
    first: dict[str, int] = {}
    entries, ignored = [], []
    for key, value, number in _read_env_file(name):
        if not key.startswith(prefix):
            continue
        option = key[len(prefix) :].lower()
        if not _is_ours(option):
            ignored.append(key)
            continue
        if option in first:
            raise ConfigError(
                f"{name} line {number} {key}", value, f"is set twice (also line {first[option]})", "keep one"
            )
        first[option] = number
        entries.append((option, value, f"{name} line {number} {key}"))
    _log_ignored(name, ignored)
    return _from_strings(entries, lambda option: prefix + option.upper())


def _read_env_file(path: str) -> Iterator[tuple[str, str, int]]:
    """``(key, value, line number)`` of each assignment; quotes are removed, escapes are not processed."""
    for number, line in enumerate(_read_text(path).splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = text.removeprefix("export ").lstrip()
        key, equals, value = text.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not _ENV_NAME.fullmatch(key):
            raise ConfigError(
                f"{path} line {number}", line, "is not a KEY=value line", "write KEY=value or a # comment"
            )
        if value[:1] in ('"', "'"):
            end = value.find(value[0], 1)
            after = value[end + 1 :].strip() if end != -1 else ""
            if end == -1 or (after and not after.startswith("#")):
                raise ConfigError(
                    f"{path} line {number} {key}",
                    value,
                    "has an unbalanced quote or text after the closing quote",
                    "quote the whole value on one line",
                )
            value = value[1:end]
        else:
            # As python-dotenv and Docker Compose read it: white space, then # starts a comment.
            value = _ENV_COMMENT.sub("", value)
        yield key, value, number


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            path, path, f"cannot be read ({error})", "check the path and the encoding"
        ) from None


def options_from_ini(path: str | os.PathLike[str], section: str = "cors") -> dict[str, Any]:
    """Options from one section of an ini file; ``[filter:cors]`` of a PasteDeploy file works too.

    Values are taken literally (no ``%(here)s`` interpolation) and the
    ``[DEFAULT]`` section is not merged in: its ``debug`` means the app's.
    """
    name = os.fspath(path)
    parser = _ini_parser()
    text = _read_text(name)
    try:
        parser.read_string(text, source=name)
    except configparser.Error as error:
        raise ConfigError(
            name, name, f"is not a valid ini file ({error.message})", "fix the syntax"
        ) from None
    if not parser.has_section(section):
        raise ConfigError(
            f"{name} [{section}]",
            section,
            "is not a section of the file",
            "sections: " + (", ".join(parser.sections()) or "none"),
        )
    lines = _ini_key_lines(parser, text)
    entries = [
        (key, value, f"{name}{lines.get((section, key), '')} [{section}] {key}")
        for key, value in parser.items(section)
        if not (key == "use" and ":" in section)
    ]
    return _from_strings(entries, str)


def _ini_key_lines(parser: configparser.ConfigParser, text: str) -> dict[tuple[str, str], str]:
    """``" line 3"`` for each ``(section, key)``: configparser keeps no line numbers, errors should.

    Keys are the unindented ``key = value`` (or ``key: value``) lines, as
    configparser reads them; indented lines continue a value.
    """
    lines: dict[tuple[str, str], str] = {}
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not line[:1].strip() or stripped.startswith(_INI_COMMENT_PREFIXES):
            continue
        header = parser.SECTCRE.match(stripped)
        if header:
            section = header["header"]
            continue
        key = re.split("[=:]", stripped, maxsplit=1)[0]
        if section is not None and key != stripped:
            lines.setdefault((section, parser.optionxform(key.rstrip())), f" line {number}")
    return lines


def _ini_parser() -> configparser.ConfigParser:
    # [DEFAULT] is read as an ordinary section so that it merges into nothing.
    return configparser.ConfigParser(
        interpolation=None, default_section="\0 no default section", comment_prefixes=_INI_COMMENT_PREFIXES
    )


@contextlib.contextmanager
def attributed_to(source: str, keys: Iterable[str], spell: Callable[[str], str] = str) -> Iterator[None]:
    """Prefix the ConfigErrors of options in ``keys`` with where they came from.

    CORSPolicy validates values without knowing their source; this adds it,
    for example ``environment CORS_ALLOW_ORIGINS='https://a.com/': ...``.
    An option of ``report_only``'s is named ``report_only allow_origins``
    there and in ``keys`` (``spell`` writes it as its source does: see
    ``text_key``); one it takes from the enforced options is not attributed.
    """
    loaded = frozenset(keys)
    try:
        yield
    except ConfigError as error:
        if error.option not in loaded:
            raise
        raise ConfigError(f"{source} {spell(error.option)}", error.value, error.problem, error.fix) from None


def build(
    cls: Callable[..., M],
    app: object,
    options: Mapping[str, Any],
    overrides: Mapping[str, Any],
    source: str,
    spell: Callable[[str], str] = str,
) -> M:
    """``cls(app, **options, **overrides)``, with errors in ``options`` naming ``source``."""
    loaded = set(options) - set(overrides)
    candidate = options.get("report_only")
    if "report_only" in loaded and isinstance(candidate, Mapping):
        loaded |= {f"report_only {name}" for name in candidate}
    with attributed_to(source, loaded, spell):
        return cls(app, **{**options, **overrides})


def _paste_section(global_conf: Mapping[str, Any], local_conf: Mapping[str, str]) -> str:
    """``development.ini [filter:cors]``: PasteDeploy does not tell a factory its section, so find it.

    PasteDeploy also drops, silently, every key of a section that ``[DEFAULT]``
    sets too (a ``debug = true`` meant for us, typically): that is an error here.
    """
    path = global_conf.get("__file__")
    if not isinstance(path, str):
        return "[filter]"
    shown = path if os.path.relpath(path).startswith("..") else os.path.relpath(path)
    parser = _ini_parser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return f"{shown} [filter]"
    defaults = set(parser.options("DEFAULT")) if parser.has_section("DEFAULT") else set()
    candidates = [
        section
        for section in parser.sections()
        if section.startswith(("filter:", "filter-app:"))
        and "cors" in parser.get(section, "use", fallback="")
        and _paste_keys(parser, section) - defaults == set(local_conf)
    ]
    if len(candidates) != 1:
        return f"{shown} [filter]"
    section = candidates[0]
    for key in sorted(_paste_keys(parser, section) & defaults):
        raise ConfigError(
            f"{shown} [{section}] {key}",
            parser.get(section, key),
            "is dropped by PasteDeploy because [DEFAULT] sets it too",
            f"remove {key} from [DEFAULT] or from [{section}]",
        )
    return f"{shown} [{section}]"


def _paste_keys(parser: configparser.ConfigParser, section: str) -> set[str]:
    return {key for key in parser.options(section) if key not in ("use", "next") and " " not in key}
