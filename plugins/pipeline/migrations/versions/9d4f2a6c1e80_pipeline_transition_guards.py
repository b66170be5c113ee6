"""pipeline: guards for concurrent transitions (issue 11 F3)

- quotation.version and ticket.version: optimistic locks (SQLAlchemy's version_id_col), as deals and orders have,
  so that of two transitions of one quotation or ticket at once exactly one is written;
- a unique quotation_id on orders: an accepted quotation becomes one order, even on two clicks at once.

Revision ID: 9d4f2a6c1e80
Revises: 7c2e91d4a5b3
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9d4f2a6c1e80'
down_revision: str | None = '7c2e91d4a5b3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('pipeline_quotation', 'pipeline_ticket'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_pipeline_order_quotation_id', ['quotation_id'])


def downgrade() -> None:
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.drop_constraint('uq_pipeline_order_quotation_id', type_='unique')
    for table in ('pipeline_ticket', 'pipeline_quotation'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
