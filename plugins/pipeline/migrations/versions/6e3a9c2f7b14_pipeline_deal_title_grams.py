"""pipeline: substring index of deal titles, for the global search (issue 18)

pipeline_deal_gram holds, for every position of a deal's title in lower case (the database's lower(), as the
search's LIKE compares), the at most 8 characters starting there; a window that repeats in a title is one row. A
text of up to 8 characters occurs in a title exactly when a row of it starts with the text, so the global search
finds deals by title through a range of this index instead of reading every deal in the user's scope; a longer
text is looked up by its first and last 8 characters and confirmed with the LIKE (plugins/pipeline/search.py).

Database triggers keep it true on every write to pipeline_deal (insert, update of the title, delete), whatever
wrote it, like the CRM's crm_contact_gram (crm migration 2b7f0c5e8d13). On SQLite a batch migration that copies
pipeline_deal drops its triggers; such a migration must run create_sqlite_triggers() again.

Revision ID: 6e3a9c2f7b14
Revises: 5b8e1f0c7a42
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6e3a9c2f7b14'
down_revision: str | None = '5b8e1f0c7a42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Characters per window; plugins.pipeline.models.DEAL_SEARCH_WINDOW must agree.
WINDOW = 8


def _sqlite_windows(row: str) -> str:
    """SQLite: the windows of ``row``'s lower-cased title, one per position, as a subquery."""
    value = f"lower({row}.title)"
    return (f"WITH RECURSIVE pipeline_position(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pipeline_position "
            f"WHERE i < length({value})) SELECT substr({value}, i, {WINDOW}) AS gram FROM pipeline_position "
            f"WHERE coalesce({value}, '') <> ''")


def create_sqlite_triggers() -> None:
    add = ("INSERT OR IGNORE INTO pipeline_deal_gram (gram, deal_id) "
           f"SELECT gram, NEW.id FROM ({_sqlite_windows('NEW')});")
    remove = f"DELETE FROM pipeline_deal_gram WHERE deal_id = OLD.id AND gram IN ({_sqlite_windows('OLD')});"
    op.execute(f"CREATE TRIGGER pipeline_deal_gram_insert AFTER INSERT ON pipeline_deal BEGIN {add} END")
    op.execute(f"""
        CREATE TRIGGER pipeline_deal_gram_update AFTER UPDATE OF title ON pipeline_deal
        WHEN OLD.title IS NOT NEW.title BEGIN {remove} {add} END""")
    op.execute(f"CREATE TRIGGER pipeline_deal_gram_delete AFTER DELETE ON pipeline_deal BEGIN {remove} END")


def _drop_sqlite_triggers() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS pipeline_deal_gram_{event}")


def _postgresql_rows(source: str, row: str = "d") -> str:
    """PostgreSQL: the (gram, deal_id) rows of the deals ``row`` in ``source`` (a FROM item; none for a trigger's
    OLD or NEW row)."""
    start = f"FROM {source} CROSS JOIN LATERAL" if source else "FROM"
    return (f"SELECT DISTINCT substr(lower({row}.title), i, {WINDOW}), {row}.id {start} "
            f"generate_series(1, length({row}.title)) AS i WHERE {row}.title <> ''")


def _create_postgresql_triggers() -> None:
    # Inserts and deletes: once per statement over its transition table, so that a bulk load is set-based.
    op.execute(f"""
        CREATE FUNCTION pipeline_deal_gram_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO pipeline_deal_gram (gram, deal_id) {_postgresql_rows("inserted AS d")}
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER pipeline_deal_gram_insert AFTER INSERT ON pipeline_deal
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION pipeline_deal_gram_inserted()""")
    op.execute(f"""
        CREATE FUNCTION pipeline_deal_gram_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM pipeline_deal_gram AS g USING ({_postgresql_rows("deleted AS d")}) AS gone (gram, id)
            WHERE g.gram = gone.gram AND g.deal_id = gone.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER pipeline_deal_gram_delete AFTER DELETE ON pipeline_deal
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION pipeline_deal_gram_deleted()""")
    # Updates: per row, and only when the title changed (a stage move rewrites the row, not the title).
    op.execute(f"""
        CREATE FUNCTION pipeline_deal_gram_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM pipeline_deal_gram AS g USING ({_postgresql_rows("", row="OLD")}) AS gone (gram, id)
            WHERE g.gram = gone.gram AND g.deal_id = gone.id;
            INSERT INTO pipeline_deal_gram (gram, deal_id) {_postgresql_rows("", row="NEW")} ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER pipeline_deal_gram_update AFTER UPDATE OF title ON pipeline_deal
        FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION pipeline_deal_gram_updated()""")


def _drop_postgresql_triggers() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS pipeline_deal_gram_{event} ON pipeline_deal")
    for event in ("inserted", "deleted", "updated"):
        op.execute(f"DROP FUNCTION IF EXISTS pipeline_deal_gram_{event}()")


def _backfill(postgresql: bool) -> None:
    if postgresql:
        op.execute(f"INSERT INTO pipeline_deal_gram (gram, deal_id) {_postgresql_rows('pipeline_deal AS d')} "
                   "ON CONFLICT DO NOTHING")
        return
    op.execute(f"""
        WITH RECURSIVE pipeline_position(i) AS (
            SELECT 1 UNION ALL SELECT i + 1 FROM pipeline_position
            WHERE i < (SELECT max(length(title)) FROM pipeline_deal))
        INSERT OR IGNORE INTO pipeline_deal_gram (gram, deal_id)
        SELECT substr(lower(d.title), p.i, {WINDOW}), d.id
        FROM pipeline_deal AS d JOIN pipeline_position AS p ON p.i <= length(d.title)
        WHERE coalesce(d.title, '') <> ''""")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    gram = sa.String(length=WINDOW, collation="C") if postgresql else sa.String(length=WINDOW)
    op.create_table(
        "pipeline_deal_gram",
        sa.Column("gram", gram, nullable=False),
        sa.Column("deal_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("gram", "deal_id", name=op.f("pk_pipeline_deal_gram")),
        sqlite_with_rowid=False,
    )
    # Triggers first: on PostgreSQL CREATE TRIGGER locks pipeline_deal against writes until this migration
    # commits, so the backfill and the triggers see the same deals.
    if postgresql:
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()
    _backfill(postgresql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_postgresql_triggers()
    else:
        _drop_sqlite_triggers()
    op.drop_table("pipeline_deal_gram")
