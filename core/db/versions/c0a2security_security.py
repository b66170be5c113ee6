"""core: login throttling, audit trail

Revision ID: c0a2security
Revises: c0a1identity
Create Date: 2026-11-27 13:40:00

Owned by the security work: core_login_attempt (core/auth) and core_audit_log (core/audit).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a2security"
down_revision: str | None = "c0a1identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_login_attempt")),
    )
    with op.batch_alter_table("core_login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_core_login_attempt_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_core_login_attempt_login_at", ["login", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_login_attempt_at"), ["at"], unique=False)

    op.create_table(
        "core_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_audit_log")),
    )
    with op.batch_alter_table("core_audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_core_audit_log_record", ["table_name", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_log_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_log_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_audit_log_user_id"))
        batch_op.drop_index(batch_op.f("ix_core_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_core_audit_log_actor"))
        batch_op.drop_index(batch_op.f("ix_core_audit_log_action"))
        batch_op.drop_index("ix_core_audit_log_record")
    op.drop_table("core_audit_log")

    with op.batch_alter_table("core_login_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_login_attempt_at"))
        batch_op.drop_index("ix_core_login_attempt_login_at")
        batch_op.drop_index("ix_core_login_attempt_address_at")
    op.drop_table("core_login_attempt")
