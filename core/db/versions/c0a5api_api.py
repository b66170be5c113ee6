"""core: personal API tokens

Revision ID: c0a5api
Revises: c0a4content
Create Date: 2026-11-27 13:40:00

Owned by the API work; left empty until its tables exist.
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "c0a5api"
down_revision: str | None = "c0a4content"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
