"""Notifications, each user's "also by email" choice, and the email outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow


class Notification(db.Model):
    """A message for one user. The English msgid and its parameters are stored, not a translation, so that the
    message is shown in the reader's language at display time."""

    __tablename__ = "core_notification"
    __audit__ = False  # bookkeeping: the audit trail skips it
    __table_args__ = (
        Index("ix_core_notification_recipient_created", "recipient_id", "created_at"),
        Index("ix_core_notification_recipient_read", "recipient_id", "read_at"),
        Index("ix_core_notification_subject_read", "subject", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    #: The record the notification asks to act on ("pipeline.quotation:12"): resolve_for() marks it done (read)
    #: once the task is done, whoever did it.
    subject: Mapped[str | None] = mapped_column(String(120))


class NotificationPreference(db.Model):
    """A user's choice to get their notifications by email too (no row: in-app only)."""

    __tablename__ = "core_notification_preference"
    __audit__ = False

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[bool] = mapped_column(default=False)


class EmailOutbox(db.Model):
    """An email waiting to be sent (or sent). A worker claims messages with a lease, as jobs are claimed, and marks
    each sent the moment the SMTP server accepts it: a message goes out once."""

    __tablename__ = "core_email_outbox"
    __audit__ = False
    __table_args__ = (Index("ix_core_email_outbox_due", "sent_at", "next_attempt_at"),
                      Index("ix_core_email_outbox_ref", "ref"))

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    #: When to try next; NULL once sent or given up.
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None]
    #: The record the message is about ("pipeline.quotation:12"), so its page can say queued / sent / failed.
    ref: Mapped[str | None] = mapped_column(String(120))
    #: Kept by the local mail catcher (MAIL_CATCHER) instead of sent: readable on the outbox page.
    caught_at: Mapped[datetime | None]


class EmailAttachment(db.Model):
    """A file sent with an outbox message (a meeting's .ics invitation, the minutes PDF), stored with it so that a
    retry sends exactly what was queued. Kept small: the sender refuses files over the mail size limit."""

    __tablename__ = "core_email_attachment"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("core_email_outbox.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    data: Mapped[bytes] = mapped_column(LargeBinary)
