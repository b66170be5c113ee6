"""Test databases: a SQLite file, or a private schema on the PostgreSQL server in NETSALES_TEST_DATABASE_URL."""

from __future__ import annotations

import os
import uuid
import warnings
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Integer, create_engine, inspect, text
from sqlalchemy.engine import make_url

from core.config import normalise_database_url

ENV_URL = "NETSALES_TEST_DATABASE_URL"


class TestDatabase:
    """One empty database for tests; ``drop()`` removes it. On PostgreSQL each is a schema of its own, so runs
    never meet each other's tables and the server's database is left as it was."""

    __test__ = False  # not a test class

    def __init__(self, folder: Path) -> None:
        server = os.environ.get(ENV_URL)
        self.schema: str | None = None
        if server:
            self.server_url = normalise_database_url(server)
            self.schema = f"netsales_test_{uuid.uuid4().hex[:12]}"
            engine = create_engine(self.server_url)
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            engine.dispose()
            separator = "&" if "?" in self.server_url else "?"
            self.url = f"{self.server_url}{separator}options={quote(f'-csearch_path={self.schema}')}"
        else:
            folder.mkdir(parents=True, exist_ok=True)
            self.url = f"sqlite:///{folder / f'netsales-{uuid.uuid4().hex[:8]}.db'}"

    @property
    def is_postgresql(self) -> bool:
        return self.schema is not None

    def table_names(self) -> list[str]:
        engine = create_engine(self.url)
        try:
            return inspect(engine).get_table_names()
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self.schema:
            engine = create_engine(self.server_url)
            with engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            engine.dispose()
        else:
            path = Path(make_url(self.url).database or "")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def empty_all_tables(engine) -> None:  # type: ignore[no-untyped-def]
    """Delete every row of every table but the migration version tables: each test starts from a migrated,
    empty database without paying for the migrations again."""
    tables = [t for t in inspect(engine).get_table_names() if not t.startswith("alembic_version")]
    if not tables:
        return
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            _empty_postgresql(connection, tables)
        return
    with engine.connect() as connection:
        # SQLite ignores this pragma inside a transaction; pysqlite only opens one at the first DELETE.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            connection.execute(text(f'DELETE FROM "{table}"'))
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def _empty_postgresql(connection, tables: list[str]) -> None:  # type: ignore[no-untyped-def]
    """DELETE with foreign-key triggers off: about fifty times faster than TRUNCATE on a schema of small tables
    (TRUNCATE replaces every table's files). Needs a superuser, as the test server's postgres role is; another
    role falls back to TRUNCATE."""
    try:
        with connection.begin_nested():
            connection.execute(text("SET LOCAL session_replication_role = replica"))
    except Exception:  # noqa: BLE001 - not allowed to set it: the slow, always-permitted way
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    for table in tables:
        connection.execute(text(f'DELETE FROM "{table}"'))


class Baseline:
    """Every table's rows as they stood once the session's shared app was ready (permissions, roles, enabled
    plugins, plugins' seed data). After each test the database is put back to exactly this, which is much cheaper
    than building and seeding a new app for every test."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import MetaData, select

        self.metadata = MetaData()
        self.metadata.reflect(engine)
        with warnings.catch_warnings():  # departments and users refer to each other; their rows start empty
            warnings.simplefilter("ignore")
            self.tables = list(self.metadata.sorted_tables)
        self.rows: dict[str, list[dict]] = {}
        with engine.connect() as connection:
            for table in self.tables:
                if table.name.startswith("alembic_version"):
                    continue
                rows = [dict(r) for r in connection.execute(select(table)).mappings()]
                if rows:
                    self.rows[table.name] = rows
        self.sequence_resets = self._sequence_resets(engine) if engine.dialect.name == "postgresql" else []

    def _sequence_resets(self, engine) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
        """(sequence, first id after the baseline rows) for every table whose id comes from a sequence."""
        resets = []
        with engine.connect() as connection:
            for table in self.tables:
                if "id" not in table.c or not isinstance(table.c.id.type, Integer):
                    continue
                sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                             {"table": f'"{table.name}"'})
                if sequence:
                    ids = [row["id"] for row in self.rows.get(table.name, []) if row["id"] is not None]
                    resets.append((sequence, max(ids, default=0) + 1))
        return resets

    def restore(self, engine) -> None:  # type: ignore[no-untyped-def]
        if engine.dialect.name != "postgresql":
            empty_all_tables(engine)
            with engine.begin() as connection:
                self._insert_rows(connection)
            return
        with engine.begin() as connection:  # one transaction: one commit instead of one per step
            _empty_postgresql(connection, [t.name for t in self.tables if not t.name.startswith("alembic_version")])
            self._insert_rows(connection)
            if self.sequence_resets:  # each id sequence starts again just past its baseline rows, as after a seed
                connection.execute(text("SELECT " + ", ".join(
                    f"setval('{name}', {next_id}, false)" for name, next_id in self.sequence_resets)))

    def _insert_rows(self, connection) -> None:  # type: ignore[no-untyped-def]
        for table in self.tables:
            rows = self.rows.get(table.name)
            if rows:
                connection.execute(table.insert(), rows)
