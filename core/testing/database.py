"""Test databases: a SQLite file, or a private schema on the PostgreSQL server in NETSALES_TEST_DATABASE_URL."""

from __future__ import annotations

import os
import uuid
import warnings
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, inspect, text
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
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    with engine.connect() as connection:
        # SQLite ignores this pragma inside a transaction; pysqlite only opens one at the first DELETE.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            connection.execute(text(f'DELETE FROM "{table}"'))
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


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

    def restore(self, engine) -> None:  # type: ignore[no-untyped-def]
        empty_all_tables(engine)
        postgres = engine.dialect.name == "postgresql"
        with engine.begin() as connection:
            for table in self.tables:
                rows = self.rows.get(table.name)
                if not rows:
                    continue
                connection.execute(table.insert(), rows)
                if postgres and "id" in table.c and table.c.id.autoincrement is not False:
                    # TRUNCATE ... RESTART IDENTITY reset the sequence; move it past the restored ids.
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table.name}\"), false)"))
