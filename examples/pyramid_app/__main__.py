"""``python -m examples.pyramid_app``: load development.ini and serve it with waitress."""

from __future__ import annotations

from pathlib import Path

import waitress
from paste.deploy import loadapp

INI = Path(__file__).with_name("development.ini")

if __name__ == "__main__":
    waitress.serve(loadapp(f"config:{INI}"), host="127.0.0.1", port=6543)
