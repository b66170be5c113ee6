"""Failed sign-in attempts, kept in the database so that throttling holds across every app process and host."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow


class LoginAttempt(db.Model):
    """One failed attempt: the login as typed (normalised) and the client address. Successes are not kept."""

    __tablename__ = "core_login_attempt"
    __audit__ = False  # bookkeeping, not a business record
    __table_args__ = (
        Index("ix_core_login_attempt_login_at", "login", "at"),
        Index("ix_core_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
