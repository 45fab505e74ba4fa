"""The one exception users catch: bad configuration, reported at start-up."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

#: Stands for "no value to show" (an option name that is itself the mistake).
NO_VALUE: object = object()


class ConfigError(ValueError):
    """Raised at construction time so that a bad policy never serves a request.

    The message names the option, the offending value and the fix; the parts
    are also kept as attributes for tools that report them differently.
    """

    def __init__(self, option: str, value: object, problem: str, fix: str = "") -> None:
        self.option = option
        self.value = value
        self.problem = problem
        self.fix = fix
        message = f"{option}: {problem}" if value is NO_VALUE else f"{option}={value!r}: {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)


def reject_unknown(given: Iterable[str] | Mapping[str, object], known: Iterable[str], where: str) -> None:
    """Make a misspelt option an error with a suggestion, never a silent no-op.

    ``given`` may be the options themselves, so that the message shows the value.
    """
    known_names = sorted(known)
    for name in sorted(set(given) - set(known_names)):
        close = difflib.get_close_matches(name, known_names, n=1)
        fix = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known_names)
        value = given[name] if isinstance(given, Mapping) else NO_VALUE
        raise ConfigError(name, value, f"is not an option of {where}", fix)
