"""recruitment: drop the applications' channel index (issue 18)

ix_recruitment_application_funnel (channel, furthest), added by 5e8a1f3c7b29, begins with the channel: it serves
every condition on the channel that ix_recruitment_application_channel served, which only cost each write of an
application an index to keep.

Revision ID: 8c1d4e6f2a90
Revises: 5e8a1f3c7b29
Create Date: 2026-12-05 10:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '8c1d4e6f2a90'
down_revision: str | None = '5e8a1f3c7b29'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_recruitment_application_channel", table_name="recruitment_application")


def downgrade() -> None:
    op.create_index("ix_recruitment_application_channel", "recruitment_application", ["channel"])
