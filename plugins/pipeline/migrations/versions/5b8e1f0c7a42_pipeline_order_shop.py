"""pipeline: the shop an order came from (issue 16: analytics' sales by channel and shop)

A company may run several shops on one platform (two Tmall shops): ``pipeline_order.shop`` keeps the shop's name as
its export gives it; empty for orders from no shop.

Revision ID: 5b8e1f0c7a42
Revises: 9d4f2a6c1e80
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b8e1f0c7a42'
down_revision: str | None = '9d4f2a6c1e80'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shop', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pipeline_order', schema=None) as batch_op:
        batch_op.drop_column('shop')
