"""pipeline: indexes for large data (issue 6 "Performance")

- order (owner_id, ordered_at, status) replaces (owner_id, ordered_at): the KPIs' month scan per representative
  reads the status from the index instead of every order row;
- order (customer_id, ordered_at): "is there an earlier order of this customer?" (pipeline.new_customers_won) is
  one index probe instead of grouping every order ever taken;
- order line (order_id, revenue, cost): the KPIs' join from orders to lines never touches the line rows;
- deal (status, stage, stage_entered_at) replaces (status, stage): the board's columns are read in their display
  order.

Revision ID: 7c2e91d4a5b3
Revises: 3fa8b54b4c0a
Create Date: 2026-11-27 16:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7c2e91d4a5b3'
down_revision: str | None = '3fa8b54b4c0a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_order_owner_ordered')
        batch_op.create_index('ix_pipeline_order_owner_ordered_status', ['owner_id', 'ordered_at', 'status'],
                              unique=False)
        batch_op.create_index('ix_pipeline_order_customer_ordered', ['customer_id', 'ordered_at'], unique=False)
    with op.batch_alter_table('pipeline_order_line', schema=None) as batch_op:
        batch_op.create_index('ix_pipeline_order_line_order_revenue', ['order_id', 'revenue', 'cost'], unique=False)
    with op.batch_alter_table('pipeline_deal', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_deal_status_stage')
        batch_op.create_index('ix_pipeline_deal_status_stage_entered', ['status', 'stage', 'stage_entered_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pipeline_deal', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_deal_status_stage_entered')
        batch_op.create_index('ix_pipeline_deal_status_stage', ['status', 'stage'], unique=False)
    with op.batch_alter_table('pipeline_order_line', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_order_line_order_revenue')
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_order_customer_ordered')
        batch_op.drop_index('ix_pipeline_order_owner_ordered_status')
        batch_op.create_index('ix_pipeline_order_owner_ordered', ['owner_id', 'ordered_at'], unique=False)
