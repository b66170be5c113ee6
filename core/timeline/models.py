"""core_comment: a comment on one record of any type (its table name and id)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.identity.models import User
from core.timeutil import utcnow


class Comment(db.Model):
    __tablename__ = "core_comment"
    __label__ = _l("Comment on a record")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (Index("ix_core_comment_record", "record_type", "record_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
