"""PostgreSQL round trips of a signed-in page (issue 18 part 3): a pooled connection is checked by its socket, not
by a SELECT 1, and the signed-in user is read outside a transaction. A connection the server has ended must still
never reach a user: the next page opens a new one."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from core.db.liveness import socket_is_quiet
from core.extensions import db


@pytest.fixture
def postgresql(app: Any) -> str:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections and transactions; SQLite has no server to lose")
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def end_backends(url: str, pids: set[int]) -> None:
    """What a server restart does to these connections: the server ends them. Waits until they are gone."""
    with psycopg.connect(url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (list(pids),)).fetchone()[0]:
            assert time.monotonic() < deadline, "the server did not end the connections"
            time.sleep(0.05)


def test_a_quiet_idle_connection_passes_and_an_ended_one_does_not(postgresql):
    connection = psycopg.connect(postgresql)
    try:
        assert socket_is_quiet(connection)
        end_backends(postgresql, {connection.info.backend_pid})
        deadline = time.monotonic() + 5
        while socket_is_quiet(connection):  # the goodbye may take a moment to cross the socket
            assert time.monotonic() < deadline, "an ended connection still looks alive"
            time.sleep(0.02)
    finally:
        connection.close()
    assert not socket_is_quiet(connection)  # closed on our side


def test_pages_keep_working_when_the_server_ends_the_pooled_connections(app, client, make_user, login_as,
                                                                        postgresql):
    login_as(make_user("rep", locale="en"))
    used: list[int] = []

    def note_backend(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        used.append(dbapi_connection.info.backend_pid)

    event.listen(db.engine, "checkout", note_backend)
    try:
        assert client.get("/search").status_code == 200
        before = set(used)
        end_backends(postgresql, before)
        used.clear()
        response = client.get("/search")
    finally:
        event.remove(db.engine, "checkout", note_backend)
    # Not the "database cannot be reached" page, and still signed in (signed out, /search redirects to the login).
    assert response.status_code == 200
    assert used and not set(used) & before  # served by new connections: the ended ones were refused


def test_the_signed_in_user_is_read_outside_a_transaction(app, client, make_user, login_as, postgresql):
    """No BEGIN and no ROLLBACK around the shell page's one statement: two round trips fewer."""
    login_as(make_user("rep", locale="en"))
    client.get("/search")  # a first request may fill the process's caches
    seen: list[tuple[str, bool]] = []

    def note(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement, conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get("/search").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(seen) == 1 and "core_user_session" in seen[0][0]
    assert seen[0][1] is True  # autocommit: psycopg sends no BEGIN, and the pool's reset no ROLLBACK
