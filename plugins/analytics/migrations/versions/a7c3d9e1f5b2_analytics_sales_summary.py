"""analytics: the sales summary per day and month (issue 16 "Performance")

Revision ID: a7c3d9e1f5b2
Revises: d42e3f2c9277
Create Date: 2026-12-04 17:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a7c3d9e1f5b2'
down_revision: str | None = 'd42e3f2c9277'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analytics_sales_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('grain', sa.String(length=1), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('representative', sa.Text(), nullable=True),
    sa.Column('team', sa.Text(), nullable=True),
    sa.Column('channel', sa.Text(), nullable=True),
    sa.Column('shop', sa.Text(), nullable=True),
    sa.Column('region', sa.Text(), nullable=True),
    sa.Column('product', sa.Text(), nullable=True),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('revenue', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_sales_summary'))
    )
    with op.batch_alter_table('analytics_sales_summary', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_sales_summary_read', ['kind', 'grain', 'day'], unique=False)

    op.create_table('analytics_summary_state',
    sa.Column('dataset_key', sa.String(length=100), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=True),
    sa.Column('lines', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('dataset_key', name=op.f('pk_analytics_summary_state'))
    )


def downgrade() -> None:
    op.drop_table('analytics_summary_state')
    with op.batch_alter_table('analytics_sales_summary', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_sales_summary_read')
    op.drop_table('analytics_sales_summary')
