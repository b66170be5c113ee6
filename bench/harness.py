"""Shared benchmark tools: build an app on a scratch database, time pages against the SQL they run.

Benchmarks print ratios, not seconds, so that their targets mean the same on any machine:
- page / SQL: a request's wall time divided by the time its SQL statements take when replayed alone, rows
  fetched (the rest is Python: routing, ORM, templates). A list page that stays near 1-2 does its work in the database.
- large / small: the same page at two data sizes; near 1 means the page does not grow with the table.

Usage from a benchmark module:

    with bench_app("crm") as app:          # SQLite file, or $NETSALES_BENCH_DATABASE_URL (PostgreSQL)
        build_data(app, n=100_000)
        timing = time_page(app, "/crm/customers?grade=A", user_login="manager")
        print(timing.report("customer list"))
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from core.testing.database import TestDatabase
from core.testing.plugin import build_app, migrate_everything


@dataclass
class PageTiming:
    page_seconds: float
    sql_seconds: float
    statements: int
    status: int

    @property
    def ratio(self) -> float:
        return self.page_seconds / self.sql_seconds if self.sql_seconds else float("inf")

    def report(self, label: str) -> str:
        return (f"{label:<40} page/SQL = {self.ratio:5.2f}   ({self.statements} statements, "
                f"page {self.page_seconds * 1000:.1f} ms, SQL {self.sql_seconds * 1000:.1f} ms, HTTP {self.status})")


@contextmanager
def bench_app(*plugins: str) -> Iterator[Flask]:
    """An app on a new, migrated database with ``plugins`` enabled. PostgreSQL when NETSALES_BENCH_DATABASE_URL
    (or NETSALES_TEST_DATABASE_URL) is set, else a SQLite file in a temp folder."""
    url = os.environ.get("NETSALES_BENCH_DATABASE_URL") or os.environ.get("NETSALES_TEST_DATABASE_URL")
    if url:
        os.environ["NETSALES_TEST_DATABASE_URL"] = url
    folder = Path(tempfile.mkdtemp(prefix="netsales-bench-"))
    database = TestDatabase(folder)
    try:
        from core import create_app
        from core.testing.plugin import app_config

        migrate_everything(create_app(app_config(database.url, folder)))
        app = build_app(database.url, folder, enable="builtin", TESTING=False)
        with app.app_context():
            from core.setup import enable_plugins

            for name in plugins:
                enable_plugins(app, name)
        yield app
    finally:
        database.drop()


class SQLRecorder:
    """Records every statement (with its parameters) an engine runs while active."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.statements: list[tuple[str, object]] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        self.statements.append((statement, parameters))

    def __enter__(self) -> SQLRecorder:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        event.remove(self.engine, "before_cursor_execute", self._record)


def sql_seconds(engine, statements: list[tuple[str, object]]) -> float:  # type: ignore[no-untyped-def]
    """The time the database takes to run ``statements`` and hand over every row, on a raw DB-API cursor.

    Timing inside the request would count only ``cursor.execute``: SQLite computes most rows while they are fetched,
    so that would make a page's SQL look cheaper than it is. Writes are rolled back.
    """
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        elapsed = time.perf_counter() - started
        connection.rollback()
        return elapsed
    finally:
        connection.close()


def sign_in(app: Flask, client: FlaskClient, user_login: str) -> None:
    """Give ``client`` the session a real sign-in leaves: what ``flask_login.login_user`` stores (the user, fresh,
    and this browser's identifier for session protection), computed for the client's address and user agent. With
    the user id alone, Flask-Login's session protection treats every request as coming from another browser."""
    from flask import session
    from flask_login import login_user

    from core.auth.sessions import new_session_identity
    from core.extensions import db
    from core.identity.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(login=user_login).one()
        identity = new_session_identity(user)  # the server-side session row a real sign-in opens (issue 11 F2)
        with app.test_request_context(environ_base=client.environ_base):
            login_user(user)
            signed_in = dict(session)
    signed_in["_user_id"] = identity
    with client.session_transaction() as stored:
        stored.update(signed_in)


def time_page(app: Flask, url: str, user_login: str, repeat: int = 7) -> PageTiming:
    """Median over ``repeat`` requests (after one warm-up) of the page time, and of the time its SQL takes alone."""
    from core.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    sign_in(app, client, user_login)
    client.get(url)  # warm caches and compiled queries, as a running server has
    pages, sqls, counts, status = [], [], [], 0
    for _ in range(repeat):
        with SQLRecorder(engine) as recorder:
            started = time.perf_counter()
            response = client.get(url)
            pages.append(time.perf_counter() - started)
        sqls.append(sql_seconds(engine, recorder.statements))
        counts.append(len(recorder.statements))
        status = response.status_code
    if status >= 400:  # a ratio of an error page would read as a result
        raise RuntimeError(f"{url} answered HTTP {status} for {user_login}: nothing to measure")
    return PageTiming(statistics.median(pages), statistics.median(sqls), max(counts), status)


def time_call(function, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of ``function()``."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def set_locale(app: Flask, login: str, locale: str) -> None:
    """The language ``login`` reads the pages in."""
    from core.extensions import db
    from core.identity.models import User

    with app.app_context():
        db.session.query(User).filter_by(login=login).one().locale = locale
        db.session.commit()


def cpu_per_request(app: Flask, client: FlaskClient, url: str, requests: int, rounds: int = 5) -> list[float]:
    """CPU seconds a request (process time: the machine may be shared), for each of ``rounds`` rounds of
    ``requests // rounds`` requests."""
    per_round = max(1, requests // rounds)
    samples = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(per_round):
            response = client.get(url)
        samples.append((time.process_time() - started) / per_round)
        assert response.status_code == 200, response.status_code
    return samples


def profile_page(app: Flask, url: str, login: str, requests: int, functions: int) -> None:
    """Where a page's Python goes (issue 18): the CPU a request of ``url`` as ``login`` beside its SQL replayed
    alone, then, when ``functions``, a cProfile's costliest functions by cumulative and by own time."""
    from core.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    sign_in(app, client, login)
    for _ in range(20):
        client.get(url)  # warm: compiled statements, templates, catalogues
    with SQLRecorder(engine) as recorder:
        client.get(url)
    sql = statistics.median(sql_seconds(engine, recorder.statements) for _ in range(20))
    samples = cpu_per_request(app, client, url, requests)
    cpu = statistics.median(samples)
    print(f"{url} ({login}): CPU {cpu * 1000:.2f} ms a request (rounds {', '.join(f'{s * 1000:.2f}' for s in samples)}),"
          f" {len(recorder.statements)} statements, SQL replayed {sql * 1000:.2f} ms, CPU ÷ SQL {cpu / sql:.2f}")
    if functions:
        print_profile(client, url, requests, functions)


def print_profile(client: FlaskClient, url: str, requests: int, functions: int, own: int | None = None) -> None:
    """A cProfile of ``requests`` requests of ``url``: the ``functions`` costliest by cumulative time, then the
    ``own`` (default as many) costliest by their own time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(functions)
    stats.sort_stats("tottime").print_stats(functions if own is None else own)
