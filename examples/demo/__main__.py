"""Run the demo: ``python -m examples.demo [--front-port 8000] [--api-port 8001]``."""

from __future__ import annotations

import argparse
import threading

from examples.demo import serving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--front-port", type=int, default=8000)
    parser.add_argument("--api-port", type=int, default=8001)
    args = parser.parse_args()
    with serving(args.front_port, args.api_port) as (front_url, api_origin):
        print(f"cors-wsgi demo: open {front_url} in a browser (the API is {api_origin}).")
        print("Press Ctrl-C to stop.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print()


if __name__ == "__main__":
    main()
