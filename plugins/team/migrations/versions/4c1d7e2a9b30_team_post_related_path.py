"""team: a shared post may name the NetSales page it is about (a customer, a deal, a course), R8.1.2

Revision ID: 4c1d7e2a9b30
Revises: 76f0ddda4a86
Create Date: 2026-12-04 15:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4c1d7e2a9b30'
down_revision: str | None = '76f0ddda4a86'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('team_post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_path', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('team_post', schema=None) as batch_op:
        batch_op.drop_column('related_path')
