"""Merging our header list into the application's, Vary included."""

from __future__ import annotations

from collections.abc import Sequence

Header = tuple[str, str]


def merge_headers(
    app_headers: Sequence[Header], cors_headers: Sequence[Header], vary: Sequence[str]
) -> list[Header]:
    """A new header list: the app's, our CORS headers, and Vary merged.

    The app's list is never mutated (it may be a constant shared by every
    request). If the app set Access-Control-Allow-Origin itself, it answers
    CORS for this response and we add none of ours: two such headers fail.
    Vary names are added to the app's Vary without duplicates; ``Vary: *``
    already covers everything and stays as it is.
    """
    lower = [name.lower() for name, _ in app_headers]
    if "access-control-allow-origin" in lower:
        cors_headers = ()
    if "vary" not in lower:
        headers = [*app_headers, *cors_headers]
        if vary:
            headers.append(("Vary", ", ".join(vary)))
        return headers
    headers = list(app_headers)
    index = lower.index("vary")
    present = {
        token.strip().lower()
        for name, value in app_headers
        if name.lower() == "vary"
        for token in value.split(",")
    }
    missing = [name for name in vary if name.lower() not in present]
    if missing and "*" not in present:
        name, value = headers[index]
        headers[index] = (name, ", ".join(filter(None, (value.strip(), *missing))))
    headers.extend(cors_headers)
    return headers
