"""core_attachment: one uploaded file on one record of any type (the owner's table name and id)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.identity.models import User
from core.timeutil import utcnow


class Attachment(db.Model):
    __tablename__ = "core_attachment"
    __label__ = _l("Attachment")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (Index("ix_core_attachment_record", "record_type", "record_id", "uploaded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The owning record: its table name (``crm_customer``) and primary key.
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    #: The name the user gave the file (shown and offered on download); never used as a path.
    filename: Mapped[str] = mapped_column(String(255))
    #: Sniffed from the content, not taken from the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: Relative to the instance folder (content-addressed: attachments/ab/abcdef...).
    storage_path: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[User] = relationship(lazy="joined")
