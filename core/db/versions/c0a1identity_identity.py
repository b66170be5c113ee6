"""core: identity and access additions (users, departments, roles, scopes)

Revision ID: c0a1identity
Revises: b51b695cfbb4
Create Date: 2026-11-27 13:40:00

Indexes for the users list: its default sort (name) and its position filter.
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op

revision: str = "c0a1identity"
down_revision: str | None = "b51b695cfbb4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_user_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_user_position"), ["position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_user_position"))
        batch_op.drop_index(batch_op.f("ix_core_user_name"))
