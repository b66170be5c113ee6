"""crm: indexes for the customer list at 100,000 customers (issue 5 "Performance")

The list's sorts and filters get indexes over live customers only (merged files left out), ending with the id the
list breaks ties with; the merged_into_id index keeps only merged files, so that no planner mistakes
"merged_into_id IS NULL" for a selective condition; name_key, phone and email serve prefix search on PostgreSQL
(text_pattern_ops) as well as equality. Indexes the new ones make redundant are dropped.

Revision ID: 6510b6224fb0
Revises: be6b2d22ccae
Create Date: 2026-11-27 16:25:56
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6510b6224fb0'
down_revision: str | None = 'be6b2d22ccae'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("merged_into_id IS NULL")
MERGED = sa.text("merged_into_id IS NOT NULL")

#: name -> columns of the new partial indexes over live customers.
LIVE_INDEXES = {
    "ix_crm_customer_live_owner": ["owner_id", "id"],
    "ix_crm_customer_live_updated": ["updated_at", "id"],
    "ix_crm_customer_live_name": ["name", "id"],
    "ix_crm_customer_live_grade_name": ["grade", "name", "id"],
    "ix_crm_customer_live_owner_updated": ["owner_id", "updated_at", "id"],
    "ix_crm_customer_live_owner_name": ["owner_id", "name", "id"],
    "ix_crm_customer_live_owner_grade_name": ["owner_id", "grade", "name", "id"],
}
#: Replaced by the live indexes (their leading columns).
REPLACED = {
    "ix_crm_customer_updated_at": ["updated_at"],
    "ix_crm_customer_name": ["name"],
    "ix_crm_customer_owner_id": ["owner_id"],
    "ix_crm_customer_grade_name": ["grade", "name"],
    "ix_crm_customer_owner_updated": ["owner_id", "updated_at"],
}
PREFIX_COLUMNS = ("name_key", "phone", "email")


def upgrade() -> None:
    for name in REPLACED:
        op.drop_index(name, table_name="crm_customer")
    for name, columns in LIVE_INDEXES.items():
        op.create_index(name, "crm_customer", columns, sqlite_where=LIVE, postgresql_where=LIVE)
    op.drop_index("ix_crm_customer_merged_into_id", table_name="crm_customer")
    op.create_index("ix_crm_customer_merged_into_id", "crm_customer", ["merged_into_id"], sqlite_where=MERGED,
                    postgresql_where=MERGED)
    for column in PREFIX_COLUMNS:
        op.drop_index(f"ix_crm_customer_{column}", table_name="crm_customer")
        op.create_index(f"ix_crm_customer_{column}", "crm_customer", [column],
                        postgresql_ops={column: "text_pattern_ops"})


def downgrade() -> None:
    for column in PREFIX_COLUMNS:
        op.drop_index(f"ix_crm_customer_{column}", table_name="crm_customer")
        op.create_index(f"ix_crm_customer_{column}", "crm_customer", [column])
    op.drop_index("ix_crm_customer_merged_into_id", table_name="crm_customer")
    op.create_index("ix_crm_customer_merged_into_id", "crm_customer", ["merged_into_id"])
    for name in LIVE_INDEXES:
        op.drop_index(name, table_name="crm_customer")
    for name, columns in REPLACED.items():
        op.create_index(name, "crm_customer", columns)
