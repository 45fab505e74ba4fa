"""The application gunicorn serves: ``BENCH_SPEC`` (an AppSpec as JSON) picks it.

``gunicorn benchmarks.serve:app`` with ``BENCH_SPEC='{"variant": "core", ...}'``.
"""

from __future__ import annotations

import os

from .variants import AppSpec, build

app = build(AppSpec.from_json(os.environ["BENCH_SPEC"]))
