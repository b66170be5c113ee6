"""crm: customer management

Revision ID: be6b2d22ccae
Revises:
Create Date: 2026-11-27 13:46:47.782017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'be6b2d22ccae'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crm_grade_input',
    sa.Column('customer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('last_purchase', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_crm_grade_input'))
    )
    op.create_table('crm_service_plan',
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('revisit_interval_days', sa.Integer(), nullable=False),
    sa.Column('service_level', sa.String(length=200), nullable=False),
    sa.Column('strategy', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('grade', name=op.f('pk_crm_service_plan'))
    )
    op.create_table('crm_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_crm_access_log_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_access_log'))
    )
    with op.batch_alter_table('crm_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_access_log_user_id'), ['user_id'], unique=False)

    op.create_table('crm_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('segment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_user.id'], name=op.f('fk_crm_campaign_created_by_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_campaign'))
    )
    op.create_table('crm_customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=True),
    sa.Column('industry', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('wechat', sa.String(length=100), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('potential_value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.String(length=1), nullable=True),
    sa.Column('grade_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('grade_locked', sa.Boolean(), nullable=False),
    sa.Column('orders_count', sa.Integer(), nullable=False),
    sa.Column('purchase_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('last_purchase_on', sa.Date(), nullable=True),
    sa.Column('completeness', sa.Integer(), nullable=False),
    sa.Column('contacts_count', sa.Integer(), nullable=False),
    sa.Column('last_interaction_at', sa.DateTime(), nullable=True),
    sa.Column('became_customer_at', sa.DateTime(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_user.id'], name=op.f('fk_crm_customer_created_by_id_core_user')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['crm_customer.id'], name=op.f('fk_crm_customer_merged_into_id_crm_customer')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_crm_customer_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_customer'))
    )
    with op.batch_alter_table('crm_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_customer_archived'), ['archived'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_became_customer_at'), ['became_customer_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_grade'), ['grade'], unique=False)
        batch_op.create_index('ix_crm_customer_grade_name', ['grade', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_last_purchase_on'), ['last_purchase_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_crm_customer_owner_updated', ['owner_id', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_updated_at'), ['updated_at'], unique=False)

    op.create_table('crm_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['core_user.id'], name=op.f('fk_crm_event_organiser_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_event'))
    )
    with op.batch_alter_table('crm_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('crm_import_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_crm_import_upload_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_import_upload'))
    )
    with op.batch_alter_table('crm_import_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_import_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_import_upload_user_id'), ['user_id'], unique=False)

    op.create_table('crm_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('wechat', sa.String(length=100), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_contact_customer_id_crm_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_contact'))
    )
    with op.batch_alter_table('crm_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_contact_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_contact_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_contact_phone'), ['phone'], unique=False)

    op.create_table('crm_customer_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_customer_tag_customer_id_crm_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_customer_tag')),
    sa.UniqueConstraint('customer_id', 'tag', name=op.f('uq_crm_customer_tag_customer_id_tag'))
    )
    with op.batch_alter_table('crm_customer_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_customer_tag_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_customer_tag_tag'), ['tag'], unique=False)

    op.create_table('crm_grade_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('old_grade', sa.String(length=1), nullable=True),
    sa.Column('new_grade', sa.String(length=1), nullable=True),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['core_user.id'], name=op.f('fk_crm_grade_change_changed_by_id_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_grade_change_customer_id_crm_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_grade_change'))
    )
    with op.batch_alter_table('crm_grade_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_grade_change_customer_id'), ['customer_id'], unique=False)

    op.create_table('crm_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['kept_id'], ['crm_customer.id'], name=op.f('fk_crm_merge_kept_id_crm_customer')),
    sa.ForeignKeyConstraint(['merged_by_id'], ['core_user.id'], name=op.f('fk_crm_merge_merged_by_id_core_user')),
    sa.ForeignKeyConstraint(['merged_id'], ['crm_customer.id'], name=op.f('fk_crm_merge_merged_id_crm_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_merge'))
    )
    with op.batch_alter_table('crm_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_merge_merged_id'), ['merged_id'], unique=False)

    op.create_table('crm_ownership_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['core_user.id'], name=op.f('fk_crm_ownership_change_changed_by_id_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_ownership_change_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['from_user_id'], ['core_user.id'], name=op.f('fk_crm_ownership_change_from_user_id_core_user')),
    sa.ForeignKeyConstraint(['to_user_id'], ['core_user.id'], name=op.f('fk_crm_ownership_change_to_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_ownership_change'))
    )
    with op.batch_alter_table('crm_ownership_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_ownership_change_customer_id'), ['customer_id'], unique=False)

    op.create_table('crm_purchase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('shop', sa.String(length=60), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_purchase_customer_id_crm_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_purchase')),
    sa.UniqueConstraint('shop', 'reference', name=op.f('uq_crm_purchase_shop_reference'))
    )
    with op.batch_alter_table('crm_purchase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_purchase_customer_id'), ['customer_id'], unique=False)

    op.create_table('crm_campaign_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('unsubscribe_hash', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['crm_campaign.id'], name=op.f('fk_crm_campaign_message_campaign_id_crm_campaign')),
    sa.ForeignKeyConstraint(['contact_id'], ['crm_contact.id'], name=op.f('fk_crm_campaign_message_contact_id_crm_contact')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_campaign_message')),
    sa.UniqueConstraint('campaign_id', 'contact_id', name=op.f('uq_crm_campaign_message_campaign_id_contact_id')),
    sa.UniqueConstraint('unsubscribe_hash', name=op.f('uq_crm_campaign_message_unsubscribe_hash'))
    )
    with op.batch_alter_table('crm_campaign_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_campaign_message_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_campaign_message_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_campaign_message_status'), ['status'], unique=False)

    op.create_table('crm_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('channels', sa.String(length=100), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['crm_contact.id'], name=op.f('fk_crm_consent_contact_id_crm_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['core_user.id'], name=op.f('fk_crm_consent_recorded_by_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_consent'))
    )
    with op.batch_alter_table('crm_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_consent_contact_id'), ['contact_id'], unique=False)

    op.create_table('crm_event_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['crm_contact.id'], name=op.f('fk_crm_event_attendee_contact_id_crm_contact')),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_event_attendee_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['event_id'], ['crm_event.id'], name=op.f('fk_crm_event_attendee_event_id_crm_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_event_attendee'))
    )
    with op.batch_alter_table('crm_event_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_event_attendee_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_event_attendee_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_event_attendee_event_id'), ['event_id'], unique=False)

    op.create_table('crm_interaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('next_step', sa.String(length=300), nullable=True),
    sa.Column('next_step_on', sa.Date(), nullable=True),
    sa.Column('next_step_done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['crm_contact.id'], name=op.f('fk_crm_interaction_contact_id_crm_contact')),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_interaction_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_crm_interaction_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_interaction'))
    )
    with op.batch_alter_table('crm_interaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_interaction_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_crm_interaction_customer_at', ['customer_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_crm_interaction_user_next', ['user_id', 'next_step_done', 'next_step_on'], unique=False)

    op.create_table('crm_survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['crm_contact.id'], name=op.f('fk_crm_survey_contact_id_crm_contact')),
    sa.ForeignKeyConstraint(['created_by_id'], ['core_user.id'], name=op.f('fk_crm_survey_created_by_id_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_survey_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_crm_survey_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_survey')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_crm_survey_token_hash'))
    )
    with op.batch_alter_table('crm_survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_survey_answered_at'), ['answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_survey_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_survey_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_survey_user_id'), ['user_id'], unique=False)

    op.create_table('crm_revisit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.String(length=1), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_on_time', sa.Boolean(), nullable=True),
    sa.Column('interaction_id', sa.Integer(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['crm_customer.id'], name=op.f('fk_crm_revisit_customer_id_crm_customer')),
    sa.ForeignKeyConstraint(['interaction_id'], ['crm_interaction.id'], name=op.f('fk_crm_revisit_interaction_id_crm_interaction')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_crm_revisit_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_revisit'))
    )
    with op.batch_alter_table('crm_revisit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_revisit_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crm_revisit_due_on'), ['due_on'], unique=False)
        batch_op.create_index('ix_crm_revisit_owner_open', ['owner_id', 'done_at', 'due_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('crm_revisit', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_revisit_owner_open')
        batch_op.drop_index(batch_op.f('ix_crm_revisit_due_on'))
        batch_op.drop_index(batch_op.f('ix_crm_revisit_customer_id'))

    op.drop_table('crm_revisit')
    with op.batch_alter_table('crm_survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_survey_user_id'))
        batch_op.drop_index(batch_op.f('ix_crm_survey_customer_id'))
        batch_op.drop_index(batch_op.f('ix_crm_survey_contact_id'))
        batch_op.drop_index(batch_op.f('ix_crm_survey_answered_at'))

    op.drop_table('crm_survey')
    with op.batch_alter_table('crm_interaction', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_interaction_user_next')
        batch_op.drop_index('ix_crm_interaction_customer_at')
        batch_op.drop_index(batch_op.f('ix_crm_interaction_contact_id'))

    op.drop_table('crm_interaction')
    with op.batch_alter_table('crm_event_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_event_attendee_event_id'))
        batch_op.drop_index(batch_op.f('ix_crm_event_attendee_customer_id'))
        batch_op.drop_index(batch_op.f('ix_crm_event_attendee_contact_id'))

    op.drop_table('crm_event_attendee')
    with op.batch_alter_table('crm_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_consent_contact_id'))

    op.drop_table('crm_consent')
    with op.batch_alter_table('crm_campaign_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_campaign_message_status'))
        batch_op.drop_index(batch_op.f('ix_crm_campaign_message_contact_id'))
        batch_op.drop_index(batch_op.f('ix_crm_campaign_message_campaign_id'))

    op.drop_table('crm_campaign_message')
    with op.batch_alter_table('crm_purchase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_purchase_customer_id'))

    op.drop_table('crm_purchase')
    with op.batch_alter_table('crm_ownership_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_ownership_change_customer_id'))

    op.drop_table('crm_ownership_change')
    with op.batch_alter_table('crm_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_crm_merge_kept_id'))

    op.drop_table('crm_merge')
    with op.batch_alter_table('crm_grade_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_grade_change_customer_id'))

    op.drop_table('crm_grade_change')
    with op.batch_alter_table('crm_customer_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_customer_tag_tag'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_tag_customer_id'))

    op.drop_table('crm_customer_tag')
    with op.batch_alter_table('crm_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_contact_phone'))
        batch_op.drop_index(batch_op.f('ix_crm_contact_email'))
        batch_op.drop_index(batch_op.f('ix_crm_contact_customer_id'))

    op.drop_table('crm_contact')
    with op.batch_alter_table('crm_import_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_import_upload_user_id'))
        batch_op.drop_index(batch_op.f('ix_crm_import_upload_created_at'))

    op.drop_table('crm_import_upload')
    with op.batch_alter_table('crm_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_event_starts_at'))

    op.drop_table('crm_event')
    with op.batch_alter_table('crm_customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_customer_updated_at'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_state'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_region'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_phone'))
        batch_op.drop_index('ix_crm_customer_owner_updated')
        batch_op.drop_index(batch_op.f('ix_crm_customer_owner_id'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_name_key'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_name'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_last_purchase_on'))
        batch_op.drop_index('ix_crm_customer_grade_name')
        batch_op.drop_index(batch_op.f('ix_crm_customer_grade'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_email'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_created_at'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_became_customer_at'))
        batch_op.drop_index(batch_op.f('ix_crm_customer_archived'))

    op.drop_table('crm_customer')
    op.drop_table('crm_campaign')
    with op.batch_alter_table('crm_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_access_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_crm_access_log_at'))

    op.drop_table('crm_access_log')
    op.drop_table('crm_service_plan')
    op.drop_table('crm_grade_input')
