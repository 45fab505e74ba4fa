"""Per-path policies: which policy, if any, governs a request path.

Paths are matched as the server decoded them into PATH_INFO: never decoded
again, ``+`` left alone, case-sensitive. The order of precedence is fixed so
that a narrower rule wins, whatever order rules are listed in:

1. exact paths (``"/api/login"``);
2. prefix rules (``"/api/*"``: ``/api`` and everything below ``/api/``),
   the longest prefix first;
3. compiled regexes, full-matched, in the order given.

Every rule covers its path with and without a trailing slash, because
frameworks route both to one view (``strict_slashes=False``, Falcon).

One request, several spellings: frameworks route ``//api/x`` (leading slashes
stripped), ``/api//x`` (slashes merged) and ``/x/../api/x`` (dot segments
resolved) to the view of ``/api/x``. A path that is not canonical is looked
up in each of those readings, and a rule applies only if every reading selects
that same rule; otherwise none does (fail closed: no grant). A canonical path
costs one lookup; a non-canonical path longer than MAX_NONCANONICAL_PATH gets
no rule. A relative path, which no server sends, gets no rule either.

A regex and a prefix rule that both match a path leave it without a rule:
neither is applied, so a broad prefix never silently takes what a narrower
regex was written for. A regex that a prefix or exact rule would always take
is a ConfigError, as are a pattern listed twice, one with ``//`` or a dot
segment (no request is routed by it) and a regex written as a string: no rule
is shadowed or ignored silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Generic, TypeVar, Union

from .errors import ConfigError

T = TypeVar("T")

#: What ``_lookup`` finds where a prefix rule and a regex both claim a path: no one rule.
_CONFLICT: Any = object()

#: A path longer than this that is not canonical gets no rule (its readings would cost a
#: request's worth of work each); servers refuse far shorter request lines by default.
MAX_NONCANONICAL_PATH = 8192
PathPattern = Union[str, "re.Pattern[str]"]


class PathRouter(Generic[T]):
    """Finds the value (usually a policy) for a path in time independent of rule count."""

    __slots__ = ("_exact", "_max_depth", "_prefixes", "_regexes")

    def __init__(self, rules: Iterable[tuple[PathPattern, T]]) -> None:
        exact: dict[str, T] = {}
        written: dict[str, str] = {}
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
                earlier = written.get(key, pattern) if kind == "exact" else pattern
                problem = "is listed twice" if earlier == pattern else f"is the same path as {earlier!r}"
                raise ConfigError("resources", pattern, problem, "merge the two rules")
            table[key] = value
            if kind == "exact":
                written[key] = pattern
                exact[key + "/"] = value  # the trailing-slash spelling: one lookup for both
        self._exact = exact
        self._prefixes = prefixes
        self._max_depth = max((key.count("/") for key in prefixes), default=0)
        for regex, _ in regexes:
            taken_by = self._taken_by(regex)
            if taken_by is not None:
                raise ConfigError(
                    "resources",
                    regex.pattern,
                    f"can never match: every path it matches is taken first by {taken_by!r}",
                    "narrow that rule or turn the regex into a prefix or exact rule",
                )
        self._regexes = tuple(regexes)

    def match(self, path: str, ambiguous: T | None = None) -> T | None:
        """The rule for ``path``; None when no rule applies; ``ambiguous`` when not one rule does.

        Not one rule applies when two readings of a non-canonical path select
        different rules (a framework may route the request by either), or a
        prefix rule and a regex both match. A caller that falls back to other
        rules when this router has none passes a refusal as ``ambiguous``, so
        that a disagreement here never reaches a looser rule elsewhere.
        """
        value = self._lookup(path)
        if "//" not in path and "/." not in path:
            # The common case, a canonical path: every reading is the path itself.
            return ambiguous if value is _CONFLICT else value
        if len(path) > MAX_NONCANONICAL_PATH:
            # Bounded work: its readings are not computed, so no rule is known to apply.
            return None if value is None else ambiguous
        for reading in _readings(path):
            if self._lookup(reading) is not value:
                return ambiguous
        return ambiguous if value is _CONFLICT else value

    def _lookup(self, path: str) -> T | None:
        """The rule for one reading of a path; a trailing slash changes nothing."""
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
                    break
        if not self._regexes or not path.startswith("/"):
            # Only a regex could match a relative path, which no server sends (and Werkzeug
            # would read as absolute): it gets no rule.
            return value
        other = path[:-1] if path.endswith("/") else path + "/"
        for regex, regex_value in self._regexes:
            if regex.fullmatch(path) or regex.fullmatch(other):
                # A prefix rule and a regex both claim the path: apply neither.
                return regex_value if value is None or value is regex_value else _CONFLICT
        return value

    def _taken_by(self, regex: re.Pattern[str]) -> str | None:
        """The rule that takes every path ``regex`` matches, if one provably does."""
        literal, whole = _literal_start(regex)
        base = literal
        if whole:  # the regex matches this one path (and, as every rule, its trailing-slash spelling)
            if literal.rstrip("/") in self._exact:
                return literal.rstrip("/")
            base = literal.rstrip("/") + "/"
        while True:
            slash = base.rfind("/")
            if slash < 0:
                return None
            base = base[:slash]
            if base in self._prefixes:
                return base + "/*"


def _readings(path: str) -> set[str]:
    """The paths common frameworks may route an absolute ``path`` as (each linear in its length).

    Leading slashes stripped (Werkzeug, Falcon), slashes merged (Werkzeug,
    nginx), dot segments resolved as RFC 3986 does (keeping empty segments),
    and the compositions of those (merged and resolved is Pyramid traversal's
    reading): the set is closed, so a proxy's reading followed by the
    framework's is in it too. Trailing slashes are the lookup's business.
    """
    stripped = "/" + path.lstrip("/")
    merged = _SLASHES.sub("/", path)
    resolved = _resolve_dots(path)
    readings = {
        stripped,
        merged,
        resolved,
        _resolve_dots(stripped),
        _resolve_dots(merged),
        "/" + resolved.lstrip("/"),
        _SLASHES.sub("/", resolved),
    }
    readings.discard(path)  # a dot that is no dot segment (/.well-known) changes nothing
    return readings


def _resolve_dots(path: str) -> str:
    """``.`` and ``..`` segments removed as RFC 3986 section 5.2.4 does; never above the root."""
    head, *rest = path.split("/")
    kept: list[str] = []
    for part in rest:
        if part == "..":
            if kept:
                kept.pop()
        elif part != ".":
            kept.append(part)
    if rest and rest[-1] in (".", ".."):
        kept.append("")
    return "/".join([head, *kept])


def _parse(pattern: object) -> tuple[str, str]:
    """``("exact" | "prefix", key)``: exact keys without a trailing slash, prefix keys without ``/*``."""
    if not isinstance(pattern, str):
        raise ConfigError("resources", pattern, "is not a path string or a compiled regex")
    if pattern in ("*", "/*"):
        return "prefix", ""
    if _looks_like_regex(pattern):
        raise ConfigError(
            "resources",
            pattern,
            "looks like a regular expression, but a string is an exact path or a '/prefix/*' rule",
            f"pass {_compiled_spelling(pattern)}: a compiled regex is full-matched against the path",
        )
    if not pattern.startswith("/"):
        raise ConfigError("resources", pattern, "does not start with '/'", f"write {'/' + pattern!r}")
    if pattern.endswith("/*"):
        kind, path = "prefix", pattern[:-2]
        if "*" in path or path.endswith("/"):
            kind = ""
    else:
        kind, path = ("" if "*" in pattern else "exact"), pattern.rstrip("/")
    if not kind:
        raise ConfigError(
            "resources",
            pattern,
            "has a '*' other than a final '/*'",
            "use re.compile(...) for anything but exact paths and '/prefix/*'",
        )
    canonical = _SLASHES.sub("/", _resolve_dots(path))
    if canonical != path:
        fixed = canonical.rstrip("/") + "/*" if kind == "prefix" else canonical or "/"
        raise ConfigError(
            "resources",
            pattern,
            "has '//' or a '.' or '..' segment, so it is not the path any request is routed by",
            f"write {fixed!r}",
        )
    return kind, path


def _looks_like_regex(pattern: str) -> bool:
    """Regex syntax that is no plausible literal path (``+`` and parentheses are, so they pass)."""
    if not pattern.startswith("/"):
        return bool(_REGEX_HINTS.intersection(pattern.removesuffix("/*")))
    return pattern.endswith("$") or _UNMISTAKABLE_REGEX.search(pattern) is not None


def _compiled_spelling(pattern: str) -> str:
    """The ``re.compile(...)`` to write for a regex given as a string (Django's CORS_URLS_REGEX)."""
    body = pattern[1:] if pattern.startswith("^") else pattern
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    elif pattern.startswith("^") and not body.endswith(".*"):
        # Django's re.match anchors only the start: keep matching what follows.
        body = f"(?:{body}).*" if "|" in body else body + ".*"
    if not body.startswith(("/", "(", "[", ".")):
        body = "/" + body
    if '"' in body or body.endswith("\\"):
        return f"re.compile({body!r})"
    return f're.compile(r"{body}")'


_SLASHES = re.compile("//+")
_REGEX_HINTS = frozenset("^$*+?()[]{}|\\")
_UNMISTAKABLE_REGEX = re.compile(r"\.[*+]|\\|\[[^\]]*-[^\]]*\]|\(\?|\||\{[0-9,]+\}")
_REGEX_SPECIAL = frozenset(".^$*+?{}[]|()\\")


def _literal_start(regex: re.Pattern[str]) -> tuple[str, bool]:
    """Literal text every match of ``regex`` starts with (conservative: may be shorter), and
    whether that literal is the whole pattern."""
    pattern = regex.pattern
    if regex.flags & (re.IGNORECASE | re.VERBOSE) or "|" in pattern:
        return "", False
    start: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            char, step = pattern[i + 1], 2
        elif char in _REGEX_SPECIAL:
            return "".join(start), False
        else:
            step = 1
        if pattern[i + step : i + step + 1] in ("*", "+", "?", "{"):
            return "".join(start), False
        start.append(char)
        i += step
    return "".join(start), True
