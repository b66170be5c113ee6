"""core: files attached to outbox e-mail (a meeting invitation's .ics, the minutes PDF)

Revision ID: c0a8mailfiles
Revises: c0a7notices
Create Date: 2026-12-04 17:00:00

Issue 17: invitations and minutes are sent as attachments, not as links.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a8mailfiles"
down_revision: str | None = "c0a7notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_email_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["core_email_outbox.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("core_email_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_email_attachment_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_email_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_email_attachment_message_id"))
    op.drop_table("core_email_attachment")
