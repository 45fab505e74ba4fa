"""A flood of distinct request values cannot grow the memo of decisions, nor change an answer.

Every value below is new, so each is remembered once; the memory they leave
behind must stay within the documented budget (``cors_wsgi.memo.MAX_ENTRIES``
entries for the whole process), far below what keeping them all would take.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Iterator

from cors_wsgi import CORSPolicy, Decision, decide_actual, decide_preflight
from cors_wsgi.memo import MAX_ENTRIES, entries
from cors_wsgi.origins import MAX_ORIGIN_LENGTH

FLOOD = 100_000
#: What the budget may hold: entries of these requests take well under 3 KiB each.
BUDGET_BYTES = MAX_ENTRIES * 3 * 1024

POLICY = CORSPolicy(
    allow_origins=["https://app.example.com", "https://*.tenant.example.com"],
    allow_origin_regex=r"https://review-\d+\.example\.org",
    allow_methods=["GET", "PUT"],
    allow_headers=["X-Requested-With"],
    allow_credentials=True,
)


def hostile_origins(count: int) -> Iterator[str]:
    """Distinct origins of every kind an attacker sends: lookalikes, malformed, granted, oversized."""
    kinds: list[Callable[[int], str]] = [
        lambda i: f"https://app.example.com.evil{i}.net",
        lambda i: f"https://s{i}.tenant.example.com",
        lambda i: f"https://review-{i}.example.org",
        lambda i: f"https://evil{i}.example.org/",
        lambda i: f"HTTPS://APP{i}.EXAMPLE.COM",
        lambda i: f"null{i}",
        lambda i: f"https://{'a' * (MAX_ORIGIN_LENGTH - 30)}{i:012}.example.com",
        lambda i: f"https://{'b' * MAX_ORIGIN_LENGTH}{i}.example.com",
    ]
    for i in range(count):
        yield kinds[i % len(kinds)](i)


def retained_bytes(flood: Callable[[], object]) -> int:
    """Memory still allocated after ``flood`` ran, its own temporaries collected."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        flood()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def assert_same(answer: Decision, computed: Decision) -> None:
    assert answer == computed, (answer, computed)


def test_distinct_hostile_origins_leave_memory_bounded_and_answers_unchanged() -> None:
    twin = POLICY.replace()  # the same policy, asked each origin once: every answer computed

    def flood() -> None:
        for origin in hostile_origins(FLOOD):
            first = decide_actual(POLICY, origin)
            assert_same(decide_actual(POLICY, origin), first)
            assert_same(first, decide_actual(twin, origin))

    assert retained_bytes(flood) < BUDGET_BYTES
    assert entries() <= MAX_ENTRIES


def test_distinct_hostile_preflights_leave_memory_bounded_and_answers_unchanged() -> None:
    twin = POLICY.replace()
    requested = ["x-requested-with,x-{i}", "x-{i}", "x-requested-with", ",{i},", "x\x00{i}"]

    def flood() -> None:
        for i, origin in enumerate(hostile_origins(FLOOD)):
            asked = (origin, "PUT" if i % 3 else f"M{i}", requested[i % 5].format(i=i), i % 7 == 0)
            first = decide_preflight(POLICY, *asked)
            assert_same(decide_preflight(POLICY, *asked), first)
            assert_same(first, decide_preflight(twin, *asked))

    assert retained_bytes(flood) < BUDGET_BYTES
    assert entries() <= MAX_ENTRIES


def test_budget_holds_across_many_policies() -> None:
    """Each flask_ext view or resources= rule has its own policy; together they share one budget."""
    policies = [POLICY.replace(allow_origins=[f"https://*.t{n}.example.com"]) for n in range(500)]
    twins = [policy.replace() for policy in policies]

    def flood() -> None:
        for i, origin in enumerate(hostile_origins(FLOOD // 5)):
            policy, twin = policies[i % 500], twins[i % 500]
            first = decide_actual(policy, origin)
            assert_same(decide_actual(policy, origin), first)
            assert_same(first, decide_actual(twin, origin))

    retained = retained_bytes(flood)
    assert entries() <= MAX_ENTRIES
    # The policies were built before the flood: what it leaves is the memos' content alone.
    assert retained < BUDGET_BYTES
