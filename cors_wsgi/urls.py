"""http and https URLs parsed as browsers parse them: the WHATWG URL standard, for what ``check`` needs.

``urllib.parse`` reads URLs as RFC 3986 does, which is not what a browser
connects to: ``https://api.example.com\\@evil.example/`` is evil.example to a
browser (a backslash is a path separator in special schemes) and
``http://127.1/`` is 127.0.0.1. This is the standard's basic URL parser for
the special schemes http and https only, with a base URL for relative
references (a redirect's Location), and these limits, each refused with
``URLError``:

- other schemes (a browser's fetch() to them is not CORS);
- non-ASCII host names are mapped with the standard library's IDNA 2003
  codec, which matches UTS #46 except for the four "deviation" characters
  (ß, ς, ZWJ, ZWNJ): those are refused, with the advice to give the ``xn--``
  form. Code points unassigned in Python's Unicode database are refused as
  browsers refuse them (the codec would encode them); one assigned in a
  newer Unicode than Python's is refused too, with the same advice.

Section names in docstrings are those of https://url.spec.whatwg.org/.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from encodings import idna
from typing import NamedTuple

SPECIAL_PORTS = {"http": 80, "https": 443}

_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = {ord("\t"): None, ord("\n"): None, ord("\r"): None}
_FORBIDDEN_HOST = frozenset("\0\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | frozenset(chr(c) for c in range(0x20)) | {"%", "\x7f"}
_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")
_DOTS = re.compile("[.\u3002\uff0e\uff61]")
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = "0123456789abcdef"
_OVER_32_BITS = 1 << 32

#: Percent-encode sets (section "Percent-encoded bytes"): each is C0 controls, bytes over 0x7E, and these.
_QUERY_SET = frozenset(' "#<>')
_SPECIAL_QUERY_SET = _QUERY_SET | {"'"}
_PATH_SET = _QUERY_SET | frozenset("?^`{}")


class URLError(ValueError):
    """A URL a browser would not fetch, or one outside the subset parsed here; the message says which."""


class URL(NamedTuple):
    scheme: str
    host: str
    """Serialized: a lower-case ASCII domain, dotted IPv4, or bracketed IPv6."""
    port: int | None
    """None for the scheme's default port."""
    path: str
    """Serialized, percent-encoded, starting with ``/``."""
    query: str | None
    has_credentials: bool
    """A username or password was given (Fetch refuses those on a CORS redirect)."""

    @property
    def origin(self) -> str:
        """The serialized origin: ``scheme://host[:port]``."""
        return f"{self.scheme}://{self.host}" + ("" if self.port is None else f":{self.port}")

    @property
    def connect_port(self) -> int:
        return SPECIAL_PORTS[self.scheme] if self.port is None else self.port

    @property
    def connect_host(self) -> str:
        """The host to open a socket to: an IPv6 address loses its brackets."""
        return self.host[1:-1] if self.host.startswith("[") else self.host

    @property
    def authority(self) -> str:
        """What the Host header carries."""
        return self.host + ("" if self.port is None else f":{self.port}")

    @property
    def target(self) -> str:
        """The request-target: path and query."""
        return self.path + ("" if self.query is None else "?" + self.query)

    def __str__(self) -> str:
        return self.origin + self.target


def _percent_encode(text: str, encode_set: frozenset[str]) -> str:
    """UTF-8 percent-encode every code point in ``encode_set``, C0 controls and non-ASCII."""
    out = []
    for char in text:
        if char in encode_set or ord(char) < 0x20 or ord(char) > 0x7E:
            out.append("".join(f"%{byte:02X}" for byte in char.encode()))
        else:
            out.append(char)
    return "".join(out)


def _percent_decode(text: str) -> bytes:
    data = text.encode()
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x25 and i + 2 < len(data) and chr(data[i + 1]) in _HEX and chr(data[i + 2]) in _HEX:
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _ipv4_number(part: str) -> int | None:
    """Section "IPv4 number parser": 0x hex, leading-0 octal, else decimal; None on failure.

    ``part`` is lower case. Leading zeros do not count, however many; a number
    of more than 11 significant digits is over 2**32 in every radix, out of
    range for any part of an address, and is returned as 2**32 rather than
    asking ``int`` to read it.
    """
    radix = 10
    if part.startswith("0x"):
        part, radix = part[2:], 16
    elif part.startswith("0"):
        part, radix = part[1:], 8
    digits = _DIGITS[:radix]
    if any(char not in digits for char in part):
        return None
    significant = part.lstrip("0")
    if len(significant) > 11:
        return _OVER_32_BITS
    return int(significant or "0", radix)


def _ends_in_a_number(host: str) -> bool:
    """Section "ends in a number checker"."""
    last = host.removesuffix(".").rpartition(".")[2]
    if last.isdigit():  # the host is ASCII here
        return True
    return bool(last) and _ipv4_number(last) is not None


def _ipv4(host: str) -> str:
    """Section "IPv4 parser": ``127.1``, ``0x7f.1``, ``017700000001`` are all 127.0.0.1."""
    parts = host.removesuffix(".").split(".")
    if len(parts) > 4:
        raise URLError(f"{host!r} ends in a number but is not an IPv4 address (more than four parts)")
    numbers = []
    for part in parts:
        number = _ipv4_number(part) if part else None
        if number is None:
            raise URLError(f"{host!r} ends in a number but {part!r} is not an IPv4 number")
        numbers.append(number)
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise URLError(f"{host!r} is an IPv4 address out of range")
    address = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        address += number * 256 ** (3 - index)
    return str(ipaddress.IPv4Address(address))


def _ipv6(text: str) -> str:
    """Section "IPv6 parser" and "IPv6 serializer": compressed, lower-case, no embedded IPv4 form."""
    if "%" in text or not text:
        raise URLError(f"[{text}] is not an IPv6 address (zone identifiers are not allowed)")
    try:
        value = int(ipaddress.IPv6Address(text))
    except ValueError:
        raise URLError(f"[{text}] is not an IPv6 address") from None
    pieces = [(value >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_start, best_length, start = -1, 1, None
    for i, piece in enumerate([*pieces, 1]):
        if piece == 0 and start is None:
            start = i
        elif piece != 0 and start is not None:
            if i - start > best_length:
                best_start, best_length = start, i - start
            start = None
    if best_start < 0:
        return "[" + ":".join(f"{p:x}" for p in pieces) + "]"
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_length :])
    return f"[{head}::{tail}]"


def _check_punycode(label: str) -> None:
    try:
        decoded = label[4:].encode().decode("punycode")
        if decoded and not decoded.isascii() and idna.ToASCII(decoded).decode() == label:
            return
    except UnicodeError:
        pass
    raise URLError(f"{label!r} is not valid punycode")


def _label_to_ascii(label: str, full: bool) -> str:
    """One label: ASCII lower-cased, other labels mapped by IDNA; ``xn--`` results checked when ``full``."""
    if label.isascii():
        result = label.lower()
    elif unassigned := sorted(char for char in set(label) if unicodedata.category(char) == "Cn"):
        raise URLError(
            f"{label!a} contains {', '.join(map(ascii, unassigned))}, unassigned in Unicode "
            f"{unicodedata.unidata_version}: browsers refuse it; if it is assigned in a newer Unicode, give "
            "the host in its xn-- (punycode) form"
        )
    elif _DEVIATIONS & set(label):
        raise URLError(
            f"{label!a} contains {', '.join(map(ascii, sorted(_DEVIATIONS & set(label))))}, which "
            "browsers and Python's IDNA codec map differently; give the host in its xn-- (punycode) form"
        )
    else:
        try:
            result = idna.ToASCII(label).decode("ascii").lower()
        except UnicodeError as error:
            raise URLError(
                f"{label!a} cannot be converted to ASCII here ({error}); give the host in its xn-- "
                "(punycode) form"
            ) from None
    if full and result.startswith("xn--"):
        _check_punycode(result)
    return result


def _domain_to_ascii(domain: str) -> str:
    """Section "domain to ASCII" (UTS #46, non-transitional), label by label, within the subset above.

    An all-ASCII domain is only lower-cased, its ``xn--`` labels not decoded
    (as ada-url, a conformant parser, does); in any other, ``xn--`` labels
    must be valid punycode.
    """
    full = not domain.isascii()
    return ".".join(_label_to_ascii(label, full) for label in _DOTS.split(domain))


def parse_host(text: str) -> str:
    """Section "host parser", for a special scheme: IPv6, then domain to ASCII, then IPv4."""
    if not text:
        raise URLError("an http(s) URL needs a host")
    if text.startswith("["):
        if not text.endswith("]"):
            raise URLError(f"{text!r}: an IPv6 address must end with ']'")
        return _ipv6(text[1:-1])
    try:
        domain = _percent_decode(text).decode("utf-8")
    except UnicodeDecodeError:
        raise URLError(f"{text!r}: the percent-decoded host is not UTF-8") from None
    ascii_domain = _domain_to_ascii(domain)
    bad = sorted(set(ascii_domain) & _FORBIDDEN_DOMAIN)
    if bad:  # (a label is never mapped to nothing: the IDNA codec refuses that)
        raise URLError(f"the host {text!r} contains {''.join(bad)!r}, which a browser refuses")
    if _ends_in_a_number(ascii_domain):
        return _ipv4(ascii_domain)
    return ascii_domain


def _is_single_dot(segment: str) -> bool:
    return segment.lower() in (".", "%2e")


def _is_double_dot(segment: str) -> bool:
    return segment.lower() in ("..", ".%2e", "%2e.", "%2e%2e")


def _resolve_path(segments: list[str], base: list[str]) -> list[str]:
    """Section "path state": dot segments removed, the rest percent-encoded."""
    path = list(base)
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if _is_double_dot(segment):
            if path:
                path.pop()
            if last:
                path.append("")
        elif _is_single_dot(segment):
            if last:
                path.append("")
        else:
            path.append(_percent_encode(segment, _PATH_SET))
    return path


def _split_path(text: str) -> list[str]:
    """Segments of a path without its leading separator; ``\\`` separates as ``/`` does."""
    return text.replace("\\", "/").split("/")


def _split_rest(text: str) -> tuple[str, str | None]:
    """The path part and the query (None when there is no ``?``); the fragment is dropped."""
    path, question, query = text.partition("#")[0].partition("?")
    return path, (_percent_encode(query, _SPECIAL_QUERY_SET) if question else None)


def _scheme(text: str) -> tuple[str, str] | None:
    """Section "scheme state": the lower-cased scheme and the rest, or None for a relative reference."""
    scheme, colon, rest = text.partition(":")
    if not (colon and scheme[:1].isalpha()):
        return None
    if not all(char.isascii() and (char.isalnum() or char in "+-.") for char in scheme):
        return None
    return scheme.lower(), rest


def _authority(scheme: str, rest: str) -> URL:
    """Sections "authority state" to "path state", after the slashes of a special URL."""
    end = len(rest)
    for stop in "/\\?#":
        found = rest.find(stop)
        if found >= 0:
            end = min(end, found)
    authority, rest = rest[:end], rest[end:]
    userinfo, at, hostport = authority.rpartition("@")
    if at and not hostport:
        raise URLError("a URL with credentials must have a host after the '@'")
    host_text, port_text = hostport, ""
    bracket = hostport.find("]") if hostport.startswith("[") else -1
    colon = hostport.find(":", bracket + 1)
    if colon >= 0:
        host_text, port_text = hostport[:colon], hostport[colon + 1 :]
    host = parse_host(host_text)
    port = _port(port_text, scheme)
    path_text, query = _split_rest(rest)
    path = _resolve_path(_split_path(path_text[1:]), [])
    # The username is what comes before the first ':', the password the rest: both are empty only here.
    has_credentials = userinfo not in ("", ":")
    return URL(scheme, host, port, "/" + "/".join(path), query, has_credentials)


def _port(text: str, scheme: str) -> int | None:
    """Section "port state": ASCII digits at most 65535; the scheme's default becomes None."""
    if not text:
        return None
    if not all("0" <= char <= "9" for char in text):
        raise URLError(f"the port {text!r} is not a number")
    digits = text.lstrip("0") or "0"
    if len(digits) > 5 or int(digits) > 65535:
        raise URLError(f"the port {text!r} is over 65535")
    port = int(digits)
    return None if port == SPECIAL_PORTS[scheme] else port


def _relative(text: str, base: URL) -> URL:
    """Sections "relative state" and "relative slash state": ``text`` against ``base``."""
    if text[:1] in ("/", "\\"):
        if text[1:2] in ("/", "\\"):
            return _authority(base.scheme, text.lstrip("/\\"))
        path_text, query = _split_rest(text)
        return base._replace(path="/" + "/".join(_resolve_path(_split_path(path_text[1:]), [])), query=query)
    if text.startswith("?"):
        return base._replace(query=_split_rest(text)[1])
    if text.startswith("#") or text == "":
        return base
    path_text, query = _split_rest(text)
    directory = base.path[1:].split("/")[:-1]
    return base._replace(path="/" + "/".join(_resolve_path(_split_path(path_text), directory)), query=query)


def parse(text: str, base: URL | None = None) -> URL:
    """Section "basic URL parser", for http and https, optionally against ``base``.

    The parser reads Unicode scalar values, as a browser's USVString does: a
    lone surrogate (a command-line byte that is not UTF-8 arrives as one)
    becomes U+FFFD.
    """
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = text.strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)
    found = _scheme(text)
    if found is None:
        if base is None:
            raise URLError("give an absolute http:// or https:// URL")
        return _relative(text, base)
    scheme, rest = found
    if scheme not in SPECIAL_PORTS:
        raise URLError(f"the scheme {scheme!r} is not http or https")
    if base is not None and base.scheme == scheme:
        # "special relative or authority state": _relative starts the authority after two slashes.
        return _relative(rest, base)
    return _authority(scheme, rest.lstrip("/\\"))
