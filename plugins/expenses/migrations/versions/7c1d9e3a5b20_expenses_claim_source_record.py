"""expenses: a claim may be filed for the cost of another record (issue 17)

expenses_claim.source_type / source_id hold the record key (core.attachments.records.record_key: table name and
id) of the record whose cost the claim reimburses, e.g. a team activity; both NULL for an ordinary claim. The
index serves the record page's "Claims" count and timeline.

Plain ADD COLUMN (no batch copy of expenses_claim), so SQLite keeps the search-index triggers of 5b7e2c4d9f10.

Revision ID: 7c1d9e3a5b20
Revises: 5b7e2c4d9f10
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7c1d9e3a5b20'
down_revision: str | None = '5b7e2c4d9f10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("expenses_claim", sa.Column("source_type", sa.String(length=60), nullable=True))
    op.add_column("expenses_claim", sa.Column("source_id", sa.Integer(), nullable=True))
    op.create_index("ix_expenses_claim_source", "expenses_claim", ["source_type", "source_id"])


def downgrade() -> None:
    op.drop_index("ix_expenses_claim_source", table_name="expenses_claim")
    # Dropping columns needs a table copy on SQLite, which drops the search triggers: recreate them after.
    with op.batch_alter_table("expenses_claim") as batch:
        batch.drop_column("source_id")
        batch.drop_column("source_type")
    if op.get_bind().dialect.name == "sqlite":
        import importlib.util
        from pathlib import Path

        path = Path(__file__).with_name("5b7e2c4d9f10_expenses_claim_search_grams.py")
        spec = importlib.util.spec_from_file_location("expenses_claim_search_grams", path)
        grams = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(grams)  # type: ignore[union-attr]
        grams.create_sqlite_triggers()
