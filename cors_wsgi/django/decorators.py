"""``@cors``: per-view options, layered over the project's policy by the middleware.

The decorator only records the options on the view; it changes nothing the
view does. CorsMiddleware resolves the request's path itself, before any later
middleware runs, finds the options and answers with the project's policy with
those options replaced. A preflight to a decorated view is therefore answered
before CSRF, authentication or APPEND_SLASH see it, as every other preflight.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, Unpack

from asgiref.sync import iscoroutinefunction
from django.urls import URLPattern, URLResolver  # type: ignore[import-untyped]

from ..errors import reject_unknown
from ..policy import OPTION_NAMES, CORSPolicy, PolicyOptions

#: Where the options are kept: on a view function, a class-based view, or one of its methods.
ATTRIBUTE = "cors_options"

V = TypeVar("V", bound=Callable[..., Any])
ViewOptions = Mapping[str, Any]


def cors(view: V | None = None, /, **options: Unpack[PolicyOptions]) -> Any:
    """Layer cors-wsgi policy options over the project's policy for one view.

    ``@cors`` alone applies the project's policy to the view, even outside
    ``CORS_URLS_REGEX``; ``@cors(allow_origins=[...], allow_credentials=True)``
    replaces the options given and keeps the project's value of the others.
    It decorates function views (sync or async), class-based views, and their
    methods through ``method_decorator``. Options are checked here, at import,
    on their own; checks and the middleware check them layered over the project's.
    """
    reject_unknown(options, OPTION_NAMES, "cors")
    CORSPolicy(**options)  # an option that is wrong on its own is wrong on every project
    recorded: ViewOptions = MappingProxyType(dict(options))

    def decorate(target: V) -> V:
        if isinstance(target, type):
            setattr(target, ATTRIBUTE, recorded)
            return target
        # A wrapper of our own, so that one function decorated twice keeps both options.
        if iscoroutinefunction(target):

            async def async_view(*args: Any, **kwargs: Any) -> Any:
                return await target(*args, **kwargs)

            wrapper: Any = functools.wraps(target)(async_view)
        else:

            def sync_view(*args: Any, **kwargs: Any) -> Any:
                return target(*args, **kwargs)

            wrapper = functools.wraps(target)(sync_view)
        setattr(wrapper, ATTRIBUTE, recorded)
        return wrapper  # type: ignore[no-any-return]

    return decorate if view is None else decorate(view)


def view_options(view: Callable[..., Any], method: str) -> ViewOptions | None:
    """The ``@cors`` options that apply to ``view`` for requests of ``method`` (None: not decorated).

    For a class-based view, a decorated handler (``get``, ``put``...) wins over
    ``dispatch``, which wins over the class. ``method`` is looked up only if it
    is one of the view's ``http_method_names``: request data never picks an attribute.
    """
    options = _recorded(view)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return options
    dispatch = _recorded(view_class.dispatch)
    if options is not None and options is not dispatch:
        return options  # @cors around as_view() itself (as_view() copies dispatch's attributes onto the view)
    name = method.lower()
    if name in view_class.http_method_names:
        options = _recorded(getattr(view_class, name, None))
        if options is not None:
            return options
    return dispatch if dispatch is not None else _recorded(view_class)


def _recorded(target: object) -> ViewOptions | None:
    options: ViewOptions | None = getattr(target, ATTRIBUTE, None)
    return options


def decorated_views(patterns: Any, prefix: str = "") -> Iterator[tuple[str, ViewOptions]]:
    """``(route, options)`` of every ``@cors`` in a URLconf's patterns, each handler's included."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from decorated_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            callback = pattern.callback
            view_class = getattr(callback, "view_class", None)
            # as_view() copies dispatch's attributes onto the callback: a decorated dispatch is found there.
            found = [_recorded(callback), _recorded(view_class)]
            if view_class is not None:
                found += [_recorded(getattr(view_class, name, None)) for name in view_class.http_method_names]
            seen: list[ViewOptions] = []
            for options in found:
                if options is not None and not any(options is other for other in seen):
                    seen.append(options)
                    yield route, options
