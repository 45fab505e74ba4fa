"""The process callgrind watches: build one app, warm it up, send N requests.

``python -m benchmarks.worker SPEC_JSON SCENARIO_JSON WARMUP COUNT``. The
warm-up lets lazy imports, caches and the adaptive interpreter settle, so
that N requests minus 0 requests is the steady-state cost.
"""

from __future__ import annotations

import gc
import json
import sys

from .variants import AppSpec, Scenario, build, environ, run


def main(argv: list[str]) -> None:
    spec = AppSpec.from_json(argv[0])
    scenario = Scenario(**json.loads(argv[1]))
    warmup, count = int(argv[2]), int(argv[3])
    app = build(spec)
    base = environ(spec, scenario)
    run(app, base, warmup)
    # Long-lived objects move out of the collector's view, so a full collection
    # landing by chance inside the measured requests does not skew one run.
    gc.collect()
    gc.freeze()
    run(app, base, count)


if __name__ == "__main__":
    main(sys.argv[1:])
