"""core: personal API tokens

Revision ID: c0a5api
Revises: c0a4content
Create Date: 2026-11-27 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a5api"
down_revision: str | None = "c0a4content"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], name=op.f("fk_core_api_token_user_id_core_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_core_api_token_token_hash")),
    )
    with op.batch_alter_table("core_api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_api_token_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_api_token_user_id"))
    op.drop_table("core_api_token")
