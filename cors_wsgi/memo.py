"""A bounded memo of finished decisions, with one memory budget for the whole process.

A decision is a pure function of an immutable policy and a few request
values, so a repeat of those values can get the Decision already built,
skipping the origin grammar and the header parsing. Request data chooses
the keys, so the memory is bounded twice over: the caller only uses values
within the length bounds as keys (checked before hashing them), and every
``MAX_ENTRIES`` insertions, counted across all the policies of the process,
clear every memo. No lock is taken: a dict's get, set and clear are each
atomic in CPython, and the insertion counter is an ``itertools.count``.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Union

from .facts import Entry

#: Most entries all memos of a process hold together (plus the few writes of
#: threads racing a clear). An entry is at most a 1 KiB origin, a 4 KiB
#: Access-Control-Request-Headers and a Decision echoing it, about 11 KiB, so
#: the worst case is about 11 MiB; real origins and headers make it ~0.5 MiB.
MAX_ENTRIES = 1024

#: The origin of an actual request; or origin, method, headers and private network flag of a preflight.
Key = Union[str, tuple[str, str, Union[str, None], bool]]


#: One policy's memo. A plain dict, not a subclass: CPython 3.11 specializes ``memo.get(key)``
#: only on an exact dict, and a subclass's lookup costs about 170 instructions more.
Memo = dict[Key, Entry]

#: Every live policy's memo, by id (a dict is unhashable); it leaves when its policy is collected.
_live: dict[int, Memo] = {}
_insertions = itertools.count(1)


def new_memo(owner: object) -> Memo:
    """An empty memo for ``owner``, registered for the process-wide clear while ``owner`` lives."""
    memo: Memo = {}
    _live[id(memo)] = memo
    weakref.finalize(owner, _live.pop, id(memo))
    return memo


def remember(memo: Memo, key: Key, entry: Entry) -> Entry:
    """Store ``entry`` under ``key``, first clearing every memo when the budget is spent."""
    if next(_insertions) % MAX_ENTRIES == 0:
        forget_all()
    memo[key] = entry
    return entry


def forget_all() -> None:
    """Empty every live memo: when the budget is spent, and before each of the project's tests,
    so that no test's answers come from what an earlier test decided."""
    for live in list(_live.values()):
        live.clear()


def entries() -> int:
    """How many entries all live memos hold now (for tests and diagnostics)."""
    return sum(len(memo) for memo in list(_live.values()))
