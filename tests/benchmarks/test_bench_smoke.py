"""Keeps the benchmark code working: its quick paths on tiny counts, no timing asserted.

Instruction counts (valgrind) and the server suite (wrk, gunicorn) are left
out explicitly through their parameters; a peer whose package is missing
(wsgicors is only in the bench extra) must be reported as skipped, with why.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from benchmarks import measure, report
from benchmarks.cli import draw, run_parts
from benchmarks.measure import LAYOUTS, parse_callgrind_total, per_request
from benchmarks.server import _summarize, parse_wrk, wrk_script
from benchmarks.suites import Settings
from benchmarks.variants import SCENARIOS, AppSpec, build, environ, missing, probe

TINY = dataclasses.replace(
    Settings.quick(jobs=1),
    rounds=2,
    batch_wsgi=3,
    batch_flask=2,
    callgrind=False,
    exact_origins=(1, 2, 3),
    subdomains=(1, 2),
    resources=(1, 2),
    acrh_sizes=(16, 8192),
)


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    return run_parts(TINY, ("comparison", "scaling"))


def test_comparison_covers_every_scenario_and_available_variant(results: dict[str, dict]) -> None:
    stacks = {
        "wsgi": ("bare", "pass_floor", "vary_fn_floor", "vary_floor", "core", "wsgicors"),
        "flask": ("plain", "flask_ext", "flask_cors"),
    }
    for stack, variants in stacks.items():
        data = results["comparison"][stack]
        # Subdomain patterns and long origin lists are compared on the WSGI stack only.
        expected = {
            name for name, s in SCENARIOS.items() if stack == "wsgi" or not (s.subdomains or s.origins > 1)
        }
        assert set(data["scenarios"]) == expected
        for variant in variants:
            reason = missing(variant)
            if reason is None:
                for measured in data["scenarios"].values():
                    assert {"median_ns", "added_ns"} <= set(measured[variant])
            else:
                assert data["skipped"][variant] == reason


def test_missing_peer_is_skipped_with_the_reason() -> None:
    if importlib.util.find_spec("wsgicors") is None:
        assert "wsgicors is not installed" in (missing("wsgicors") or "")
    else:
        assert missing("wsgicors") is None


def test_scaling_has_one_point_per_count(results: dict[str, dict]) -> None:
    curves = results["scaling"]
    assert len(curves["exact_origins"]["variants"]["core"]["allowed"]) == len(TINY.exact_origins)
    assert len(curves["subdomain_patterns"]["variants"]["core"]["refused"]) == len(TINY.subdomains)
    assert len(curves["acrh_bytes"]["variants"]["core"]["preflight"]) == len(TINY.acrh_sizes)
    resources = curves["resource_patterns"]
    if "skipped" not in resources:
        assert len(resources["variants"]["flask_ext"]["allowed"]) == len(TINY.resources)


def test_every_target_has_a_verdict(results: dict[str, list[dict]]) -> None:
    verdicts = {t["name"]: t["verdict"] for t in results["targets"]}
    wsgi, flask = results["comparison"]["wsgi"]["scenarios"], results["comparison"]["flask"]["scenarios"]
    preflights = [name for name in flask if name.startswith("preflight")]
    assert len(verdicts) == len(wsgi) + len(flask) + len(preflights) + 4
    assert "core adds <= wsgicors (exact_10000)" in verdicts
    assert "flask_ext answers cheaper than plain Flask (preflight_no_acrh)" in verdicts
    assert set(verdicts.values()) <= {"PASS", "FAIL", "SKIP"}


def test_results_serialize_with_machine_facts(results: dict[str, object], tmp_path: Path) -> None:
    meta = report.machine() | {"command": report.command_line()}
    path = report.write(tmp_path, "comparison", results["comparison"], meta)  # type: ignore[arg-type]
    document = json.loads(path.read_text())
    assert document["meta"]["cores"] >= 1
    assert document["meta"]["versions"]["cors-wsgi"]
    assert "wsgi" in document["comparison"]


@pytest.mark.parametrize("variant", ["core", "wsgicors", "flask_ext", "flask_cors"])
def test_cors_variants_grant_the_allowed_origin(variant: str) -> None:
    if missing(variant) is not None:
        pytest.skip(f"{variant}: {missing(variant)}")
    spec = AppSpec(variant)
    status, headers = probe(build(spec), environ(spec, SCENARIOS["allowed"]))
    assert status.startswith("200")
    assert ("Access-Control-Allow-Origin", "https://app.example.com") in headers


def test_scaling_specs_put_the_allowed_origin_last() -> None:
    spec = AppSpec("core", subdomains=3)
    _status, headers = probe(build(spec), environ(spec, SCENARIOS["allowed"]))
    assert ("Access-Control-Allow-Origin", "https://app.tenant2.example.com") in headers


def test_callgrind_total_is_read_from_the_summary_line() -> None:
    text = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 123456\n"
    assert parse_callgrind_total(text) == 123456
    with pytest.raises(ValueError, match="no summary"):
        parse_callgrind_total("events: Ir\n")


def test_added_cost_is_the_median_over_heap_layouts_of_n_requests_minus_none() -> None:
    startup = {0: 1_000_000, 1: 1_000_900, 2: 999_000, 3: 1_000_100, 4: 1_000_050}
    cost = {0: 9_000, 1: 14_000, 2: 9_300, 3: 9_100, 4: 12_000}  # one unlucky layout must not decide
    calls: list[tuple[int, int]] = []

    def total(requests: int, layout: int) -> int:
        calls.append((requests, layout))
        return startup[layout] + requests * cost[layout]

    assert per_request(total, 300, LAYOUTS) == 9_300
    assert sorted(calls) == sorted((n, layout) for layout in LAYOUTS for n in (0, 300))


def test_many_cases_are_measured_process_by_process_and_each_gets_its_own_median(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    per_request_cost = {"core": [7_000, 7_100, 9_900, 7_050, 7_020], "wsgicors": [10_000] * 5}
    started: list[tuple[str, int, int]] = []

    def total(case: measure.Case, warmup: int, requests: int, layout: int) -> int:
        started.append((case.label, layout, requests))
        return 5_000_000 + layout * 999 + requests * per_request_cost[case.label][layout]

    monkeypatch.setattr(measure, "_worker_total", total)
    cases = [measure.Case(v, AppSpec(v), SCENARIOS["allowed"]) for v in ("core", "wsgicors")]
    assert measure.instructions_many(cases, 300, 200, jobs=2) == {"core": 7_050, "wsgicors": 10_000}
    assert len(started) == len(set(started)) == 2 * len(measure.LAYOUTS) * 2


def test_adapter_parts_report_what_each_variant_adds_over_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    cost = {"none": 50_000, "ours": 60_000, "peer": 90_000}

    def total(module: list[str], layout: int = 0, stdin: bytes | None = None) -> int:
        name, variant, scenario, requests = module
        assert name == "benchmarks.django"
        return 1_000_000 + int(requests) * (cost[variant] + (7 if scenario == "refused" else 0))

    monkeypatch.setattr(measure, "callgrind_total", total)
    added = measure.added_over_baseline(
        "benchmarks.django", ("none", "ours", "peer"), ["allowed", "refused"], 10, 2
    )
    assert added == {"allowed": {"ours": 10_000, "peer": 40_000}, "refused": {"ours": 10_000, "peer": 40_000}}


def test_the_measured_process_environment_is_the_same_whatever_the_callers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The caller's variables would move the measured process's heap, and with it the count."""
    seen: list[dict[str, str]] = []

    def fake_run(command: list[str], *, env: dict[str, str], **kwargs: object) -> None:
        seen.append(env)
        out = next(arg for arg in command if arg.startswith("--callgrind-out-file=")).partition("=")[2]
        Path(out).write_text("summary: 42\n")

    monkeypatch.setattr(measure.subprocess, "run", fake_run)
    assert measure.callgrind_total(["benchmarks.worker"], layout=2) == 42
    monkeypatch.setenv("SOME_CALLER_VARIABLE", "x" * 300)
    monkeypatch.setenv("PATH", "/somewhere/else:" + measure.os.environ.get("PATH", ""))
    assert measure.callgrind_total(["benchmarks.worker"], layout=2) == 42
    assert seen[0] == seen[1]
    assert "SOME_CALLER_VARIABLE" not in seen[1]
    assert sorted(name for name in seen[0] if name.startswith("BENCH_LAYOUT_")) == [
        "BENCH_LAYOUT_0",
        "BENCH_LAYOUT_1",
    ]


def test_wrk_output_is_parsed_into_rate_and_percentiles() -> None:
    output = (
        "Running 10s test @ http://127.0.0.1:8000/api/items\n"
        "  Latency Distribution\n"
        "     50%    1.20ms\n"
        "     75%    1.50ms\n"
        "     90%    2.00ms\n"
        "     99%  850.00us\n"
        "  12345 requests in 10.00s, 1.23MB read\n"
        "Requests/sec:   1234.50\n"
    )
    parsed = parse_wrk(output)
    assert parsed == {"requests_per_second": 1234.5, "p50_ms": 1.2, "p99_ms": 0.85, "non_2xx": 0.0}


def test_charts_are_drawn_as_svg(results: dict[str, object], tmp_path: Path) -> None:
    if importlib.util.find_spec("matplotlib") is None:
        pytest.skip("matplotlib is not installed: it is in the bench extra only")
    drawn = draw(results, tmp_path)
    assert {p.name for p in drawn} >= {"comparison_wsgi.svg", "scaling.svg"}
    assert all(p.read_text().lstrip().startswith("<?xml") for p in drawn)


@pytest.mark.parametrize("scenario", ["no_origin", "refused", "allowed"])
def test_vary_floor_only_appends_vary_origin(scenario: str) -> None:
    spec = AppSpec("vary_floor")
    bare_status, bare_headers = probe(build(AppSpec("bare")), environ(spec, SCENARIOS[scenario]))
    status, headers = probe(build(spec), environ(spec, SCENARIOS[scenario]))
    assert status == bare_status
    assert headers == [*bare_headers, ("Vary", "Origin")]


def test_core_targets_report_the_floors(results: dict[str, list[dict]]) -> None:
    details = {target["name"]: target["detail"] for target in results["targets"]}
    for scenario in ("allowed", "refused", "no_origin"):
        detail = details[f"core adds <= wsgicors ({scenario})"]
        assert "floors pass_floor +" in detail
        assert "vary_fn_floor +" in detail
        assert "vary_floor +" in detail


@pytest.mark.parametrize("variant", ["pass_floor", "vary_fn_floor"])
def test_function_floors_answer_like_their_reference(variant: str) -> None:
    spec = AppSpec(variant)
    env = environ(spec, SCENARIOS["allowed"])
    bare_status, bare_headers = probe(build(AppSpec("bare")), env)
    status, headers = probe(build(spec), env)
    assert status == bare_status
    vary = [("Vary", "Origin")] if variant == "vary_fn_floor" else []
    assert headers == [*bare_headers, *vary]


def test_server_rounds_are_summarized_with_spread_and_paired_share() -> None:
    runs = {
        "bare": [{"requests_per_second": r, "p99_ms": 1.0, "non_2xx": 0.0} for r in (100.0, 200.0, 300.0)],
        "core": [{"requests_per_second": r, "p99_ms": 2.0, "non_2xx": 0.0} for r in (99.0, 150.0, 300.0)],
    }
    summary = _summarize(runs)
    assert summary["core"]["median_rps"] == 150.0
    assert (summary["core"]["min_rps"], summary["core"]["max_rps"]) == (99.0, 300.0)
    assert summary["core"]["median_share_of_bare"] == 0.99
    assert summary["bare"]["median_share_of_bare"] == 1.0


def test_preflight_wrk_script_sends_options_with_the_cors_request_headers() -> None:
    script = wrk_script("preflight")
    assert 'wrk.method = "OPTIONS"' in script
    assert '"Access-Control-Request-Method"] = "PUT"' in script
    assert "wrk.method" not in wrk_script("allowed")
