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
    }
)

#: Every keyword CORSMiddleware accepts: the names a mapping may use.
KNOWN_OPTIONS = OPTION_NAMES | MIDDLEWARE_OPTIONS

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_INTEGER = re.compile(r"-?[0-9]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

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
}


class _Unparsable(Exception):
    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _words(text: str) -> list[str]:
    return text.replace(",", " ").split()


def _patterns(text: str) -> list[str] | None:
    # A comma is regex syntax ("{1,3}"), so patterns are separated by white space only.
    return text.split() or None


def _resource_paths(text: str) -> list[tuple[str, dict[str, Any]]]:
    # Each path gets the top-level policy; other paths pass through untouched.
    return [(path, {}) for path in text.split()]


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


def _unknown(
    where: str, name: str, value: object, known: Iterable[str], spell: Callable[[str], str]
) -> ConfigError:
    """An unknown key, with the closest known name written the way the source writes keys."""
    names = sorted(known)
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
            options[name] = parse(text)
        except _Unparsable as error:
            raise ConfigError(where, text, error.problem, error.fix) from None
    return options


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
    """Options from ``CORS_*`` environment variables; any other variable is ignored."""
    if not prefix:
        raise ConfigError("prefix", prefix, "is empty", 'use a prefix such as "CORS_"')
    environ = os.environ if environ is None else environ
    entries = [
        (key[len(prefix) :].lower(), value, f"{source} {key}")
        for key, value in sorted(environ.items())
        if key.startswith(prefix)
    ]
    return _from_strings(entries, lambda name: prefix + name.upper())


def options_from_env_file(path: str | os.PathLike[str], prefix: str = "CORS_") -> dict[str, Any]:
    """Options from the ``CORS_*`` lines of a .env file (``KEY=value``, ``#`` comments, quotes)."""
    if not prefix:
        raise ConfigError("prefix", prefix, "is empty", 'use a prefix such as "CORS_"')
    name = os.fspath(path)
    seen: dict[str, int] = {}
    entries = []
    for key, value, number in _read_env_file(name):
        if not key.startswith(prefix):
            continue
        if key in seen:
            raise ConfigError(
                f"{name} line {number} {key}", value, f"is set twice (also line {seen[key]})", "keep one"
            )
        seen[key] = number
        entries.append((key[len(prefix) :].lower(), value, f"{name} line {number} {key}"))
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
            value = value.split(" #", 1)[0].rstrip()
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
    try:
        parser.read_string(_read_text(name), source=name)
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
    entries = [
        (key, value, f"{name} [{section}] {key}")
        for key, value in parser.items(section)
        if not (key == "use" and ":" in section)
    ]
    return _from_strings(entries, str)


def _ini_parser() -> configparser.ConfigParser:
    # [DEFAULT] is read as an ordinary section so that it merges into nothing.
    return configparser.ConfigParser(interpolation=None, default_section="\0 no default section")


@contextlib.contextmanager
def attributed_to(source: str, keys: Iterable[str], spell: Callable[[str], str] = str) -> Iterator[None]:
    """Prefix the ConfigErrors of options in ``keys`` with where they came from.

    CORSPolicy validates values without knowing their source; this adds it,
    for example ``environment CORS_ALLOW_ORIGINS='https://a.com/': ...``.
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
    with attributed_to(source, set(options) - set(overrides), spell):
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
