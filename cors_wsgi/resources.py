"""Per-path policies: which policy, if any, governs a request path.

Paths are matched exactly as the server decoded them into PATH_INFO: never
decoded again, ``+`` left alone, case-sensitive. The order of precedence is
fixed so that a narrower rule always wins, whatever order rules are listed in:

1. exact paths (``"/api/login"``);
2. prefix rules (``"/api/*"``: ``/api`` and everything below ``/api/``),
   the longest prefix first;
3. compiled regexes, full-matched, in the order given.

A regex that a prefix rule would always take first is a ConfigError, as is a
pattern listed twice: no rule is shadowed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar, Union

from .errors import ConfigError

T = TypeVar("T")
PathPattern = Union[str, "re.Pattern[str]"]


class PathRouter(Generic[T]):
    """Finds the value (usually a policy) for a path in time independent of rule count."""

    __slots__ = ("_exact", "_max_depth", "_prefixes", "_regexes")

    def __init__(self, rules: Iterable[tuple[PathPattern, T]]) -> None:
        exact: dict[str, T] = {}
        prefixes: dict[str, T] = {}
        regexes: list[tuple[re.Pattern[str], T]] = []
        for pattern, value in rules:
            if isinstance(pattern, re.Pattern):
                if not isinstance(pattern.pattern, str) or any(pattern is p for p, _ in regexes):
                    raise ConfigError("resources", pattern, "is a bytes pattern or listed twice")
                regexes.append((pattern, value))
                continue
            kind, key = _parse(pattern)
            table = exact if kind == "exact" else prefixes
            if key in table:
                raise ConfigError("resources", pattern, "is listed twice", "merge the two rules")
            table[key] = value
        for regex, _ in regexes:
            covering = _covering_prefix(regex, prefixes)
            if covering is not None:
                raise ConfigError(
                    "resources",
                    regex.pattern,
                    f"can never match: every path it matches is taken first by {covering + '/*'!r}",
                    "narrow the prefix rule or turn the regex into a prefix or exact rule",
                )
        self._exact = exact
        self._prefixes = prefixes
        self._max_depth = max((key.count("/") for key in prefixes), default=0)
        self._regexes = tuple(regexes)

    def match(self, path: str) -> T | None:
        """The value of the rule for ``path``, or None when no rule matches."""
        value = self._exact.get(path)
        if value is not None:
            return value
        if self._prefixes:
            # Only as many segments as the deepest rule has: bounded work on any path.
            parts = path.split("/", self._max_depth + 1)
            prefixes = self._prefixes
            for depth in range(min(len(parts), self._max_depth + 1), 0, -1):
                value = prefixes.get("/".join(parts[:depth]))
                if value is not None:
                    return value
        for regex, value in self._regexes:
            if regex.fullmatch(path):
                return value
        return None


def _parse(pattern: object) -> tuple[str, str]:
    if not isinstance(pattern, str):
        raise ConfigError("resources", pattern, "is not a path string or a compiled regex")
    if pattern in ("*", "/*"):
        return "prefix", ""
    if not pattern.startswith("/"):
        raise ConfigError("resources", pattern, "does not start with '/'", f"write {'/' + pattern!r}")
    if pattern.endswith("/*"):
        base = pattern[:-2]
        if "*" not in base and not base.endswith("/"):
            return "prefix", base
    elif "*" not in pattern:
        return "exact", pattern
    raise ConfigError(
        "resources",
        pattern,
        "has a '*' other than a final '/*'",
        "use re.compile(...) for anything but exact paths and '/prefix/*'",
    )


def _covering_prefix(regex: re.Pattern[str], prefixes: Mapping[str, object]) -> str | None:
    """A prefix rule that takes every path ``regex`` can match, if there is one."""
    literal = _literal_start(regex)
    base = literal
    while True:
        slash = base.rfind("/")
        if slash < 0:
            return None
        base = base[:slash]
        if base in prefixes:
            return base


def _literal_start(regex: re.Pattern[str]) -> str:
    """Literal text that every match of ``regex`` starts with (conservative: may be shorter)."""
    pattern = regex.pattern
    if regex.flags & re.IGNORECASE or "|" in pattern:
        return ""
    start: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            char, step = pattern[i + 1], 2
        elif char in _REGEX_SPECIAL:
            break
        else:
            step = 1
        if pattern[i + step : i + step + 1] in ("*", "+", "?", "{"):
            break
        start.append(char)
        i += step
    return "".join(start)


_REGEX_SPECIAL = frozenset(".^$*+?{}[]|()\\")
