"""pipeline: products, deals, quotations, contracts, orders, tickets, targets

Revision ID: 3fa8b54b4c0a
Revises:
Create Date: 2026-11-27 13:45:32.649174
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3fa8b54b4c0a'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pipeline_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('list_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('features', sa.Text(), nullable=True),
    sa.Column('advantages', sa.Text(), nullable=True),
    sa.Column('selling_points', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_product')),
    sa.UniqueConstraint('sku', name=op.f('uq_pipeline_product_sku'))
    )
    with op.batch_alter_table('pipeline_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_product_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_product_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_product_name'), ['name'], unique=False)

    op.create_table('pipeline_sales_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['core_user.id'], name=op.f('fk_pipeline_sales_target_set_by_id_core_user')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_pipeline_sales_target_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_sales_target')),
    sa.UniqueConstraint('year', 'user_id', 'month', name=op.f('uq_pipeline_sales_target_year_user_id_month'))
    )
    with op.batch_alter_table('pipeline_sales_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_sales_target_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_sales_target_year'), ['year'], unique=False)

    op.create_table('pipeline_deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('expected_value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('situation', sa.Text(), nullable=True),
    sa.Column('pain_points', sa.Text(), nullable=True),
    sa.Column('goals', sa.Text(), nullable=True),
    sa.Column('concerns', sa.Text(), nullable=True),
    sa.Column('bottom_line', sa.Text(), nullable=True),
    sa.Column('lost_reason', sa.Text(), nullable=True),
    sa.Column('lost_to_competitor', sa.String(length=200), nullable=True),
    sa.Column('stage_entered_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_pipeline_deal_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_pipeline_deal_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_deal'))
    )
    with op.batch_alter_table('pipeline_deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_deal_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_deal_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_deal_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_pipeline_deal_owner_status', ['owner_id', 'status'], unique=False)
        batch_op.create_index('ix_pipeline_deal_status_stage', ['status', 'stage'], unique=False)

    op.create_table('pipeline_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.Column('signed_file_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['pipeline_deal.id'], name=op.f('fk_pipeline_contract_deal_id_pipeline_deal')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_pipeline_contract_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_contract')),
    sa.UniqueConstraint('number', name=op.f('uq_pipeline_contract_number'))
    )
    with op.batch_alter_table('pipeline_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_contract_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_contract_owner_id'), ['owner_id'], unique=False)

    op.create_table('pipeline_deal_stage_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=16), nullable=True),
    sa.Column('to_stage', sa.String(length=16), nullable=False),
    sa.Column('backwards', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['pipeline_deal.id'], name=op.f('fk_pipeline_deal_stage_change_deal_id_pipeline_deal')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_pipeline_deal_stage_change_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_deal_stage_change'))
    )
    with op.batch_alter_table('pipeline_deal_stage_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_deal_stage_change_deal_id'), ['deal_id'], unique=False)

    op.create_table('pipeline_quotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=True),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.Column('subtotal', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('discount_total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('tax_total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('max_discount', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('approval_level', sa.String(length=16), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('response_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['core_user.id'], name=op.f('fk_pipeline_quotation_approved_by_id_core_user')),
    sa.ForeignKeyConstraint(['deal_id'], ['pipeline_deal.id'], name=op.f('fk_pipeline_quotation_deal_id_pipeline_deal')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_pipeline_quotation_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_quotation')),
    sa.UniqueConstraint('number', 'revision', name=op.f('uq_pipeline_quotation_number_revision'))
    )
    with op.batch_alter_table('pipeline_quotation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_quotation_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_quotation_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_quotation_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_quotation_state'), ['state'], unique=False)

    op.create_table('pipeline_discount_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quotation_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['core_user.id'], name=op.f('fk_pipeline_discount_decision_decided_by_id_core_user')),
    sa.ForeignKeyConstraint(['quotation_id'], ['pipeline_quotation.id'], name=op.f('fk_pipeline_discount_decision_quotation_id_pipeline_quotation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_discount_decision'))
    )
    with op.batch_alter_table('pipeline_discount_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_discount_decision_quotation_id'), ['quotation_id'], unique=False)

    op.create_table('pipeline_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_number', sa.String(length=64), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('quotation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ordered_at', sa.DateTime(), nullable=False),
    sa.Column('carrier', sa.String(length=100), nullable=True),
    sa.Column('tracking_number', sa.String(length=100), nullable=True),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cost_total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_pipeline_order_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['deal_id'], ['pipeline_deal.id'], name=op.f('fk_pipeline_order_deal_id_pipeline_deal')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_pipeline_order_owner_id_core_user')),
    sa.ForeignKeyConstraint(['quotation_id'], ['pipeline_quotation.id'], name=op.f('fk_pipeline_order_quotation_id_pipeline_quotation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_order')),
    sa.UniqueConstraint('channel', 'external_number', name=op.f('uq_pipeline_order_channel_external_number')),
    sa.UniqueConstraint('number', name=op.f('uq_pipeline_order_number'))
    )
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_order_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_order_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_order_ordered_at'), ['ordered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_order_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_pipeline_order_owner_ordered', ['owner_id', 'ordered_at'], unique=False)
        batch_op.create_index('ix_pipeline_order_status_ordered', ['status', 'ordered_at'], unique=False)

    op.create_table('pipeline_quotation_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quotation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('discount', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('net', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('tax', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('gross', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['pipeline_product.id'], name=op.f('fk_pipeline_quotation_line_product_id_pipeline_product')),
    sa.ForeignKeyConstraint(['quotation_id'], ['pipeline_quotation.id'], name=op.f('fk_pipeline_quotation_line_quotation_id_pipeline_quotation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_quotation_line'))
    )
    with op.batch_alter_table('pipeline_quotation_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_quotation_line_quotation_id'), ['quotation_id'], unique=False)

    op.create_table('pipeline_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['pipeline_order.id'], name=op.f('fk_pipeline_follow_up_order_id_pipeline_order')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_pipeline_follow_up_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_follow_up'))
    )
    with op.batch_alter_table('pipeline_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_follow_up_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_follow_up_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_follow_up_owner_id'), ['owner_id'], unique=False)

    op.create_table('pipeline_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['pipeline_order.id'], name=op.f('fk_pipeline_order_line_order_id_pipeline_order')),
    sa.ForeignKeyConstraint(['product_id'], ['pipeline_product.id'], name=op.f('fk_pipeline_order_line_product_id_pipeline_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_order_line'))
    )
    with op.batch_alter_table('pipeline_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_order_line_product_id'), ['product_id'], unique=False)

    op.create_table('pipeline_order_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['pipeline_order.id'], name=op.f('fk_pipeline_order_notice_order_id_pipeline_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_order_notice'))
    )
    with op.batch_alter_table('pipeline_order_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_order_notice_order_id'), ['order_id'], unique=False)

    op.create_table('pipeline_order_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['pipeline_order.id'], name=op.f('fk_pipeline_order_status_change_order_id_pipeline_order')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_pipeline_order_status_change_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_order_status_change'))
    )
    with op.batch_alter_table('pipeline_order_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_order_status_change_order_id'), ['order_id'], unique=False)

    op.create_table('pipeline_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('sla_due_at', sa.DateTime(), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['core_user.id'], name=op.f('fk_pipeline_ticket_assignee_id_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_pipeline_ticket_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['order_id'], ['pipeline_order.id'], name=op.f('fk_pipeline_ticket_order_id_pipeline_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_ticket'))
    )
    with op.batch_alter_table('pipeline_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_ticket_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_ticket_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_ticket_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_ticket_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_pipeline_ticket_state_due', ['state', 'sla_due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pipeline_ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_ticket_state_due')
        batch_op.drop_index(batch_op.f('ix_pipeline_ticket_order_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_ticket_customer_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_ticket_created_at'))
        batch_op.drop_index(batch_op.f('ix_pipeline_ticket_assignee_id'))

    op.drop_table('pipeline_ticket')
    with op.batch_alter_table('pipeline_order_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_order_status_change_order_id'))

    op.drop_table('pipeline_order_status_change')
    with op.batch_alter_table('pipeline_order_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_order_notice_order_id'))

    op.drop_table('pipeline_order_notice')
    with op.batch_alter_table('pipeline_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_order_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_order_line_order_id'))

    op.drop_table('pipeline_order_line')
    with op.batch_alter_table('pipeline_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_follow_up_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_follow_up_order_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_follow_up_due_on'))

    op.drop_table('pipeline_follow_up')
    with op.batch_alter_table('pipeline_quotation_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_quotation_line_quotation_id'))

    op.drop_table('pipeline_quotation_line')
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_order_status_ordered')
        batch_op.drop_index('ix_pipeline_order_owner_ordered')
        batch_op.drop_index(batch_op.f('ix_pipeline_order_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_order_ordered_at'))
        batch_op.drop_index(batch_op.f('ix_pipeline_order_deal_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_order_customer_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_order_channel'))

    op.drop_table('pipeline_order')
    with op.batch_alter_table('pipeline_discount_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_discount_decision_quotation_id'))

    op.drop_table('pipeline_discount_decision')
    with op.batch_alter_table('pipeline_quotation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_quotation_state'))
        batch_op.drop_index(batch_op.f('ix_pipeline_quotation_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_quotation_number'))
        batch_op.drop_index(batch_op.f('ix_pipeline_quotation_deal_id'))

    op.drop_table('pipeline_quotation')
    with op.batch_alter_table('pipeline_deal_stage_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_deal_stage_change_deal_id'))

    op.drop_table('pipeline_deal_stage_change')
    with op.batch_alter_table('pipeline_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_contract_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_contract_deal_id'))

    op.drop_table('pipeline_contract')
    with op.batch_alter_table('pipeline_deal', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_deal_status_stage')
        batch_op.drop_index('ix_pipeline_deal_owner_status')
        batch_op.drop_index(batch_op.f('ix_pipeline_deal_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_deal_customer_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_deal_created_at'))

    op.drop_table('pipeline_deal')
    with op.batch_alter_table('pipeline_sales_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_sales_target_year'))
        batch_op.drop_index(batch_op.f('ix_pipeline_sales_target_user_id'))

    op.drop_table('pipeline_sales_target')
    with op.batch_alter_table('pipeline_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_product_name'))
        batch_op.drop_index(batch_op.f('ix_pipeline_product_category'))
        batch_op.drop_index(batch_op.f('ix_pipeline_product_active'))

    op.drop_table('pipeline_product')
