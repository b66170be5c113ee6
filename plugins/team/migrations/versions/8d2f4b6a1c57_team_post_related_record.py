"""team: a shared post names the record it is about by kind and id (picked with a searchable select), not by a
pasted address, R8.1.2

Addresses of customers, deals and courses already stored become the record they name; any other address is dropped
(the form only ever accepted those three kinds of page).

Revision ID: 8d2f4b6a1c57
Revises: 4c1d7e2a9b30
Create Date: 2026-12-04 20:20:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8d2f4b6a1c57'
down_revision: str | None = '4c1d7e2a9b30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGES = {"crm.customer": re.compile(r"^/crm/customers/(\d+)$"), "pipeline.deal": re.compile(r"^/pipeline/deals/(\d+)$"),
         "training.course": re.compile(r"^/training/courses/(\d+)$")}
PATHS = {"crm.customer": "/crm/customers/{}", "pipeline.deal": "/pipeline/deals/{}",
         "training.course": "/training/courses/{}"}


def upgrade() -> None:
    with op.batch_alter_table('team_post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('related_id', sa.Integer(), nullable=True))
    bind = op.get_bind()
    posts = sa.table('team_post', sa.column('id', sa.Integer), sa.column('related_path', sa.String),
                     sa.column('related_kind', sa.String), sa.column('related_id', sa.Integer))
    for post_id, path in bind.execute(sa.select(posts.c.id, posts.c.related_path)
                                      .where(posts.c.related_path.is_not(None))).all():
        for kind, pattern in PAGES.items():
            if match := pattern.match(path or ""):
                bind.execute(posts.update().where(posts.c.id == post_id)
                             .values(related_kind=kind, related_id=int(match.group(1))))
                break
    with op.batch_alter_table('team_post', schema=None) as batch_op:
        batch_op.drop_column('related_path')


def downgrade() -> None:
    with op.batch_alter_table('team_post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_path', sa.String(length=300), nullable=True))
    bind = op.get_bind()
    posts = sa.table('team_post', sa.column('id', sa.Integer), sa.column('related_path', sa.String),
                     sa.column('related_kind', sa.String), sa.column('related_id', sa.Integer))
    for post_id, kind, record_id in bind.execute(sa.select(posts.c.id, posts.c.related_kind, posts.c.related_id)
                                                 .where(posts.c.related_kind.is_not(None))).all():
        if kind in PATHS and record_id is not None:
            bind.execute(posts.update().where(posts.c.id == post_id)
                         .values(related_path=PATHS[kind].format(record_id)))
    with op.batch_alter_table('team_post', schema=None) as batch_op:
        batch_op.drop_column('related_id')
        batch_op.drop_column('related_kind')
