"""Origins: the serialized-origin grammar, configured origin entries and matching.

A request's Origin is matched only if it is byte-for-byte a canonical
serialized origin (``scheme://host[:port]``, lower case, no default port).
Anything else is refused before any pattern, regex or callable sees it, so a
lookalike can never slip through a loose pattern and nothing unvalidated is
ever reflected.
"""

from __future__ import annotations

import inspect
import ipaddress
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Union

from . import reasons
from .errors import ConfigError
from .logs import loggable, logger
from .suffixes import is_public_suffix, what_was_checked

#: Longest Origin header we look at; a real one is well under 300 bytes.
MAX_ORIGIN_LENGTH = 1024

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


OriginCheck = Callable[[str], bool]
OriginEntry = Union[str, OriginCheck]
RegexEntry = Union[str, "re.Pattern[str]"]


# Scheme, a host of label characters and dots that neither starts nor ends with
# a dot (or a bracketed IPv6 address), and port digits. Every quantifier is
# possessive (``*+``, ``++``, ``{m,n}+``), so the engine never backtracks over
# request data. The labels' rules (none empty, none over 63 characters) are
# string checks after the match: a repeated group per label made the match
# itself about a quarter dearer (callgrind, 3,742 against 2,950 instructions).
_ORIGIN_SHAPE = re.compile(
    r"([a-z][a-z0-9+.\-]*+)://"
    r"((?!\.)[a-z0-9_\-.]++(?<!\.)|\[[0-9a-f:]++\])"
    r"(?::([1-9][0-9]{0,4}+))?+"
)


def split_origin(origin: str) -> tuple[str, str, str] | None:
    """``(scheme, host, port)`` of a canonical serialized origin, else None.

    The port is ``""`` when absent. Linear time: one possessive regex for
    the shape, then a few string checks for what a regex says badly.
    """
    if len(origin) > MAX_ORIGIN_LENGTH:
        return None
    shape = _ORIGIN_SHAPE.fullmatch(origin)
    if shape is None:
        return None
    scheme, host, port = shape.groups("")
    if ".." in host or (len(host) > 63 and (len(host) > 253 or max(map(len, host.split("."))) > 63)):
        return None
    if (host[-1] in "0123456789]" or "0x" in host) and not _is_canonical_address(host):
        return None
    if port and (int(port) > 65535 or DEFAULT_PORTS.get(scheme) == port):
        return None
    return scheme, host, port


def _is_canonical_address(host: str) -> bool:
    """For hosts that may be IP addresses: only the forms browsers serialize pass.

    A host whose last label is a number (decimal, or ``0x`` hex) is read by the
    URL parser as IPv4 and rewritten as a dotted quad, so only that form can
    arrive from a browser; IPv6 arrives compressed and lower case.
    """
    if host[0] == "[":
        try:
            return ipaddress.IPv6Address(host[1:-1]).compressed == host[1:-1]
        except ValueError:
            return False
    labels = host.split(".")
    if not (labels[-1].isdigit() or labels[-1].startswith("0x")):
        return True
    return len(labels) == 4 and all(
        label.isdigit() and int(label) <= 255 and str(int(label)) == label for label in labels
    )


def _suggest_canonical(value: str) -> str:
    """Best guess at the canonical origin meant by a malformed entry, or ``""``."""
    candidate = value.strip()
    if "://" not in candidate:
        candidate = "https://" + candidate
    try:
        parts = urllib.parse.urlsplit(candidate)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (ValueError, UnicodeError):
        return ""
    scheme = parts.scheme.lower()
    if port is not None and DEFAULT_PORTS.get(scheme) != str(port):
        host += f":{port}"
    suggestion = f"{scheme}://{host}"
    return suggestion if split_origin(suggestion) else ""


def _several_origins(value: str) -> list[str]:
    """The origins of ``"https://a.com, https://b.com"`` (canonical where we can tell), else one item."""
    parts = [part for part in re.split(r"[\s,]+", value) if part]
    if "," not in value and sum("://" in part for part in parts) < 2:
        return [value]
    return [_suggest_canonical(part) or part for part in parts]


_CALLABLE_FIX = (
    "pass a function taking the origin and returning True or False: def allowed(origin: str) -> bool"
)


def _checked_callable(entry: OriginCheck) -> OriginCheck:
    """Refuse a callable that cannot be an origin check (``str``, ``lambda: True``, two arguments).

    A class called with an origin builds an object, which is always true, so
    ``allow_origins=[str]`` would grant every origin, credentials included.
    """
    if isinstance(entry, type):
        problem = "is a class: calling it with an origin builds an object, which is always true"
        raise ConfigError("allow_origins", entry, problem, _CALLABLE_FIX)
    try:
        signature = inspect.signature(entry)
    except (TypeError, ValueError):
        raise ConfigError(
            "allow_origins",
            entry,
            "is a callable whose parameters cannot be inspected",
            "wrap it in a function of the origin: lambda origin: bool(check(origin))",
        ) from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    required = [p for p in signature.parameters.values() if p.default is p.empty and p.kind not in variadic]
    if len(required) != 1 or required[0].kind not in positional:
        bare = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
        shown = signature.replace(parameters=bare, return_annotation=signature.empty)
        raise ConfigError(
            "allow_origins",
            entry,
            f"must take exactly one required positional parameter, the origin; it takes {shown}",
            _CALLABLE_FIX,
        )
    return entry


def _origin_error(option: str, value: str) -> ConfigError:
    suggestion = _suggest_canonical(value)
    fix = f"write it as {suggestion!r}" if suggestion else "write it as scheme://host[:port]"
    if value != value.strip() or any(c in value for c in " \t\r\n\0"):
        problem = "contains white space or control characters"
    elif "://" not in value:
        problem = "has no scheme"
    elif "/" in value.split("://", 1)[1]:
        problem = "has a path or trailing slash; an origin never does"
    elif "@" in value or "?" in value or "#" in value:
        problem = "has userinfo, a query or a fragment; an origin never does"
    elif value != value.lower():
        problem = "is not lower case; browsers send origins in lower case"
    elif not value.isascii():
        problem = "is not ASCII; browsers send international names in punycode"
    else:
        problem = "is not a serialized origin as browsers send it (default port? invalid host?)"
    return ConfigError(option, value, problem, fix + ", or it will never match")


class OriginMatcher:
    """Answers "is this origin allowed?" from structures built once.

    Exact origins are a set; subdomain patterns a set of (scheme, parent
    domain, port) looked up once per label of the request's host, so their
    number does not change the cost; any-port patterns a set of (scheme, host);
    regexes are compiled and always full-matched; callables are called last.
    """

    __slots__ = ("allow_any", "any_port", "callables", "exact", "matches_unlisted", "regexes", "subdomains")

    def __init__(self, origins: Iterable[OriginEntry], regexes: Iterable[RegexEntry]) -> None:
        self.allow_any = False
        exact: set[str] = set()
        subdomains: set[tuple[str, str, str]] = set()
        any_port: set[tuple[str, str]] = set()
        callables: list[OriginCheck] = []
        for entry in origins:
            if callable(entry):
                callables.append(_checked_callable(entry))
            elif not isinstance(entry, str):
                raise ConfigError(
                    "allow_origins", entry, "is neither a string nor a callable", "list origin strings"
                )
            elif entry == "*":
                self.allow_any = True
            elif entry == "null":
                logger.warning(
                    "allow_origins lists 'null': sandboxed iframes and data: or file: pages of any site "
                    "send it, so it grants them all"
                )
                exact.add(entry)
            elif (several := _several_origins(entry)) != [entry]:
                raise ConfigError(
                    "allow_origins",
                    entry,
                    "holds several origins in one string",
                    f"pass a list, one origin per item: allow_origins={several!r}",
                )
            elif "*" in entry:
                self._add_pattern(entry, subdomains, any_port)
            elif split_origin(entry) is None:
                raise _origin_error("allow_origins", entry)
            else:
                exact.add(entry)
        self.exact = frozenset(exact)
        self.subdomains = frozenset(subdomains)
        self.any_port = frozenset(any_port)
        self.regexes = tuple(_compile(regex) for regex in regexes)
        self.callables = tuple(callables)
        # Whether anything but the exact set can grant an origin.
        self.matches_unlisted = bool(subdomains or any_port or self.regexes or callables)

    @staticmethod
    def _add_pattern(
        entry: str, subdomains: set[tuple[str, str, str]], any_port: set[tuple[str, str]]
    ) -> None:
        """Accept ``scheme://*.domain[:port]`` and ``scheme://host:*`` (or both)."""
        scheme, _, rest = entry.partition("://")
        wildcard_host = rest.startswith("*.")
        rest = rest[2:] if wildcard_host else rest
        wildcard_port = rest.endswith(":*")
        rest = rest[:-2] if wildcard_port else rest
        # With the wildcards taken out, what is left must be a canonical origin:
        # that also refuses a missing scheme, any other "*" (the entry has one)
        # and an IP address as parent (``x.`` + an address is no valid host).
        parsed = split_origin(f"{scheme}://{'x.' if wildcard_host else ''}{rest}")
        if parsed is None or (wildcard_port and parsed[2]):
            raise ConfigError(
                "allow_origins",
                entry,
                "is not a supported pattern",
                "use 'https://*.example.com' (subdomains), 'http://localhost:*' (any port) "
                "or allow_origin_regex",
            )
        if wildcard_host:
            _check_parent(entry, parsed[1][2:])
            subdomains.add((scheme, parsed[1][2:], "*" if wildcard_port else parsed[2]))
        else:
            any_port.add((scheme, parsed[1]))

    def check(self, origin: str) -> str:
        """The reason code for ``origin``: ``reasons.ALLOWED`` or why not."""
        if self.allow_any:
            return reasons.ALLOWED
        if len(origin) > MAX_ORIGIN_LENGTH:  # before hashing it for the lookup
            return reasons.ORIGIN_MALFORMED
        if origin in self.exact:
            return reasons.ALLOWED
        return self.check_unlisted(origin)

    def check_unlisted(self, origin: str) -> str:
        """``check`` for an origin already known not to be listed exactly (``allow_any`` off).

        The decision calls it after its own lookup of the exact grants, so that
        a flood of new origins is not looked up twice.
        """
        parts = split_origin(origin)
        if parts is None:
            return reasons.ORIGIN_MALFORMED
        if not self.matches_unlisted:
            return reasons.ORIGIN_NOT_ALLOWED
        scheme, host, port = parts
        if (scheme, host) in self.any_port:
            return reasons.ALLOWED
        if self.subdomains:
            subdomains = self.subdomains
            dot = host.find(".")
            while dot != -1:
                parent = host[dot + 1 :]
                if (scheme, parent, port) in subdomains or (scheme, parent, "*") in subdomains:
                    return reasons.ALLOWED
                dot = host.find(".", dot + 1)
        for regex in self.regexes:
            if regex.fullmatch(origin):
                return reasons.ALLOWED
        for check in self.callables:
            try:
                if check(origin):
                    return reasons.ALLOWED
            except Exception:
                logger.exception("origin check %r failed for origin %s", check, loggable(origin))
                return reasons.ORIGIN_CHECK_FAILED
        return reasons.ORIGIN_NOT_ALLOWED

    @property
    def is_empty(self) -> bool:
        return not (self.allow_any or self.exact or self.matches_unlisted)

    def insecure_entries(self) -> list[str]:
        """Plain-http entries other than loopback: anyone on the network path can be them."""
        loopback = ("localhost", "127.0.0.1", "[::1]")
        hosts = [(o, split_origin(o)) for o in self.exact]
        found = [o for o, parts in hosts if parts and parts[0] == "http" and parts[1] not in loopback]
        found += [
            f"http://*.{host}"
            for scheme, host, _ in self.subdomains
            if scheme == "http" and host not in LOOPBACK_PARENTS
        ]
        found += [f"http://{h}:*" for scheme, h in self.any_port if scheme == "http" and h not in loopback]
        return sorted(found)


#: Parents whose subdomains are all on the user's own machine: browsers resolve
#: ``*.localhost`` to loopback (RFC 6761), so ``http://*.localhost`` is a safe dev pattern.
LOOPBACK_PARENTS = frozenset({"localhost"})


def _check_parent(entry: str, parent: str) -> None:
    """Refuse a subdomain pattern whose parent anyone can register names under.

    Always, not only with credentials: such a pattern is as open as ``*`` and
    never what was meant; ``*`` says "every site" plainly.
    """
    if parent in LOOPBACK_PARENTS:
        return
    if "." not in parent:
        problem = f"grants every site under the top-level domain {parent!r}"
    elif is_public_suffix(parent):
        problem = f"grants every site registered under {parent!r}, a public suffix ({what_was_checked()})"
    else:
        return
    raise ConfigError(
        "allow_origins",
        entry,
        problem,
        f"name a domain you own, such as {entry.replace('*.', '*.your-domain.', 1)!r}, or list the origins; "
        "for every site without credentials, write '*'",
    )


#: Origins no one controls, or that anyone can register: a regex matching one
#: of them matches far more than its author meant.
REGEX_PROBES = (
    "https://cors-wsgi-probe.invalid",
    "http://cors-wsgi-probe.invalid",
    "http://x.example",
    "https://a.b.c.test:8443",
    "https://corswsgiprobe.com",
    "https://corswsgiprobe.co.uk",
    "https://corswsgiprobe.github.io",
)

_REGEX_FIX = (
    r"anchor it to your own domain with escaped dots, such as r'https://[a-z0-9-]+\.example\.com'; "
    "for every site without credentials, write allow_origins='*'"
)


def _compile(regex: RegexEntry) -> re.Pattern[str]:
    """Compile and vet one origin regex: it must match origins, and only ones someone owns."""
    if isinstance(regex, re.Pattern):
        if not isinstance(regex.pattern, str):
            raise ConfigError("allow_origin_regex", regex, "is a bytes pattern", "use a str pattern")
        compiled: re.Pattern[str] = regex
    elif not isinstance(regex, str):
        raise ConfigError("allow_origin_regex", regex, "is not a string or compiled pattern")
    else:
        try:
            compiled = re.compile(regex)
        except re.error as error:
            raise ConfigError("allow_origin_regex", regex, f"does not compile ({error})") from None
    for probe in REGEX_PROBES:
        if compiled.fullmatch(probe):
            raise ConfigError(
                "allow_origin_regex",
                compiled.pattern,
                f"matches {probe!r}, so it grants sites nobody controls or anyone can register",
                _REGEX_FIX,
            )
    source = compiled.pattern
    if not any(separator in source for separator in ("://", r":\/\/", ":/{2}")):
        raise ConfigError(
            "allow_origin_regex",
            source,
            "cannot match any origin: it has no '://', and it must match the whole scheme://host[:port]",
            f"include the scheme, such as {'https://' + source.removeprefix('^').removesuffix('$')!r}",
        )
    _warn_unescaped_dots(source)
    return compiled


def _warn_unescaped_dots(source: str) -> None:
    """Warn about ``app.example.com`` in a regex: each ``.`` there matches any character."""
    escaped = _escape_label_dots(source)
    if escaped != source:
        logger.warning(
            "allow_origin_regex %r has an unescaped '.' between host labels, which matches any "
            "character (so a lookalike such as 'exampleXcom' passes); write %r",
            source,
            escaped,
        )


def _escape_label_dots(source: str) -> str:
    """``source`` with each unescaped ``.`` before a host label (outside ``[...]``) escaped."""
    out: list[str] = []
    in_class = escaped = False
    for index, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "." and _starts_label(source[index - 1 : index], source[index + 1 : index + 2]):
            out.append("\\")
        out.append(char)
    return "".join(out)


def _starts_label(before: str, after: str) -> bool:
    """Whether a ``.`` between these characters reads as a dot between host labels.

    Followed by a letter or digit (``example.com``), or by a group or class
    right after a label (``[a-z]+.(com|org)``); ``.*`` and ``.+`` are left alone.
    """
    return after.isalnum() or (after in ("(", "[") and (before.isalnum() or before in ("]", ")", "+")))
