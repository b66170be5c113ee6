"""Two (or more) requests on one record at the same moment, made deterministic for tests.

``race(first, second)`` runs each callable in a thread of its own. Every thread pauses just before its first write
(to any table but the bookkeeping ones in ``skip``, which commit on their own, like an API token's last use) until
all of them have got there: so each has read the record and passed the rules' checks (the state, the person) before
any of them writes. (The first write, not the first to the record's table: on SQLite a transaction that has
written holds the database's write lock, and the other thread could not get to its own pause.) A locking read
(``SELECT ... FOR UPDATE``, PostgreSQL only) counts as a write: it is where a transaction claims the row. Without a guard on the
write (a version column, a conditional UPDATE), both changes then land; with one, exactly one does. It behaves the
same on SQLite and on PostgreSQL, so the concurrency tests run on both.

Give each callable its own app (``make_app()``: its own connection pool, as two processes have) and do the work
inside it, e.g. a test client's request, or ``with app.app_context(): service(...); db.session.commit()``.

    outcome = race(lambda: client_a.post(url), lambda: client_b.post(url))
    assert outcome.interleaved           # both really read before either wrote
    assert sorted(r.status_code for r in outcome.results) == [302, 302]

A thread that finishes (or fails) without reaching the write lets the others go on at once; ``interleaved`` then
says False, and a test that asserts it fails rather than passing without having raced.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Written and committed on their own before the request's work (they hold no lock while the request runs).
BOOKKEEPING = frozenset({"core_api_token"})
WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)
LOCKING_READ = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b", re.IGNORECASE)


@dataclass
class RaceOutcome:
    """What each callable returned (``results``) or raised (``errors``), in the order they were given."""

    results: list[Any]
    errors: list[BaseException | None]
    interleaved: bool
    paused: list[bool] = field(default_factory=list)

    def raise_errors(self) -> None:
        """Re-raise the first exception a thread raised (its traceback says where)."""
        for error in self.errors:
            if error is not None:
                raise error


def race(*actions: Callable[[], Any], skip: Iterable[str] = BOOKKEEPING, timeout: float = 30.0) -> RaceOutcome:
    """Run ``actions`` in parallel threads that all pause before their first write (to a table not in ``skip``)."""
    skipped = {t.lower() for t in skip}
    barrier = threading.Barrier(len(actions), timeout=timeout)
    racers: dict[int, int] = {}  # thread ident -> index
    paused = [False] * len(actions)
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException | None] = [None] * len(actions)

    def before_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        index = racers.get(threading.get_ident())
        if index is None or paused[index]:
            return
        match = WRITE.match(statement)
        if match is None and not LOCKING_READ.search(statement):
            return
        if match is not None and match.group(1).lower() in skipped:
            return
        paused[index] = True
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            paused[index] = False  # another thread ended without writing: go on, and say it did not race

    def run(index: int, action: Callable[[], Any]) -> None:
        racers[threading.get_ident()] = index
        try:
            results[index] = action()
        except BaseException as exc:  # noqa: BLE001 - handed to the test, which decides
            errors[index] = exc
        finally:
            if not paused[index]:
                barrier.abort()  # never got to the write: nobody waits for this thread

    event.listen(Engine, "before_cursor_execute", before_write)
    try:
        threads = [threading.Thread(target=run, args=(i, a), name=f"race-{i}") for i, a in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout * 2)
        if any(thread.is_alive() for thread in threads):
            raise TimeoutError("a racing thread did not finish")
    finally:
        event.remove(Engine, "before_cursor_execute", before_write)
    return RaceOutcome(results, errors, interleaved=all(paused), paused=paused)
