"""crm: an index for the interaction list (issue 12: a customer's smart buttons open it)

The list of every interaction in a scope is newest first; without an index on the time it sorted all of them for
one page. (occurred_at, id): the list's order and its tiebreaker.

Revision ID: 7c2e9b41d5a0
Revises: 3f1c0d7e9a42
Create Date: 2026-12-04 17:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7c2e9b41d5a0'
down_revision: str | None = '3f1c0d7e9a42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_crm_interaction_occurred", "crm_interaction", ["occurred_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_crm_interaction_occurred", table_name="crm_interaction")
