"""``python -m benchmarks.report_only``: what a report-only policy costs, and what it costs when unused.

Callgrind instructions per request added over the bare app, for allowed,
refused and preflight requests, through the WSGI and the ASGI adapter:
``enforced`` is the middleware without ``report_only``; ``report_same`` adds a
candidate that always agrees (one extra decision per request, no report);
``report_differs`` adds one that disagrees on every request (one extra
decision and a report, deduplicated: after the first, each is held back).
The ``enforced`` figures are the ones to compare before and after a change
to the hot path: report-only must cost nothing there when it is not configured.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import asgi as asgi_bench
from .measure import callgrind_total, per_request
from .variants import (
    ALLOWED_ORIGIN,
    HEADERS,
    MAX_AGE,
    METHODS,
    REFUSED_ORIGIN,
    SCENARIOS,
    AppSpec,
    bare_app,
    environ,
)
from .variants import run as run_wsgi

STACKS = ("wsgi", "asgi")
SCENARIO_NAMES = ("allowed", "refused", "preflight")
VARIANTS = ("bare", "enforced", "report_same", "report_differs")
COUNT, WARMUP = 1000, 200

OPTIONS: dict[str, Any] = {
    "allow_origins": [ALLOWED_ORIGIN],
    "allow_methods": list(METHODS),
    "allow_headers": list(HEADERS),
    "max_age": MAX_AGE,
}
#: Candidates layered over OPTIONS: none changed (always agrees), or only the refused origin (never agrees).
CANDIDATES: dict[str, dict[str, Any]] = {
    "report_same": {},
    "report_differs": {"allow_origins": [REFUSED_ORIGIN]},
}


def build(stack: str, variant: str) -> Any:
    """The app of one variant; ``bare`` is the baseline whose cost is subtracted."""
    options = dict(OPTIONS)
    if variant in CANDIDATES:
        options["report_only"] = CANDIDATES[variant]
    if stack == "wsgi":
        if variant == "bare":
            return bare_app
        from cors_wsgi import CORSMiddleware

        return CORSMiddleware(bare_app, **options)
    if variant == "bare":
        return asgi_bench.hello
    from cors_wsgi.asgi import CORSMiddleware as ASGIMiddleware

    return ASGIMiddleware(asgi_bench.hello, **options)


def send(stack: str, app: Any, scenario: str, count: int) -> None:
    if stack == "wsgi":
        run_wsgi(app, environ(AppSpec("core"), SCENARIOS[scenario]), count)
    else:
        asgi_bench.run(app, scenario, count)


def _worker(stack: str, variant: str, scenario: str, count: int) -> None:
    # Reports go to a handler that drops them, as a configured application's would go somewhere.
    logging.getLogger("cors_wsgi").addHandler(logging.NullHandler())
    app = build(stack, variant)
    send(stack, app, scenario, WARMUP)
    gc.collect()
    gc.freeze()
    send(stack, app, scenario, count)


def _per_request(job: tuple[str, str, str]) -> float:
    return per_request(
        lambda n, layout: callgrind_total(["benchmarks.report_only", "--worker", *job, str(n)], layout), COUNT
    )


def measure(variants: tuple[str, ...] = VARIANTS, jobs: int = 1) -> dict[str, dict[str, dict[str, int]]]:
    """Instructions per request added over the bare app: stack -> scenario -> variant -> count."""
    wanted = ("bare", *(v for v in variants if v != "bare"))
    grid = [
        (stack, variant, scenario) for stack in STACKS for scenario in SCENARIO_NAMES for variant in wanted
    ]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        counts = dict(zip(grid, pool.map(_per_request, grid), strict=True))
    return {
        stack: {
            scenario: {
                variant: round(counts[stack, variant, scenario] - counts[stack, "bare", scenario])
                for variant in wanted[1:]
            }
            for scenario in SCENARIO_NAMES
        }
        for stack in STACKS
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.report_only", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument(
        "--worker", nargs=4, metavar=("STACK", "VARIANT", "SCENARIO", "N"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--variants", nargs="+", choices=VARIANTS[1:], default=list(VARIANTS[1:]), help="default: all"
    )
    parser.add_argument("--jobs", type=int, default=1, help="valgrind processes at a time (default 1)")
    parser.add_argument("--output", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if args.worker:
        stack, variant, scenario, count = args.worker
        _worker(stack, variant, scenario, int(count))
        return 0
    results = measure(tuple(args.variants), args.jobs)
    print("instructions per request added over the bare app (callgrind)")
    for stack, scenarios in results.items():
        for scenario, added in scenarios.items():
            cells = "  ".join(f"{variant} +{count:,}" for variant, count in added.items())
            print(f"{stack:4} {scenario:9} {cells}")
    if args.output is not None:
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
