"""core: a notification's subject (resolved when its task is done), an outbox message's record and catcher time

Revision ID: c0a7notices
Revises: c0a6sessions
Create Date: 2026-12-04 15:15:00

Issue 12: notifications about a finished task resolve themselves; a quotation says whether its e-mail was queued,
sent, failed or kept by the local mail catcher.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a7notices"
down_revision: str | None = "c0a6sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("core_notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=120), nullable=True))
        batch_op.create_index("ix_core_notification_subject_read", ["subject", "read_at"], unique=False)
    with op.batch_alter_table("core_email_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("caught_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_core_email_outbox_ref", ["ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_email_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_core_email_outbox_ref")
        batch_op.drop_column("caught_at")
        batch_op.drop_column("ref")
    with op.batch_alter_table("core_notification", schema=None) as batch_op:
        batch_op.drop_index("ix_core_notification_subject_read")
        batch_op.drop_column("subject")
