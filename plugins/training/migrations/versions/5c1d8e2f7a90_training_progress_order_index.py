"""training: index for the progress page's default order (issue 15 "Performance")

Revision ID: 5c1d8e2f7a90
Revises: 320a4d9b86eb
Create Date: 2026-12-04 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '5c1d8e2f7a90'
down_revision: str | None = '320a4d9b86eb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('training_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_training_assignment_base_date', ['base_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('training_assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_training_assignment_base_date')
