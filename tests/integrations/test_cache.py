"""ttl_cache: origins kept in a database, looked up once per period, safely across threads."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from webtest import TestApp

from cors_wsgi import ConfigError, CORSMiddleware, reasons
from cors_wsgi.cache import ttl_cache
from tests.integrations.servers import hello_app

A = "https://a.example.com"
B = "https://b.example.com"


class Clock:
    """A clock the test moves by hand: expiry is tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Database:
    """An origin table that counts its lookups."""

    def __init__(self, *origins: str) -> None:
        self.origins = set(origins)
        self.lookups: Counter[str] = Counter()

    def __call__(self, origin: str) -> bool:
        self.lookups[origin] += 1
        return origin in self.origins


def test_answers_are_reused_until_they_expire() -> None:
    database, clock = Database(A), Clock()
    check = ttl_cache(database, seconds=60, clock=clock)

    answers = [check(A) for _ in range(5)]
    clock.now += 59
    answers.append(check(A))
    clock.now += 1
    answers.append(check(A))

    assert answers == [True] * 7
    assert database.lookups[A] == 2


def test_refusals_are_cached_too() -> None:
    database = Database(A)
    check = ttl_cache(database, seconds=60, clock=Clock())

    assert [check(B) for _ in range(3)] == [False, False, False]
    assert database.lookups[B] == 1


def test_a_change_in_the_database_shows_after_invalidate() -> None:
    database = Database(A)
    check = ttl_cache(database, seconds=60, clock=Clock())
    assert check(B) is False

    database.origins.add(B)
    still_cached = check(B)
    check.invalidate(B)

    assert still_cached is False
    assert check(B) is True


def test_invalidate_without_an_origin_forgets_everything() -> None:
    database = Database(A, B)
    check = ttl_cache(database, seconds=60, clock=Clock())
    check(A)
    check(B)

    check.invalidate()
    check(A)
    check(B)

    assert database.lookups == Counter({A: 2, B: 2})


def test_an_answer_computed_during_invalidate_is_not_stored() -> None:
    started, release = threading.Event(), threading.Event()
    database = Database()

    def slow_lookup(origin: str) -> bool:
        answer = database(origin)  # read before the row is added...
        started.set()
        release.wait()  # ...and returned after invalidate()
        return answer

    check = ttl_cache(slow_lookup, seconds=60, clock=Clock())
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(check(A)))
    worker.start()
    started.wait()
    database.origins.add(A)
    check.invalidate()
    release.set()
    worker.join()

    assert results == [False]
    assert check(A) is True


def test_maxsize_bounds_memory_and_evicts_the_least_recently_used() -> None:
    database = Database()
    check = ttl_cache(database, seconds=60, maxsize=3, clock=Clock())
    for n in range(3):
        check(f"https://{n}.example.com")

    check("https://0.example.com")  # used again: now the most recent
    check("https://new.example.com")
    check("https://0.example.com")
    check("https://1.example.com")

    assert len(check) == 3
    assert database.lookups["https://0.example.com"] == 1
    assert database.lookups["https://1.example.com"] == 2


def test_a_failing_lookup_is_refused_and_retried_on_the_next_request() -> None:
    failures = [RuntimeError("database down")]

    def lookup(origin: str) -> bool:
        if failures:
            raise failures.pop()
        return origin == A

    seen = []
    middleware = CORSMiddleware(
        hello_app, allow_origins=[ttl_cache(lookup, seconds=60)], on_decision=seen.append
    )
    client = TestApp(middleware)

    first = client.get("/", headers={"Origin": A})
    second = client.get("/", headers={"Origin": A})

    assert "Access-Control-Allow-Origin" not in first.headers
    assert seen[0].reason == reasons.ORIGIN_CHECK_FAILED
    assert second.headers["Access-Control-Allow-Origin"] == A


def test_cached_check_as_an_allowed_origin_of_the_middleware() -> None:
    database = Database(A)
    check = ttl_cache(database, seconds=60)
    client = TestApp(CORSMiddleware(hello_app, allow_origins=[check], allow_methods=["PUT"]))
    preflight = {"Origin": A, "Access-Control-Request-Method": "PUT"}

    responses = [client.options("/", headers=preflight) for _ in range(3)]
    responses += [client.get("/", headers={"Origin": A}) for _ in range(3)]
    refused = client.get("/", headers={"Origin": B})

    assert all(r.headers["Access-Control-Allow-Origin"] == A for r in responses)
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert database.lookups == Counter({A: 1, B: 1})


def test_concurrent_lookups_always_get_the_right_answer_within_the_bound() -> None:
    origins = [f"https://{n}.example.com" for n in range(8)]
    database = Database(*origins[::2])
    check = ttl_cache(database, seconds=60, maxsize=4)
    wrong: list[str] = []

    def hammer(offset: int) -> None:
        for i in range(400):
            origin = origins[(i + offset) % len(origins)]
            if check(origin) != (origin in database.origins):
                wrong.append(origin)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wrong == []
    assert len(check) <= 4


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        ({"check": "https://a.example.com"}, "check"),
        ({"seconds": 0}, "seconds"),
        ({"seconds": -5}, "seconds"),
        ({"seconds": True}, "seconds"),
        ({"seconds": "60"}, "seconds"),
        ({"maxsize": 0}, "maxsize"),
        ({"maxsize": 1.5}, "maxsize"),
    ],
)
def test_bad_cache_settings_are_config_errors(arguments: dict[str, object], option: str) -> None:
    settings: dict[str, object] = {"check": Database(), **arguments}

    with pytest.raises(ConfigError) as caught:
        ttl_cache(**settings)  # type: ignore[arg-type]

    assert caught.value.option == option
