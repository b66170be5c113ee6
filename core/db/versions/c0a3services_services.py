"""core: scheduled jobs, notifications and email outbox, settings

Revision ID: c0a3services
Revises: c0a2security
Create Date: 2026-11-27 13:40:00

Owned by the services work; left empty until its tables exist.
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "c0a3services"
down_revision: str | None = "c0a2security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
