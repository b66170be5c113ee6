"""crm: substring index of contact names, for the global search (issue 18)

crm_contact_gram holds, for every position of a contact's name in lower case (the database's lower(), as the
search's LIKE compares), the at most 8 characters starting there; a window that repeats in a name is one row. A
text of up to 8 characters occurs in a name exactly when a row of it starts with the text, so the global search
finds contacts by name through a range of this index instead of reading every contact in the user's scope; a
longer text is looked up by its first and last 8 characters and confirmed with the LIKE (plugins/crm/search.py).

Database triggers keep it true on every write to crm_contact (insert, update of the name, delete), whatever wrote
it, like crm_customer_gram's (migration 3f1c0d7e9a42). On SQLite a batch migration that copies crm_contact drops
its triggers; such a migration must run create_sqlite_triggers() again.

Revision ID: 2b7f0c5e8d13
Revises: 9d4e2a7c1b36
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '2b7f0c5e8d13'
down_revision: str | None = '9d4e2a7c1b36'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Characters per window; plugins.crm.models.SEARCH_WINDOW must agree.
WINDOW = 8


def _sqlite_windows(row: str) -> str:
    """SQLite: the windows of ``row``'s lower-cased name, one per position, as a subquery."""
    value = f"lower({row}.name)"
    return (f"WITH RECURSIVE crm_position(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM crm_position "
            f"WHERE i < length({value})) SELECT substr({value}, i, {WINDOW}) AS gram FROM crm_position "
            f"WHERE coalesce({value}, '') <> ''")


def create_sqlite_triggers() -> None:
    add = ("INSERT OR IGNORE INTO crm_contact_gram (gram, contact_id) "
           f"SELECT gram, NEW.id FROM ({_sqlite_windows('NEW')});")
    remove = f"DELETE FROM crm_contact_gram WHERE contact_id = OLD.id AND gram IN ({_sqlite_windows('OLD')});"
    op.execute(f"CREATE TRIGGER crm_contact_gram_insert AFTER INSERT ON crm_contact BEGIN {add} END")
    op.execute(f"""
        CREATE TRIGGER crm_contact_gram_update AFTER UPDATE OF name ON crm_contact
        WHEN OLD.name IS NOT NEW.name BEGIN {remove} {add} END""")
    op.execute(f"CREATE TRIGGER crm_contact_gram_delete AFTER DELETE ON crm_contact BEGIN {remove} END")


def _drop_sqlite_triggers() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS crm_contact_gram_{event}")


def _postgresql_rows(source: str, row: str = "c") -> str:
    """PostgreSQL: the (gram, contact_id) rows of the contacts ``row`` in ``source`` (a FROM item; none for a
    trigger's OLD or NEW row)."""
    start = f"FROM {source} CROSS JOIN LATERAL" if source else "FROM"
    return (f"SELECT DISTINCT substr(lower({row}.name), i, {WINDOW}), {row}.id {start} "
            f"generate_series(1, length({row}.name)) AS i WHERE {row}.name <> ''")


def _create_postgresql_triggers() -> None:
    # Inserts and deletes: once per statement over its transition table, so that a bulk load is set-based.
    op.execute(f"""
        CREATE FUNCTION crm_contact_gram_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO crm_contact_gram (gram, contact_id) {_postgresql_rows("inserted AS c")}
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER crm_contact_gram_insert AFTER INSERT ON crm_contact
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION crm_contact_gram_inserted()""")
    op.execute(f"""
        CREATE FUNCTION crm_contact_gram_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM crm_contact_gram AS g USING ({_postgresql_rows("deleted AS c")}) AS gone (gram, id)
            WHERE g.gram = gone.gram AND g.contact_id = gone.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER crm_contact_gram_delete AFTER DELETE ON crm_contact
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION crm_contact_gram_deleted()""")
    # Updates: per row, and only when the name changed.
    op.execute(f"""
        CREATE FUNCTION crm_contact_gram_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM crm_contact_gram AS g USING ({_postgresql_rows("", row="OLD")}) AS gone (gram, id)
            WHERE g.gram = gone.gram AND g.contact_id = gone.id;
            INSERT INTO crm_contact_gram (gram, contact_id) {_postgresql_rows("", row="NEW")} ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER crm_contact_gram_update AFTER UPDATE OF name ON crm_contact
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION crm_contact_gram_updated()""")


def _drop_postgresql_triggers() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS crm_contact_gram_{event} ON crm_contact")
    for event in ("inserted", "deleted", "updated"):
        op.execute(f"DROP FUNCTION IF EXISTS crm_contact_gram_{event}()")


def _backfill(postgresql: bool) -> None:
    if postgresql:
        op.execute(f"INSERT INTO crm_contact_gram (gram, contact_id) {_postgresql_rows('crm_contact AS c')} "
                   "ON CONFLICT DO NOTHING")
        return
    op.execute(f"""
        WITH RECURSIVE crm_position(i) AS (
            SELECT 1 UNION ALL SELECT i + 1 FROM crm_position
            WHERE i < (SELECT max(length(name)) FROM crm_contact))
        INSERT OR IGNORE INTO crm_contact_gram (gram, contact_id)
        SELECT substr(lower(c.name), p.i, {WINDOW}), c.id
        FROM crm_contact AS c JOIN crm_position AS p ON p.i <= length(c.name)
        WHERE coalesce(c.name, '') <> ''""")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    gram = sa.String(length=WINDOW, collation="C") if postgresql else sa.String(length=WINDOW)
    op.create_table(
        "crm_contact_gram",
        sa.Column("gram", gram, nullable=False),
        sa.Column("contact_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("gram", "contact_id", name=op.f("pk_crm_contact_gram")),
        sqlite_with_rowid=False,
    )
    # Triggers first: on PostgreSQL CREATE TRIGGER locks crm_contact against writes until this migration commits,
    # so the backfill and the triggers see the same contacts.
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
    op.drop_table("crm_contact_gram")
