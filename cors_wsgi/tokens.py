"""HTTP token grammar and the bounded parsing of comma-separated header lists.

Everything here may see hostile request data, so it runs in linear time over
input whose length was capped first, and never uses a backtracking regex.
"""

from __future__ import annotations

import string
from collections.abc import Collection

#: RFC 9110 ``tchar``: the characters a method or header name may contain.
TCHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)
_DELETE_TCHARS = dict.fromkeys(map(ord, TCHARS))

#: Longest Access-Control-Request-Headers value we parse. Browsers send a few
#: hundred bytes; anything longer is refused before it is split.
MAX_HEADER_LIST_LENGTH = 4096

#: Most elements (names, or empty ones between commas) we look at in that list.
#: A browser lists each non-safelisted header once; a few dozen is already a lot.
MAX_HEADER_LIST_ELEMENTS = 128

#: Longest Access-Control-Request-Method value we look at.
MAX_METHOD_LENGTH = 64


def is_token(value: str) -> bool:
    """True for a non-empty RFC 9110 token (a method or a header name)."""
    return bool(value) and not value.translate(_DELETE_TCHARS)


def has_control_characters(value: str) -> bool:
    """True if writing ``value`` into a header could split or corrupt it."""
    return "\r" in value or "\n" in value or "\0" in value


def parse_header_list(value: str, known: Collection[str] = ()) -> list[str] | None:
    """Lower-cased, de-duplicated names of a header-name list, in order.

    Tolerates optional white space and empty elements (as intermediaries
    produce), and returns None when the value is too long, has too many
    elements, or an element is not a token: one bad element makes the whole
    list invalid, as in browsers.
    Names in ``known`` are valid tokens already and skip the check.
    """
    if len(value) > MAX_HEADER_LIST_LENGTH:
        return None
    elements = value.lower().split(",", MAX_HEADER_LIST_ELEMENTS)
    if len(elements) > MAX_HEADER_LIST_ELEMENTS:
        return None
    names: dict[str, None] = {}
    for element in elements:
        name = element.strip(" \t")
        if name in known:
            names[name] = None
        elif not name:
            continue
        elif not is_token(name):
            return None
        else:
            names[name] = None
    return list(names)
