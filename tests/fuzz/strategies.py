"""Hypothesis strategies for what arrives in Origin and Access-Control-Request-Headers.

Pure random text almost never lands near an allowed origin, so origins are
drawn from three sources: well-formed origins, small mutations of the allowed
ones (the lookalikes that broke other libraries), and arbitrary latin-1 text.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from tests.fuzz.oracle import ALLOWED, SUBDOMAIN_PARENT

LABEL = st.text(alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12)
HOST = st.lists(LABEL, min_size=1, max_size=4).map(".".join)
PORT = st.one_of(st.just(""), st.integers(0, 70000).map(lambda port: f":{port}"))
SCHEME = st.sampled_from(["https", "http", "wss", "HTTPS", "ftp", ""])
#: Any string a WSGI server can hand over (PEP 3333: header bytes decoded as latin-1).
LATIN1 = st.text(alphabet=st.characters(max_codepoint=255), max_size=80)

well_formed_origins = st.builds(lambda scheme, host, port: f"{scheme}://{host}{port}", SCHEME, HOST, PORT)
subdomain_origins = st.builds(
    lambda scheme, host, port: f"{scheme}://{host}.{SUBDOMAIN_PARENT}{port}", SCHEME, HOST, PORT
)


@st.composite
def mutated_origins(draw: st.DrawFn) -> str:
    """An allowed origin with a few characters inserted, replaced or deleted."""
    origin = list(draw(st.sampled_from([*ALLOWED, f"https://a.{SUBDOMAIN_PARENT}"])))
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(origin)))
        action = draw(st.sampled_from(["insert", "replace", "delete"]))
        char = draw(st.sampled_from([*".:/@_-%\r\n\0 \t,*#?AZaz09", "\xe4", "\x85"]))
        if action == "insert":
            origin.insert(position, char)
        elif position < len(origin):
            origin[position] = char if action == "replace" else ""
    return "".join(origin)


origins = st.one_of(
    st.sampled_from([*ALLOWED, "null", ""]),
    well_formed_origins,
    subdomain_origins,
    mutated_origins(),
    LATIN1,
)

TOKEN_NAMES = st.sampled_from(
    ["x-requested-with", "Authorization", "content-type", "X-Custom", "x_a", "*", "accept"]
)
header_names = st.one_of(TOKEN_NAMES, LATIN1)


@st.composite
def header_lists(draw: st.DrawFn) -> str:
    """An ACRH value: names joined the way browsers, proxies or attackers join them."""
    names = draw(st.lists(header_names, max_size=8))
    separator = draw(st.sampled_from([",", ", ", " ,", ",,", ",\t", "\r\n"]))
    return separator.join(names)


methods = st.one_of(
    st.sampled_from(["GET", "PUT", "patch", "PATCH", "DELETE", "TRACE", "PUT, DELETE", ""]), LATIN1
)
