"""crm: live customers per owner and grade, for the customer list's count (issue 18)

crm_customer_tally holds, for each owner (0: the unassigned pool) and grade ("" for none), how many live customers
(merged_into_id IS NULL) there are. The customer list counts from it when only its scope and the grade or owner
filter narrow it: a few rows to add up, where counting the customers themselves read every one of them.

Database triggers keep it true on every write to crm_customer (insert, delete, an update of owner, grade or
merge), whatever wrote it. On PostgreSQL they run once per statement over its transition tables (a bulk load or a
regrade of every customer is one set-based update of the tally) and write the tally's rows in key order, so that
two statements never wait for each other's rows in opposite orders. On SQLite a batch migration that copies
crm_customer drops its triggers; such a migration must run create_sqlite_triggers() again.

Revision ID: 9d4e2a7c1b36
Revises: 7c2e9b41d5a0
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9d4e2a7c1b36'
down_revision: str | None = '7c2e9b41d5a0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _owner(row: str) -> str:
    """A customer row's key in the tally: its owner (0 for none), and its grade ("" for none)."""
    return f"coalesce({row}.owner_id, 0)"


def _grade(row: str) -> str:
    return f"coalesce({row}.grade, '')"


def create_sqlite_triggers() -> None:
    def add(row: str, step: str) -> str:
        return (f"INSERT OR IGNORE INTO crm_customer_tally (owner_key, grade_key, customers) "
                f"SELECT {_owner(row)}, {_grade(row)}, 0 WHERE {row}.merged_into_id IS NULL; "
                f"UPDATE crm_customer_tally SET customers = customers {step} 1 WHERE {row}.merged_into_id IS NULL "
                f"AND owner_key = {_owner(row)} AND grade_key = {_grade(row)};")

    op.execute(f"CREATE TRIGGER crm_customer_tally_insert AFTER INSERT ON crm_customer BEGIN {add('NEW', '+')} END")
    op.execute(f"CREATE TRIGGER crm_customer_tally_delete AFTER DELETE ON crm_customer BEGIN {add('OLD', '-')} END")
    op.execute(f"""
        CREATE TRIGGER crm_customer_tally_update AFTER UPDATE OF owner_id, grade, merged_into_id ON crm_customer
        WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.grade IS NOT NEW.grade
             OR (OLD.merged_into_id IS NULL) <> (NEW.merged_into_id IS NULL)
        BEGIN {add('OLD', '-')} {add('NEW', '+')} END""")


def _drop_sqlite_triggers() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS crm_customer_tally_{event}")


def _postgresql_function(name: str, changes: str) -> None:
    """A statement trigger's function adding ``changes`` (rows of owner key, grade key, step) to the tally."""
    op.execute(f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO crm_customer_tally AS t (owner_key, grade_key, customers)
            SELECT owner_key, grade_key, sum(step) FROM ({changes}) AS change (owner_key, grade_key, step)
            GROUP BY owner_key, grade_key HAVING sum(step) <> 0 ORDER BY owner_key, grade_key
            ON CONFLICT (owner_key, grade_key) DO UPDATE SET customers = t.customers + EXCLUDED.customers;
            RETURN NULL;
        END $$""")


def _live(table: str, step: int) -> str:
    return f"SELECT {_owner('c')}, {_grade('c')}, {step} FROM {table} AS c WHERE c.merged_into_id IS NULL"


def _create_postgresql_triggers() -> None:
    _postgresql_function("crm_customer_tally_inserted", _live("inserted", 1))
    _postgresql_function("crm_customer_tally_deleted", _live("deleted", -1))
    _postgresql_function("crm_customer_tally_updated", f"{_live('before_rows', -1)} UNION ALL {_live('after_rows', 1)}")
    op.execute("""
        CREATE TRIGGER crm_customer_tally_insert AFTER INSERT ON crm_customer
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION crm_customer_tally_inserted()""")
    op.execute("""
        CREATE TRIGGER crm_customer_tally_delete AFTER DELETE ON crm_customer
        REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION crm_customer_tally_deleted()""")
    # Transition tables allow no column list: every update statement runs it, and one that moves no customer
    # between owners, grades or the merged adds nothing (HAVING sum(step) <> 0).
    op.execute("""
        CREATE TRIGGER crm_customer_tally_update AFTER UPDATE ON crm_customer
        REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
        FOR EACH STATEMENT EXECUTE FUNCTION crm_customer_tally_updated()""")


def _drop_postgresql_triggers() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS crm_customer_tally_{event} ON crm_customer")
    for event in ("inserted", "deleted", "updated"):
        op.execute(f"DROP FUNCTION IF EXISTS crm_customer_tally_{event}()")


def upgrade() -> None:
    op.create_table(
        "crm_customer_tally",
        sa.Column("owner_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("grade_key", sa.String(length=1), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner_key", "grade_key", name=op.f("pk_crm_customer_tally")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()
    # Existing customers, in one statement. On PostgreSQL CREATE TRIGGER has locked crm_customer against writes
    # until this migration commits, so the count and the triggers see the same customers.
    op.execute(f"INSERT INTO crm_customer_tally (owner_key, grade_key, customers) "
               f"SELECT {_owner('c')}, {_grade('c')}, count(*) FROM crm_customer AS c "
               f"WHERE c.merged_into_id IS NULL GROUP BY 1, 2")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_postgresql_triggers()
    else:
        _drop_sqlite_triggers()
    op.drop_table("crm_customer_tally")
