"""The process callgrind watches: build one app, warm it up, send N requests.

``python -m benchmarks.worker`` reads ``{"spec", "scenario", "warmup", "count"}``
as JSON on standard input (a hostile header of a megabyte is too long for
an argument). The
warm-up lets lazy imports, caches and the adaptive interpreter settle, so
that N requests minus 0 requests is the steady-state cost.
"""

from __future__ import annotations

import gc
import json
import sys

from .variants import AppSpec, Scenario, build, environ, run


def main() -> None:
    job = json.load(sys.stdin)
    spec = AppSpec(**job["spec"])
    scenario = Scenario(**job["scenario"])
    warmup, count = int(job["warmup"]), int(job["count"])
    app = build(spec)
    base = environ(spec, scenario)
    run(app, base, warmup, scenario.distinct)
    # Long-lived objects move out of the collector's view, so a full collection
    # landing by chance inside the measured requests does not skew one run.
    gc.collect()
    gc.freeze()
    run(app, base, count, scenario.distinct)


if __name__ == "__main__":
    main()
