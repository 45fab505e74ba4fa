"""Merging our header list into the application's, Vary included."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

Header = tuple[str, str]

_name = itemgetter(0)


def merge_headers(
    app_headers: Sequence[Header], cors_headers: Sequence[Header], vary: Sequence[str]
) -> list[Header]:
    """A new header list: the app's, our CORS headers, and Vary merged.

    The app's list is never mutated (it may be a constant shared by every
    request). If the app set Access-Control-Allow-Origin itself, it answers
    CORS for this response and we add none of ours: two such headers fail.
    Any other CORS header the app set is kept and ours of that name left out,
    since the browser would join the two (``true, true`` is not ``true``).
    Vary names are added to the app's Vary without duplicates; ``Vary: *``
    already covers everything and stays as it is.
    """
    # One C-level pass over the names: most apps set neither Vary nor CORS headers.
    names = "\n".join(map(_name, app_headers)).lower()
    if "access-control-" in names:
        cors_headers = _not_set_by_app(app_headers, cors_headers)
    if "vary" in names and any(name.lower() == "vary" for name, _ in app_headers):
        return [*_with_vary_merged(app_headers, vary), *cors_headers]
    headers = [*app_headers, *cors_headers]
    if vary:
        headers.append(("Vary", ", ".join(vary)))
    return headers


def _not_set_by_app(app_headers: Sequence[Header], cors_headers: Sequence[Header]) -> Sequence[Header]:
    app_names = {name.lower() for name, _ in app_headers}
    if "access-control-allow-origin" in app_names:
        return ()
    return [header for header in cors_headers if header[0].lower() not in app_names]


def _with_vary_merged(app_headers: Sequence[Header], vary: Sequence[str]) -> list[Header]:
    """The app's headers with the missing ``vary`` names added to its first Vary."""
    present = {
        token.strip().lower()
        for name, value in app_headers
        if name.lower() == "vary"
        for token in value.split(",")
    }
    missing = [name for name in vary if name.lower() not in present]
    headers = list(app_headers)
    if missing and "*" not in present:
        index = next(i for i, (name, _) in enumerate(headers) if name.lower() == "vary")
        name, value = headers[index]
        headers[index] = (name, ", ".join(filter(None, (value.strip(), *missing))))
    return headers
