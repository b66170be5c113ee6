"""core: people, roles, plugin state

Revision ID: b51b695cfbb4
Revises:
Create Date: 2026-11-27 13:26:41.229282
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b51b695cfbb4'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('core_change_counter',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_change_counter'))
    )
    op.create_table('core_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['core_department.id'], name=op.f('fk_core_department_parent_id_core_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_department')),
    sa.UniqueConstraint('name', name=op.f('uq_core_department_name'))
    )
    with op.batch_alter_table('core_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_department_head_id'), ['head_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_department_parent_id'), ['parent_id'], unique=False)

    op.create_table('core_permission',
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('owner', sa.String(length=40), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('record_level', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_core_permission'))
    )
    op.create_table('core_plugin_state',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_plugin_state'))
    )
    op.create_table('core_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_role')),
    sa.UniqueConstraint('code', name=op.f('uq_core_role_code'))
    )
    op.create_table('core_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('permission_code', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['permission_code'], ['core_permission.code'], name=op.f('fk_core_grant_permission_code_core_permission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['core_role.id'], name=op.f('fk_core_grant_role_id_core_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_grant')),
    sa.UniqueConstraint('role_id', 'permission_code', name=op.f('uq_core_grant_role_id_permission_code'))
    )
    with op.batch_alter_table('core_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_grant_role_id'), ['role_id'], unique=False)

    op.create_table('core_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('position', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('superior_id', sa.Integer(), nullable=True),
    sa.Column('hire_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['core_department.id'], name=op.f('fk_core_user_department_id_core_department')),
    sa.ForeignKeyConstraint(['superior_id'], ['core_user.id'], name=op.f('fk_core_user_superior_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_user')),
    sa.UniqueConstraint('login', name=op.f('uq_core_user_login'))
    )
    with op.batch_alter_table('core_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_user_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_user_superior_id'), ['superior_id'], unique=False)

    # Departments and users refer to each other; the head's key is added once both tables exist.
    with op.batch_alter_table('core_department', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_core_department_head_id_core_user'), 'core_user', ['head_id'], ['id'])

    op.create_table('core_user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['core_role.id'], name=op.f('fk_core_user_role_role_id_core_role'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_user_role_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role_id', name=op.f('pk_core_user_role'))
    )


def downgrade() -> None:
    op.drop_table('core_user_role')
    with op.batch_alter_table('core_department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_core_department_head_id_core_user'), type_='foreignkey')
    with op.batch_alter_table('core_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_user_superior_id'))
        batch_op.drop_index(batch_op.f('ix_core_user_department_id'))

    op.drop_table('core_user')
    with op.batch_alter_table('core_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_grant_role_id'))

    op.drop_table('core_grant')
    op.drop_table('core_role')
    op.drop_table('core_plugin_state')
    op.drop_table('core_permission')
    with op.batch_alter_table('core_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_department_parent_id'))
        batch_op.drop_index(batch_op.f('ix_core_department_head_id'))

    op.drop_table('core_department')
    op.drop_table('core_change_counter')
