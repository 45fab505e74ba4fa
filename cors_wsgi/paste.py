"""The PasteDeploy filter: ``[filter:cors]`` with ``use = egg:cors-wsgi#cors`` and options as keys.

Its own module so that the loaders in ``config`` never import an adapter
(the adapters import the loaders for ``from_mapping`` and ``from_env``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .config import _from_strings, _paste_section, build, text_key
from .middleware import CORSMiddleware, WSGIApp


def filter_factory(global_conf: Mapping[str, Any], **local_conf: str) -> Callable[[WSGIApp], CORSMiddleware]:
    """The factory PasteDeploy calls with the section's keys; errors name the file and section."""
    source = _paste_section(global_conf, local_conf)
    options = _from_strings(((key, value, f"{source} {key}") for key, value in local_conf.items()), str)

    def cors_filter(app: WSGIApp) -> CORSMiddleware:
        return build(CORSMiddleware, app, options, {}, source, text_key)

    return cors_filter
