"""training: enrolments by (session, attendance, user), read from the index alone (issue 15 "Performance")

Replaces the single-column session index, whose lookups the new one serves as well.

Revision ID: a7d3c9e5b214
Revises: 8b4e6f1a2c37
Create Date: 2026-12-04 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'a7d3c9e5b214'
down_revision: str | None = '8b4e6f1a2c37'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('training_enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_training_enrolment_session_id')
        batch_op.create_index('ix_training_enrolment_session_attendance_user', ['session_id', 'attendance', 'user_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('training_enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_training_enrolment_session_attendance_user')
        batch_op.create_index('ix_training_enrolment_session_id', ['session_id'], unique=False)
