"""System checks: ``manage.py check`` reports every CORS configuration problem at once.

Errors (``cors_wsgi.E0xx``) stop ``runserver`` and ``migrate``; warnings
(``cors_wsgi.W0xx``) are legal but risky choices, silenced by id through
``SILENCED_SYSTEM_CHECKS``. The message is the problem, the hint our fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings  # type: ignore[import-untyped]
from django.core.checks import CheckMessage, Error, Warning  # type: ignore[import-untyped]
from django.urls import get_resolver  # type: ignore[import-untyped]
from django.utils.module_loading import import_string  # type: ignore[import-untyped]

from ..errors import ConfigError
from . import conf
from .decorators import decorated_views
from .signals import check_request_enabled

MIDDLEWARE_PATHS = ("cors_wsgi.django.CorsMiddleware", "cors_wsgi.django.middleware.CorsMiddleware")

#: Middleware whose responses, or refusals, a preflight must not meet first.
MUST_COME_AFTER = {
    "django.middleware.common.CommonMiddleware": "its APPEND_SLASH redirects and 404s",
    "django.middleware.csrf.CsrfViewMiddleware": "its CSRF refusals",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "authentication",
    "django.contrib.auth.middleware.RemoteUserMiddleware": "authentication",
    "django.contrib.auth.middleware.LoginRequiredMiddleware": "its login redirects",
    "whitenoise.middleware.WhiteNoiseMiddleware": "the static files it serves",
}

MIDDLEWARE_POSITION = "cors_wsgi.W001"
MIDDLEWARE_MISSING = "cors_wsgi.W002"
RECEIVERS_WITH_CREDENTIALS = "cors_wsgi.W008"
INVALID_VIEW_OPTIONS = "cors_wsgi.E006"
VIEWS_WITHOUT_MIDDLEWARE = "cors_wsgi.E007"


def check_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Every problem of the CORS settings, errors and warnings."""
    config, problems = conf.read(settings)
    messages = [_message(problem.id, problem.message, problem.hint) for problem in problems]
    if config is not None and config.policy.allow_credentials and check_request_enabled.has_listeners():
        messages.append(
            Warning(
                "check_request_enabled receivers grant the origins they return True for with "
                "credentials: a receiver that returns True for any origin hands every site your "
                "users' sessions",
                hint="make each receiver look the origin up, never decide by path alone",
                id=RECEIVERS_WITH_CREDENTIALS,
            )
        )
    return messages


def check_middleware(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """CorsMiddleware must come before the middleware that answer or refuse requests."""
    middleware = list(settings.MIDDLEWARE or ())  # Django's defaults define it; a project may set None
    position = next((i for i, path in enumerate(middleware) if path in MIDDLEWARE_PATHS), None)
    if position is None:
        if not any(name == conf.CORS_DICT or name.startswith("CORS_") for name in dir(settings)):
            return []
        return [
            Warning(
                "CORS settings are set but cors_wsgi.django.CorsMiddleware is not in MIDDLEWARE, "
                "so no view gets CORS headers from it",
                hint="add 'cors_wsgi.django.CorsMiddleware' at the top of MIDDLEWARE (or ignore this "
                "if wsgi.py wraps the application in cors_wsgi.CORSMiddleware)",
                id=MIDDLEWARE_MISSING,
            )
        ]
    messages = []
    for path in middleware[:position]:
        what = _what_it_does(path)
        if what is not None:
            messages.append(
                Warning(
                    f"cors_wsgi.django.CorsMiddleware is below {path}: preflights meet {what} "
                    "first, and its responses get no CORS headers",
                    hint=f"move 'cors_wsgi.django.CorsMiddleware' above {path!r}, as high as possible",
                    id=MIDDLEWARE_POSITION,
                )
            )
    return messages


def check_views(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Every ``@cors`` view's options, layered over the project's policy, and the middleware they need."""
    try:
        views = list(decorated_views(get_resolver().url_patterns))
    except Exception:  # a broken URLconf is reported by Django's own URL checks
        return []
    if not views:
        return []
    messages = []
    middleware = settings.MIDDLEWARE or ()
    if not any(path in MIDDLEWARE_PATHS for path in middleware):
        messages.append(
            Error(
                f"@cors decorates {views[0][0]!r}, but cors_wsgi.django.CorsMiddleware is not in "
                "MIDDLEWARE: the decorator has no effect without it",
                hint="add 'cors_wsgi.django.CorsMiddleware' at the top of MIDDLEWARE",
                id=VIEWS_WITHOUT_MIDDLEWARE,
            )
        )
    config, _ = conf.read(settings)
    if config is None:
        return messages  # the settings' own errors come from check_settings
    report_only = config.options.get("report_only")
    for route, options in views:
        try:
            view_policy = config.policy.replace(**options)
        except ConfigError as error:
            messages.append(
                Error(
                    f"@cors on {route!r}: {error.option}={error.value!r}: {error.problem}, "
                    f"over the policy of {config.source}",
                    hint=error.fix or f"change the options of @cors on {route!r}",
                    id=INVALID_VIEW_OPTIONS,
                )
            )
            continue
        if isinstance(report_only, Mapping):
            # The candidate layers its options over the view's too, as over every rule's.
            try:
                view_policy.replace(**report_only)
            except ConfigError as error:
                messages.append(
                    Error(
                        f"@cors on {route!r}: the report-only candidate's {error.option}={error.value!r}: "
                        f"{error.problem}, over this view's policy",
                        hint=error.fix
                        or f"change the report-only options or the options of @cors on {route!r}",
                        id=INVALID_VIEW_OPTIONS,
                    )
                )
    return messages


def _message(id_: str, message: str, hint: str) -> CheckMessage:
    kind = Error if ".E" in id_ else Warning
    return kind(message, hint=hint, id=id_)


def _what_it_does(path: str) -> str | None:
    """What a middleware listed above ours does to preflights, if it is (or extends) a known one."""
    if path in MUST_COME_AFTER:
        return MUST_COME_AFTER[path]
    try:
        found = import_string(path)
    except Exception:  # Django's own checks and start-up report a middleware that does not import
        return None
    for base in getattr(found, "__mro__", ()):
        what = MUST_COME_AFTER.get(f"{base.__module__}.{base.__qualname__}")
        if what is not None:
            return what
    return None
