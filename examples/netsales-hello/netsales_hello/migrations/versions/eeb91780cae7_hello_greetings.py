"""hello: greetings

Revision ID: eeb91780cae7
Revises:
Create Date: 2026-11-27 13:27:41.739353
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'eeb91780cae7'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('hello_greeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=280), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['core_user.id'], name=op.f('fk_hello_greeting_author_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hello_greeting'))
    )
    with op.batch_alter_table('hello_greeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hello_greeting_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hello_greeting_created_at'), ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('hello_greeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hello_greeting_created_at'))
        batch_op.drop_index(batch_op.f('ix_hello_greeting_author_id'))

    op.drop_table('hello_greeting')
