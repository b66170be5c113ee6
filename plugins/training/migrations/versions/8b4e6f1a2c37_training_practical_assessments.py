"""training: practical assessments scored on a course's rubric (R3.2.4)

Revision ID: 8b4e6f1a2c37
Revises: 5c1d8e2f7a90
Create Date: 2026-12-04 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8b4e6f1a2c37'
down_revision: str | None = '5c1d8e2f7a90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rubric', sa.Text(), nullable=True))
    op.create_table('training_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['core_user.id'], name=op.f('fk_training_assessment_assessor_id_core_user')),
    sa.ForeignKeyConstraint(['course_id'], ['training_course.id'], name=op.f('fk_training_assessment_course_id_training_course')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_training_assessment_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_assessment'))
    )
    with op.batch_alter_table('training_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_assessment_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_assessment_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('training_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_assessment_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_assessment_course_id'))
    op.drop_table('training_assessment')
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.drop_column('rubric')
