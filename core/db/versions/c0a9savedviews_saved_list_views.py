"""core: saved list views (a person's named search, filters, sort and grouping of one list)

Revision ID: c0a9savedviews
Revises: c0a8mailfiles
Create Date: 2026-12-04 17:10:00

Issue 12: lists get saved filters per user.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a9savedviews"
down_revision: str | None = "c0a8mailfiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("list_key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], name=op.f("fk_core_saved_view_user_id_core_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_saved_view")),
        sa.UniqueConstraint("user_id", "list_key", "name", name=op.f("uq_core_saved_view_user_id_list_key_name")),
    )


def downgrade() -> None:
    op.drop_table("core_saved_view")
