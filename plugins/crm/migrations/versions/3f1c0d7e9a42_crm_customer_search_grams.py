"""crm: substring index for the customer list's search (issue 5)

crm_customer_gram holds, for every position of a customer's name key, phone and e-mail, the at most 8 characters
starting there (one row per position; a window that repeats in a value is one row). A text of up to 8 characters
occurs in a value exactly when a row of it starts with the text: a range of the primary key finds those customers,
however many customers there are. Longer texts are looked up by their first and last 8 characters, then confirmed
with LIKE (plugins/crm/services/search_terms.py).

Database triggers keep the table true on every write to crm_customer (insert, update of the three columns,
delete), whatever wrote it: the ORM, a bulk statement, an import or a restore. On SQLite a batch migration that
copies crm_customer drops its triggers; such a migration must run create_sqlite_triggers() again.

Existing customers are indexed here, in set-based statements of CHUNK customers each.

Revision ID: 3f1c0d7e9a42
Revises: 6510b6224fb0
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3f1c0d7e9a42'
down_revision: str | None = '6510b6224fb0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Characters per window; plugins.crm.models.SEARCH_WINDOW must agree.
WINDOW = 8
#: field letter -> crm_customer column (plugins.crm.models.SEARCH_FIELDS).
FIELDS = {"n": "name_key", "p": "phone", "e": "email"}
#: Customers per backfill statement.
CHUNK = 20_000


def _sqlite_windows(value: str) -> str:
    """SQLite: the windows of ``value`` (an expression), one per position, as a subquery."""
    return (f"WITH RECURSIVE crm_position(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM crm_position "
            f"WHERE i < length({value})) SELECT substr({value}, i, {WINDOW}) AS gram FROM crm_position "
            f"WHERE coalesce({value}, '') <> ''")


def create_sqlite_triggers() -> None:
    for field, column in FIELDS.items():
        op.execute(f"""
            CREATE TRIGGER crm_customer_gram_insert_{field} AFTER INSERT ON crm_customer
            WHEN coalesce(NEW.{column}, '') <> '' BEGIN
                INSERT OR IGNORE INTO crm_customer_gram (field, gram, customer_id)
                SELECT '{field}', gram, NEW.id FROM ({_sqlite_windows(f"NEW.{column}")});
            END""")
        op.execute(f"""
            CREATE TRIGGER crm_customer_gram_update_{field} AFTER UPDATE OF {column} ON crm_customer
            WHEN OLD.{column} IS NOT NEW.{column} BEGIN
                DELETE FROM crm_customer_gram WHERE field = '{field}' AND customer_id = OLD.id
                    AND gram IN ({_sqlite_windows(f"OLD.{column}")});
                INSERT OR IGNORE INTO crm_customer_gram (field, gram, customer_id)
                SELECT '{field}', gram, NEW.id FROM ({_sqlite_windows(f"NEW.{column}")});
            END""")
        op.execute(f"""
            CREATE TRIGGER crm_customer_gram_delete_{field} AFTER DELETE ON crm_customer
            WHEN coalesce(OLD.{column}, '') <> '' BEGIN
                DELETE FROM crm_customer_gram WHERE field = '{field}' AND customer_id = OLD.id
                    AND gram IN ({_sqlite_windows(f"OLD.{column}")});
            END""")


def _drop_sqlite_triggers() -> None:
    for field in FIELDS:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS crm_customer_gram_{event}_{field}")


def _postgresql_rows(source: str, row: str = "c") -> str:
    """PostgreSQL: the (field, gram, customer_id) rows of the customers ``row`` in ``source`` (a FROM item; none
    for a trigger's OLD or NEW row)."""
    values = ", ".join(f"('{field}', {row}.{column})" for field, column in FIELDS.items())
    start = f"FROM {source} CROSS JOIN LATERAL" if source else "FROM"
    return (f"SELECT DISTINCT f.field, substr(f.value, i, {WINDOW}), {row}.id {start} "
            f"(VALUES {values}) AS f(field, value) "
            f"CROSS JOIN LATERAL generate_series(1, length(f.value)) AS i WHERE f.value <> ''")


def _create_postgresql_triggers() -> None:
    # Inserts and deletes: once per statement over its transition table, so that a bulk load is set-based.
    op.execute(f"""
        CREATE FUNCTION crm_customer_gram_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO crm_customer_gram (field, gram, customer_id) {_postgresql_rows("inserted AS c")}
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER crm_customer_gram_insert AFTER INSERT ON crm_customer
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION crm_customer_gram_inserted()""")
    op.execute(f"""
        CREATE FUNCTION crm_customer_gram_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM crm_customer_gram AS g USING ({_postgresql_rows("deleted AS c")}) AS gone (field, gram, id)
            WHERE g.field = gone.field AND g.gram = gone.gram AND g.customer_id = gone.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER crm_customer_gram_delete AFTER DELETE ON crm_customer
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION crm_customer_gram_deleted()""")
    # Updates: per row, and only when a searched value changed (a regrade of every customer costs nothing).
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in FIELDS.values())
    old_rows = _postgresql_rows("", row="OLD")
    new_rows = _postgresql_rows("", row="NEW")
    op.execute(f"""
        CREATE FUNCTION crm_customer_gram_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM crm_customer_gram AS g USING ({old_rows}) AS gone (field, gram, id)
            WHERE g.field = gone.field AND g.gram = gone.gram AND g.customer_id = gone.id;
            INSERT INTO crm_customer_gram (field, gram, customer_id) {new_rows} ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute(f"""
        CREATE TRIGGER crm_customer_gram_update AFTER UPDATE OF {", ".join(FIELDS.values())} ON crm_customer
        FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION crm_customer_gram_updated()""")


def _drop_postgresql_triggers() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS crm_customer_gram_{event} ON crm_customer")
    for event in ("inserted", "deleted", "updated"):
        op.execute(f"DROP FUNCTION IF EXISTS crm_customer_gram_{event}()")


def _backfill(postgresql: bool) -> None:
    bind = op.get_bind()
    low, high = bind.execute(sa.text("SELECT min(id), max(id) FROM crm_customer")).one()
    if low is None:
        return
    for first in range(low, high + 1, CHUNK):
        bounds = {"first": first, "last": first + CHUNK - 1}
        if postgresql:
            chunk = "(SELECT * FROM crm_customer WHERE id BETWEEN :first AND :last) AS c"
            bind.execute(sa.text(f"INSERT INTO crm_customer_gram (field, gram, customer_id) "
                                 f"{_postgresql_rows(chunk)} ON CONFLICT DO NOTHING"), bounds)
            continue
        for field, column in FIELDS.items():
            bind.execute(sa.text(f"""
                WITH RECURSIVE crm_position(i) AS (
                    SELECT 1 UNION ALL SELECT i + 1 FROM crm_position
                    WHERE i < (SELECT max(length({column})) FROM crm_customer WHERE id BETWEEN :first AND :last))
                INSERT OR IGNORE INTO crm_customer_gram (field, gram, customer_id)
                SELECT '{field}', substr(c.{column}, p.i, {WINDOW}), c.id
                FROM crm_customer AS c JOIN crm_position AS p ON p.i <= length(c.{column})
                WHERE c.id BETWEEN :first AND :last AND coalesce(c.{column}, '') <> ''"""), bounds)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    gram = sa.String(length=WINDOW, collation="C") if postgresql else sa.String(length=WINDOW)
    op.create_table(
        "crm_customer_gram",
        sa.Column("field", sa.String(length=1), nullable=False),
        sa.Column("gram", gram, nullable=False),
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("field", "gram", "customer_id", name=op.f("pk_crm_customer_gram")),
        sqlite_with_rowid=False,
    )
    _backfill(postgresql)
    if postgresql:
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_postgresql_triggers()
    else:
        _drop_sqlite_triggers()
    op.drop_table("crm_customer_gram")
