"""The claim's source record columns (issue 17) migrate down and up again, and the search triggers survive the
table copy SQLite needs to drop a column (migration 7c1d9e3a5b20)."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from core.db import migrations
from core.setup import plugin_lineage


def test_the_source_record_columns_go_down_and_up_again(app, fresh_database):
    engine = app.extensions["netsales"]
    db_engine = create_engine(fresh_database.url)
    core, expenses = migrations.core_lineage(), plugin_lineage(engine, "expenses")
    try:
        migrations.upgrade(db_engine, core)
        migrations.upgrade(db_engine, expenses)
        triggers = _triggers(db_engine)
        assert triggers > 0
        migrations.downgrade(db_engine, expenses, "5b7e2c4d9f10")
        assert {"source_type", "source_id"}.isdisjoint(
            c["name"] for c in inspect(db_engine).get_columns("expenses_claim"))
        assert _triggers(db_engine) == triggers
        migrations.upgrade(db_engine, expenses)
        assert migrations.drift(db_engine, expenses) == []
        assert _triggers(db_engine) == triggers
    finally:
        db_engine.dispose()


def _triggers(db_engine) -> int:
    """The triggers on expenses_claim (those that keep the search index, migration 5b7e2c4d9f10)."""
    sql = ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'expenses_claim'"
           if db_engine.dialect.name == "sqlite" else
           "SELECT count(DISTINCT trigger_name) FROM information_schema.triggers "
           "WHERE event_object_table = 'expenses_claim'")
    with db_engine.connect() as connection:
        return connection.execute(text(sql)).scalar()
