"""Personal API tokens (issue 3): the secret itself is never stored, only its SHA-256 and a short prefix."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.identity.models import User
from core.timeutil import utcnow


class ApiToken(db.Model):
    __tablename__ = "core_api_token"
    __label__ = _l("API token")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: hex SHA-256 of the whole secret: what a bearer token is looked up by.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The secret's first characters, shown so that its owner recognises it in the list.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def state(self, now: datetime) -> str:
        """active / expired / revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
