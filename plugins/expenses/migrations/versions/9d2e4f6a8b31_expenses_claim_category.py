"""expenses: the claim's category, for grouping the claim list (issue 12 group-by)

expenses_claim.category_id is the category of the claim's lines when they all share one, NULL when they have
several: a claim list grouped by category groups whole claims (counts and totals of claims), never a claim twice.
Kept by plugins.expenses.services.claims whenever the lines change; existing claims are filled here. No foreign
key: a grouping key derived from the lines (categories are deactivated, never deleted), added by a plain ADD COLUMN
so that SQLite keeps the search triggers of 5b7e2c4d9f10.

Revision ID: 9d2e4f6a8b31
Revises: 7c1d9e3a5b20
Create Date: 2026-12-04 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9d2e4f6a8b31'
down_revision: str | None = '7c1d9e3a5b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("expenses_claim", sa.Column("category_id", sa.Integer(), nullable=True))
    op.execute("UPDATE expenses_claim SET category_id = (SELECT CASE WHEN count(DISTINCT l.category_id) = 1 "
               "THEN min(l.category_id) END FROM expenses_claim_line l WHERE l.claim_id = expenses_claim.id)")


def downgrade() -> None:
    # Dropping a column copies the table on SQLite, which drops the search triggers: recreate them after.
    with op.batch_alter_table("expenses_claim") as batch:
        batch.drop_column("category_id")
    if op.get_bind().dialect.name == "sqlite":
        import importlib.util
        from pathlib import Path

        path = Path(__file__).with_name("5b7e2c4d9f10_expenses_claim_search_grams.py")
        spec = importlib.util.spec_from_file_location("expenses_claim_search_grams", path)
        grams = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(grams)  # type: ignore[union-attr]
        grams.create_sqlite_triggers()
