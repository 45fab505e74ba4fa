"""The in-process suites: side-by-side comparison and scaling curves.

Each suite returns plain data (JSON-ready dicts); ``report`` checks the
targets on it and ``charts`` draws it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from .measure import Case, instructions_many, summarize_wall, wall_times
from .variants import (
    BASELINES,
    FLASK_VARIANTS,
    PEERS,
    SCENARIOS,
    WSGI_VARIANTS,
    AppSpec,
    Scenario,
    build,
    environ,
    missing,
    probe,
)

KIB = 1024


@dataclasses.dataclass(frozen=True)
class Settings:
    """How much to measure; ``quick()`` and ``full()`` are the two presets."""

    rounds: int
    batch_wsgi: int
    batch_flask: int
    callgrind: bool
    count_wsgi: int
    count_flask: int
    warmup: int
    jobs: int
    exact_origins: tuple[int, ...] = (1, 2, 100, 10_000)
    subdomains: tuple[int, ...] = (1, 100, 1_000)
    resources: tuple[int, ...] = (1, 100, 600)
    acrh_sizes: tuple[int, ...] = (KIB, 64 * KIB, 1024 * KIB)

    @classmethod
    def full(cls, jobs: int = 2) -> Settings:
        return cls(
            rounds=15,
            batch_wsgi=2000,
            batch_flask=200,
            callgrind=True,
            count_wsgi=1000,
            count_flask=300,
            warmup=200,
            jobs=jobs,
        )

    @classmethod
    def quick(cls, jobs: int = 2) -> Settings:
        return cls(
            rounds=5,
            batch_wsgi=300,
            batch_flask=30,
            callgrind=False,
            count_wsgi=0,
            count_flask=0,
            warmup=0,
            jobs=jobs,
        )


def _measure(settings: Settings, cases: Sequence[Case], baseline: str | None) -> dict[str, dict[str, float]]:
    """Wall time (interleaved) and, when enabled, instructions of each case."""
    flask = any(case.spec.stack == "flask" for case in cases)
    batch = settings.batch_flask if flask else settings.batch_wsgi
    prepared = [
        (case.label, build(case.spec), environ(case.spec, case.scenario), case.scenario.distinct)
        for case in cases
    ]
    wall = summarize_wall(wall_times(prepared, settings.rounds, batch), baseline or cases[0].label)
    results: dict[str, dict[str, float]] = {label: dict(values) for label, values in wall.items()}
    if settings.callgrind:
        count = settings.count_flask if flask else settings.count_wsgi
        counted = instructions_many(cases, count, settings.warmup, settings.jobs)
        for label, value in counted.items():
            results[label]["instructions"] = value
        if baseline is not None:
            for values in results.values():
                values["added_instructions"] = values["instructions"] - results[baseline]["instructions"]
    return results


def comparison(settings: Settings, stack: str) -> dict[str, Any]:
    """Baseline vs our layer vs the peer, for every scenario, interleaved in one run."""
    variants = WSGI_VARIANTS if stack == "wsgi" else FLASK_VARIANTS
    baseline = BASELINES[stack]
    skipped = {v: reason for v in variants if (reason := missing(v)) is not None}
    if baseline in skipped:
        return {"baseline": baseline, "skipped": skipped, "scenarios": {}, "ratios": {}}
    ours = next(v for v in variants if v in PEERS)
    scenarios: dict[str, Any] = {}
    responses: dict[str, Any] = {}
    ratios: dict[str, dict[str, float]] = {}
    for scenario in SCENARIOS.values():
        if (scenario.subdomains or scenario.origins > 1) and stack != "wsgi":
            continue
        cases = [
            Case(
                variant, AppSpec(variant, origins=scenario.origins, subdomains=scenario.subdomains), scenario
            )
            for variant in variants
            if variant not in skipped
        ]
        measured = _measure(settings, cases, baseline)
        scenarios[scenario.name] = measured
        responses[scenario.name] = {
            case.label: probe(build(case.spec), environ(case.spec, case.scenario)) for case in cases
        }
        peer = PEERS[ours]
        if ours in measured and peer in measured:
            ratios[scenario.name] = _ratios(measured[ours], measured[peer])
    return {
        "baseline": baseline,
        "ours": ours,
        "peer": PEERS[ours],
        "skipped": skipped,
        "scenarios": scenarios,
        "ratios": ratios,
        "responses": responses,
    }


def _ratios(ours: dict[str, float], peer: dict[str, float]) -> dict[str, float]:
    """Our added cost over the peer's, by each measure taken (below 1: we add less)."""
    ratios: dict[str, float] = {}
    for key in ("added_instructions", "added_ns"):
        if key in ours and peer.get(key, 0) > 0:
            ratios[key] = ours[key] / peer[key]
    return ratios


def acrh_scenario(size: int) -> Scenario:
    """A preflight whose Access-Control-Request-Headers is ``size`` bytes of commas."""
    return Scenario(f"acrh_{size}", "OPTIONS", request_method="PUT", request_headers="," * size)


def scaling(settings: Settings) -> dict[str, Any]:
    """Cost per request as the configuration or the hostile input grows."""
    allowed, refused, preflight = SCENARIOS["allowed"], SCENARIOS["refused"], SCENARIOS["preflight"]
    curves: dict[str, Any] = {}
    curves["exact_origins"] = _curve(
        settings,
        [(n, AppSpec("core", origins=n)) for n in settings.exact_origins],
        [allowed, refused],
        "core",
    )
    curves["subdomain_patterns"] = _curve(
        settings,
        [(n, AppSpec("core", subdomains=n)) for n in settings.subdomains],
        [allowed, refused],
        "core",
    )
    # The bare app too: decoding a fresh megabyte (as a server does) costs the same without us.
    curves["acrh_bytes"] = {
        "counts": list(settings.acrh_sizes),
        "variants": {
            variant: {
                "preflight": _points(
                    settings,
                    [
                        Case(f"{variant}-{size}", AppSpec(variant), acrh_scenario(size))
                        for size in settings.acrh_sizes
                    ],
                )
            }
            for variant in ("core", "bare")
        },
    }
    for ours, bare in zip(
        *(curves["acrh_bytes"]["variants"][v]["preflight"] for v in ("core", "bare")), strict=True
    ):
        if "instructions" in ours:
            ours["added_instructions"] = ours["instructions"] - bare["instructions"]
    reason = missing("flask_ext")
    if reason is None:
        curves["resource_patterns"] = _curve(
            settings,
            [(n, AppSpec(v, resources=n)) for n in settings.resources for v in ("flask_ext", "flask_cors")],
            [allowed, preflight],
            None,
        )
    else:
        curves["resource_patterns"] = {"skipped": reason}
    return curves


def _curve(
    settings: Settings, specs: Sequence[tuple[int, AppSpec]], scenarios: Sequence[Scenario], only: str | None
) -> dict[str, Any]:
    counts = sorted({n for n, _ in specs})
    variants: dict[str, dict[str, list[dict[str, float]]]] = {}
    for scenario in scenarios:
        cases = [
            Case(f"{spec.variant}-{n}", spec, scenario)
            for n, spec in specs
            if (only is None or spec.variant == only) and missing(spec.variant) is None
        ]
        points = _points(settings, cases)
        for case, point in zip(cases, points, strict=True):
            variants.setdefault(case.spec.variant, {}).setdefault(scenario.name, []).append(point)
    return {"counts": counts, "variants": variants}


def _points(settings: Settings, cases: Sequence[Case]) -> list[dict[str, float]]:
    measured = _measure(settings, cases, None)
    return [{k: v for k, v in measured[case.label].items() if k != "added_ns"} for case in cases]
