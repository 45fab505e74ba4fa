"""Merging our header list into the application's, Vary included."""

from __future__ import annotations

from collections.abc import Sequence

from .decision import Header


def merge_headers(app_headers: Sequence[Header], cors_headers: Sequence[Header]) -> list[Header]:
    """A new header list: the app's and ours, with our Vary merged into the app's.

    The app's list is never mutated (it may be a constant shared by every
    request). If the app set Access-Control-Allow-Origin itself, it answers
    CORS for this response and we add none of our Access-Control-* headers:
    two such headers fail. Any other CORS header the app set is kept and ours
    of that name left out, since the browser would join the two (``true,
    true`` is not ``true``). Our Vary names are added to the app's Vary
    without duplicates; ``Vary: *`` already covers everything and stays.
    """
    app_names = {name.lower() for name, _ in app_headers}
    app_answers = "access-control-allow-origin" in app_names
    ours = [
        (name, value)
        for name, value in cors_headers
        if not (name.lower().startswith("access-control-") and (app_answers or name.lower() in app_names))
    ]
    vary = [value for name, value in ours if name == "Vary"]
    if not vary or "vary" not in app_names:
        return [*app_headers, *ours]
    rest = [header for header in ours if header[0] != "Vary"]
    return [*_with_vary_merged(app_headers, vary[0].split(", ")), *rest]


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
