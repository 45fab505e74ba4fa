"""Public suffixes: domains under which anyone can register a name of their own.

A subdomain pattern on such a parent (``https://*.co.uk``, ``https://*.github.io``)
grants every site registered there, which is never what anyone means. The
full Public Suffix List comes from the optional ``publicsuffixlist`` package
(``pip install cors-wsgi[psl]``); without it a short built-in list of the
most used multi-label suffixes is checked, and every single-label parent is
refused anyway by the caller.
"""

from __future__ import annotations

import functools
from typing import Protocol

#: Multi-label public suffixes checked when ``publicsuffixlist`` is not installed:
#: the most common registries' second levels and hosting platforms that give
#: every customer a subdomain.
BUILTIN_SUFFIXES = frozenset(
    {
        "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "org.uk", "plc.uk",
        "com.au", "net.au", "org.au", "co.nz", "net.nz", "org.nz", "co.za", "org.za",
        "co.jp", "ne.jp", "or.jp", "co.kr", "co.in", "net.in", "org.in", "co.il",
        "com.ar", "com.br", "net.br", "com.cn", "net.cn", "org.cn", "com.hk", "com.mx",
        "com.sg", "com.tr", "com.tw", "com.ua", "com.pl", "com.es", "co.id", "com.my",
        "appspot.com", "azurewebsites.net", "blogspot.com", "cloudfront.net", "fly.dev",
        "firebaseapp.com", "github.io", "gitlab.io", "herokuapp.com", "netlify.app",
        "ngrok.io", "ngrok-free.app", "onrender.com", "pages.dev", "s3.amazonaws.com",
        "readthedocs.io", "trycloudflare.com", "vercel.app", "web.app", "workers.dev",
    }
)  # fmt: skip


class _SuffixList(Protocol):
    def is_public(self, domain: str) -> bool: ...


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` (lower case, no trailing dot) is a public suffix, as far as we know."""
    full = _full_list()
    return domain in BUILTIN_SUFFIXES if full is None else full.is_public(domain)


def what_was_checked() -> str:
    """Which list ``is_public_suffix`` consults, for error messages."""
    if _full_list() is None:
        return (
            f"checked against a built-in list of {len(BUILTIN_SUFFIXES)} common suffixes; "
            "install cors-wsgi[psl] to check the full Public Suffix List"
        )
    return "checked against the Public Suffix List (publicsuffixlist)"


def _full_list() -> _SuffixList | None:
    """The full list when the optional package is installed (imported on first use only)."""
    try:
        from publicsuffixlist import PublicSuffixList
    except ImportError:
        return None
    return _loaded(PublicSuffixList)


@functools.cache
def _loaded(factory: type[_SuffixList]) -> _SuffixList:
    """Parse the list once per process: it takes tens of milliseconds."""
    return factory()
