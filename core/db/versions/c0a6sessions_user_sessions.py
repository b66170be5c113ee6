"""core: server-side sessions (issue 11 F2)

Revision ID: c0a6sessions
Revises: c0a5api
Create Date: 2026-12-04 14:00:00

Cookies issued before this version carry no session and are no longer honoured: everyone signs in once more.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a6sessions"
down_revision: str | None = "c0a5api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], name=op.f("fk_core_user_session_user_id_core_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_user_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_core_user_session_key_hash")),
    )
    with op.batch_alter_table("core_user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_user_session_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_user_session_user_id"))
    op.drop_table("core_user_session")
