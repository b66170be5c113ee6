"""core: identity and access additions (users, departments, roles, scopes)

Revision ID: c0a1identity
Revises: b51b695cfbb4
Create Date: 2026-11-27 13:40:00

Owned by the identity work; left empty until its tables exist.
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "c0a1identity"
down_revision: str | None = "b51b695cfbb4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
