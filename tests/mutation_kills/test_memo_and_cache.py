"""The decision memo keeps what it is given until the process budget is spent; ttl_cache's settings,
defaults, errors and invalidation."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import pytest

from cors_wsgi import ConfigError, CORSPolicy, decide_actual
from cors_wsgi.cache import ttl_cache
from cors_wsgi.memo import MAX_ENTRIES
from tests.integrations.test_cache import Clock, Database

A = "https://a.example.com"
B = "https://b.example.com"


# The decision memo


def test_a_policys_memo_keeps_each_new_decision_until_the_process_budget_clears_it() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com"])
    sizes = []
    for n in range(100):
        decide_actual(policy, f"https://s{n}.example.com")
        sizes.append(len(policy.memo))

    # Each decision adds one entry; the process-wide clear (once every MAX_ENTRIES insertions,
    # counted over every policy) can fall on at most one of these 100 steps.
    assert MAX_ENTRIES > 100
    grew = sum(1 for before, after in zip([0, *sizes[:-1]], sizes, strict=True) if after == before + 1)
    assert grew >= 99


# ttl_cache: settings and their errors


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"check": "https://a.example.com"},
            "check='https://a.example.com': is not callable; pass a function of the origin",
        ),
        ({"seconds": 0}, "seconds=0: must be a number > 0; for example 60"),
        ({"seconds": True}, "seconds=True: must be a number > 0; for example 60"),
        ({"maxsize": 0}, "maxsize=0: must be an int >= 1; for example 1024"),
        ({"maxsize": 1.5}, "maxsize=1.5: must be an int >= 1; for example 1024"),
    ],
)
def test_a_bad_cache_setting_names_the_setting_its_value_the_problem_and_the_fix(
    arguments: dict[str, object], message: str
) -> None:
    settings: dict[str, object] = {"check": Database(), **arguments}

    with pytest.raises(ConfigError) as caught:
        ttl_cache(**settings)  # type: ignore[arg-type]

    assert str(caught.value) == message
    [(option, value)] = arguments.items()
    assert (caught.value.option, caught.value.value) == (option, value)


def test_a_period_under_one_second_is_accepted_and_expires_on_time() -> None:
    database, clock = Database(A), Clock()
    check = ttl_cache(database, seconds=0.5, clock=clock)

    check(A)
    clock.now += 0.4
    check(A)
    assert database.lookups[A] == 1
    clock.now += 0.1
    check(A)
    assert database.lookups[A] == 2


def test_a_cache_of_one_entry_is_accepted_and_keeps_the_last_answer() -> None:
    database = Database(A)
    check = ttl_cache(database, seconds=60, maxsize=1, clock=Clock())

    check(A)
    check(A)
    check(B)
    check(B)

    assert len(check) == 1
    assert database.lookups == Counter({A: 1, B: 1})


def test_the_defaults_are_sixty_seconds_and_1024_answers() -> None:
    database, clock = Database(), Clock()
    check = ttl_cache(database, clock=clock)
    assert (check.seconds, check.maxsize) == (60, 1024)
    assert repr(check).endswith(", seconds=60, maxsize=1024)")

    for n in range(1025):
        check(f"https://{n}.example.com")
    assert len(check) == 1024
    check("https://1024.example.com")
    clock.now += 59.9
    check("https://1024.example.com")
    assert database.lookups["https://1024.example.com"] == 1
    clock.now += 0.1
    check("https://1024.example.com")
    assert database.lookups["https://1024.example.com"] == 2


def test_an_async_checks_cache_reads_the_given_clock() -> None:
    looked_up: list[str] = []

    async def in_database(origin: str) -> bool:
        looked_up.append(origin)
        return origin == A

    clock = Clock()
    check = ttl_cache(in_database, seconds=60, clock=clock)

    async def ask() -> bool:
        return await check(A)  # type: ignore[no-any-return,misc]

    assert asyncio.run(ask()) is True
    assert asyncio.run(ask()) is True
    assert looked_up == [A]
    clock.now += 60
    assert asyncio.run(ask()) is True
    assert looked_up == [A, A]


# ttl_cache: invalidation


def test_invalidating_an_origin_never_cached_is_a_no_op() -> None:
    database = Database(A)
    check = ttl_cache(database, seconds=60, clock=Clock())
    check(A)

    check.invalidate(B)

    check(A)
    assert len(check) == 1
    assert database.lookups[A] == 1


def test_invalidate_from_another_thread_while_a_lookup_runs_discards_its_answer() -> None:
    started, release = threading.Event(), threading.Event()
    database = Database()

    def slow_lookup(origin: str) -> bool:
        answer = database(origin)
        started.set()
        release.wait()
        return answer

    check = ttl_cache(slow_lookup, seconds=60, clock=Clock())
    check.invalidate()
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(check(A)))
    worker.start()
    started.wait()
    database.origins.add(A)
    check.invalidate()
    release.set()
    worker.join()

    assert results == [False]
    assert len(check) == 0
