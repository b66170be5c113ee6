"""core: scheduled jobs, notifications and email outbox, settings

Revision ID: c0a3services
Revises: c0a2security
Create Date: 2026-11-27 13:40:00

Jobs (core_job), notifications (core_notification, core_notification_preference), the email outbox
(core_email_outbox) and settings (core_setting).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a3services"
down_revision: str | None = "c0a2security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_job",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_core_job")),
    )
    op.create_index(op.f("ix_core_job_next_run_at"), "core_job", ["next_run_at"], unique=False)

    op.create_table(
        "core_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["core_user.id"],
                                name=op.f("fk_core_notification_recipient_id_core_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_notification")),
    )
    op.create_index("ix_core_notification_recipient_created", "core_notification", ["recipient_id", "created_at"])
    op.create_index("ix_core_notification_recipient_read", "core_notification", ["recipient_id", "read_at"])

    op.create_table(
        "core_notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"],
                                name=op.f("fk_core_notification_preference_user_id_core_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_core_notification_preference")),
    )

    op.create_table(
        "core_email_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_email_outbox")),
    )
    op.create_index("ix_core_email_outbox_due", "core_email_outbox", ["sent_at", "next_attempt_at"])

    op.create_table(
        "core_setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["core_user.id"],
                                name=op.f("fk_core_setting_updated_by_id_core_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_core_setting")),
    )


def downgrade() -> None:
    op.drop_table("core_setting")
    op.drop_index("ix_core_email_outbox_due", table_name="core_email_outbox")
    op.drop_table("core_email_outbox")
    op.drop_table("core_notification_preference")
    op.drop_index("ix_core_notification_recipient_read", table_name="core_notification")
    op.drop_index("ix_core_notification_recipient_created", table_name="core_notification")
    op.drop_table("core_notification")
    op.drop_index(op.f("ix_core_job_next_run_at"), table_name="core_job")
    op.drop_table("core_job")
