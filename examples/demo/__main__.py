"""Run the demo: ``python -m examples.demo [--front-port 8000] [--api-port 8001]``.

Through make: ``make demo DEMO_ARGS="--front-port 9000 --api-port 9001"``.
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Sequence

from examples.demo import PortUnavailable, serving


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.demo", description=__doc__)
    parser.add_argument("--front-port", type=int, default=8000, help="the page's port (0: any free port)")
    parser.add_argument("--api-port", type=int, default=8001, help="the API's port (0: any free port)")
    args = parser.parse_args(argv)
    try:
        with serving(args.front_port, args.api_port) as (front_url, api_origin):
            # What the README's "Why is my request blocked?" shows: refusals, with their reason codes.
            logging.basicConfig(format="%(name)s %(levelname)s: %(message)s")
            logging.getLogger("cors_wsgi").setLevel(logging.INFO)
            print(f"cors-wsgi demo: open {front_url} in a browser (the API is {api_origin}).", flush=True)
            print("The cors_wsgi log follows. Press Ctrl-C to stop.", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                print()
    except PortUnavailable as error:
        parser.exit(2, f"cors-wsgi demo: {error}\n")


if __name__ == "__main__":
    main()
