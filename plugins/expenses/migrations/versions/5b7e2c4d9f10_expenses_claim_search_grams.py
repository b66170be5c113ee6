"""expenses: substring index for the claim search

expenses_claim_gram holds, for every position of a claim's number and of its title, case-folded (ASCII letters to
lower case), the at most 8 characters starting there: one row per distinct window of the claim. A text of up to 8
characters occurs in the number or the title exactly when a row of the claim starts with the text: a range of
the primary key finds those claims, however many claims there are. Longer texts are looked up by their first and
last 8 characters, then confirmed on the claim (plugins/expenses/services.py, claim_search).

Database triggers keep the table true on every write to expenses_claim (insert, update of the number or the
title, delete), whatever wrote it: the ORM, a bulk statement, an import or a restore. On SQLite a batch migration
that copies expenses_claim drops its triggers; such a migration must run create_sqlite_triggers() again.

Existing claims are indexed here, in set-based statements of CHUNK claims each.

Revision ID: 5b7e2c4d9f10
Revises: 3d5e7a9c1b2f
Create Date: 2026-11-27 19:30:00
"""

import string
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b7e2c4d9f10'
down_revision: str | None = '3d5e7a9c1b2f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Characters per window; plugins.expenses.models.SEARCH_WINDOW must agree.
WINDOW = 8
#: Claims per backfill statement.
CHUNK = 20_000


def _fold(value: str, postgresql: bool) -> str:
    """SQL folding the ASCII letters of ``value`` to lower case, and only those (plugins.expenses.models.fold_case):
    SQLite's lower() does exactly that (NetSales never loads its ICU extension)."""
    if postgresql:
        return f"translate({value}, '{string.ascii_uppercase}', '{string.ascii_lowercase}')"
    return f"lower({value})"


def _sqlite_windows(row: str) -> str:
    """SQLite: the windows of the number and the title of the trigger's ``row`` (OLD or NEW), as a subquery."""
    longest = f"max(coalesce(length({row}.number), 0), coalesce(length({row}.title), 0))"
    return (f"SELECT substr(f.v, p.i, {WINDOW}) AS gram FROM ("
            f"SELECT {_fold(f'{row}.number', False)} AS v UNION ALL SELECT {_fold(f'{row}.title', False)}) AS f "
            f"JOIN (WITH RECURSIVE expenses_position(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM expenses_position "
            f"WHERE i < {longest}) SELECT i FROM expenses_position) AS p ON p.i <= length(f.v) WHERE f.v <> ''")


def create_sqlite_triggers() -> None:
    op.execute(f"""
        CREATE TRIGGER expenses_claim_gram_insert AFTER INSERT ON expenses_claim BEGIN
            INSERT OR IGNORE INTO expenses_claim_gram (gram, claim_id) SELECT gram, NEW.id FROM ({_sqlite_windows("NEW")});
        END""")
    op.execute(f"""
        CREATE TRIGGER expenses_claim_gram_update AFTER UPDATE OF id, number, title ON expenses_claim
        WHEN OLD.number IS NOT NEW.number OR OLD.title IS NOT NEW.title OR OLD.id IS NOT NEW.id BEGIN
            DELETE FROM expenses_claim_gram WHERE claim_id = OLD.id AND gram IN ({_sqlite_windows("OLD")});
            INSERT OR IGNORE INTO expenses_claim_gram (gram, claim_id) SELECT gram, NEW.id FROM ({_sqlite_windows("NEW")});
        END""")
    op.execute(f"""
        CREATE TRIGGER expenses_claim_gram_delete AFTER DELETE ON expenses_claim BEGIN
            DELETE FROM expenses_claim_gram WHERE claim_id = OLD.id AND gram IN ({_sqlite_windows("OLD")});
        END""")


def _drop_sqlite_triggers() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS expenses_claim_gram_{event}")


def _postgresql_rows(source: str, row: str = "c") -> str:
    """PostgreSQL: the (gram, claim_id) rows of the claims ``row`` in ``source`` (a FROM item; none for a trigger's
    OLD or NEW row)."""
    start = f"FROM {source} CROSS JOIN LATERAL" if source else "FROM"
    return (f"SELECT DISTINCT substr(f.v, i, {WINDOW}), {row}.id {start} "
            f"(VALUES ({_fold(f'{row}.number', True)}), ({_fold(f'{row}.title', True)})) AS f(v) "
            f"CROSS JOIN LATERAL generate_series(1, length(f.v)) AS i WHERE f.v <> ''")


def _create_postgresql_triggers() -> None:
    # Inserts and deletes: once per statement over its transition table, so that a bulk load is set-based.
    op.execute(f"""
        CREATE FUNCTION expenses_claim_gram_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO expenses_claim_gram (gram, claim_id) {_postgresql_rows("inserted AS c")}
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER expenses_claim_gram_insert AFTER INSERT ON expenses_claim
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION expenses_claim_gram_inserted()""")
    op.execute(f"""
        CREATE FUNCTION expenses_claim_gram_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM expenses_claim_gram AS g USING ({_postgresql_rows("deleted AS c")}) AS gone (gram, id)
            WHERE g.gram = gone.gram AND g.claim_id = gone.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER expenses_claim_gram_delete AFTER DELETE ON expenses_claim
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION expenses_claim_gram_deleted()""")
    # Updates: per row, and only when the number or the title changed (a state change costs nothing).
    op.execute(f"""
        CREATE FUNCTION expenses_claim_gram_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM expenses_claim_gram AS g USING ({_postgresql_rows("", row="OLD")}) AS gone (gram, id)
            WHERE g.gram = gone.gram AND g.claim_id = gone.id;
            INSERT INTO expenses_claim_gram (gram, claim_id) {_postgresql_rows("", row="NEW")} ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER expenses_claim_gram_update AFTER UPDATE OF id, number, title ON expenses_claim
        FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
                           OR OLD.id <> NEW.id)
        EXECUTE FUNCTION expenses_claim_gram_updated()""")


def _drop_postgresql_triggers() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS expenses_claim_gram_{event} ON expenses_claim")
    for event in ("inserted", "deleted", "updated"):
        op.execute(f"DROP FUNCTION IF EXISTS expenses_claim_gram_{event}()")


def _backfill(postgresql: bool) -> None:
    bind = op.get_bind()
    low, high = bind.execute(sa.text("SELECT min(id), max(id) FROM expenses_claim")).one()
    if low is None:
        return
    for first in range(low, high + 1, CHUNK):
        bounds = {"first": first, "last": first + CHUNK - 1}
        if postgresql:  # a claim's rows are distinct (DISTINCT), and each claim is in one chunk
            chunk = "(SELECT id, number, title FROM expenses_claim WHERE id BETWEEN :first AND :last) AS c"
            bind.execute(sa.text(f"INSERT INTO expenses_claim_gram (gram, claim_id) {_postgresql_rows(chunk)}"),
                         bounds)
            continue
        values = " UNION ALL ".join(
            f"SELECT id, {_fold(column, False)} AS v FROM expenses_claim WHERE id BETWEEN :first AND :last"
            for column in ("number", "title"))
        bind.execute(sa.text(f"""
            WITH RECURSIVE expenses_position(i) AS (
                SELECT 1 UNION ALL SELECT i + 1 FROM expenses_position
                WHERE i < (SELECT max(max(coalesce(length(number), 0), coalesce(length(title), 0)))
                           FROM expenses_claim WHERE id BETWEEN :first AND :last))
            INSERT OR IGNORE INTO expenses_claim_gram (gram, claim_id)
            SELECT substr(f.v, p.i, {WINDOW}), f.id FROM ({values}) AS f
            JOIN expenses_position AS p ON p.i <= length(f.v) WHERE f.v <> ''"""), bounds)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    gram = sa.String(length=WINDOW, collation="C") if postgresql else sa.String(length=WINDOW)
    key = sa.PrimaryKeyConstraint("gram", "claim_id", name=op.f("pk_expenses_claim_gram"))
    # PostgreSQL: the key is built after the backfill in one sorted pass, not row by row (2-3 times faster).
    op.create_table("expenses_claim_gram", sa.Column("gram", gram, nullable=False),
                    sa.Column("claim_id", sa.Integer(), autoincrement=False, nullable=False),
                    *(() if postgresql else (key,)), sqlite_with_rowid=False)
    _backfill(postgresql)
    if postgresql:
        op.create_primary_key(op.f("pk_expenses_claim_gram"), "expenses_claim_gram", ["gram", "claim_id"])
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_postgresql_triggers()
    else:
        _drop_sqlite_triggers()
    op.drop_table("expenses_claim_gram")
