"""Failed sign-in attempts, kept in the database so that throttling holds across every app process and host; and
the server-side sessions that signing out ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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


class UserSession(db.Model):
    """One sign-in (issue 11 F2): the session and remember-me cookies carry the secret whose hash is ``key_hash``,
    and are honoured only while this row exists. Signing out, "sign out everywhere", a password change and
    deactivation delete rows, which ends every copy of those cookies at once."""

    __tablename__ = "core_user_session"
    __audit__ = False  # bookkeeping, not a business record

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the secret in the cookies: a copy of the database gives no usable cookie.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Written at most every LAST_SEEN_RESOLUTION (core/auth/sessions.py), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: "Keep me signed in" was ticked: the remember-me cookie may bring the session back after the browser closes.
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
