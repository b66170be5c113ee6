"""One table, named with the plugin's prefix."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow


class Greeting(db.Model):
    __tablename__ = "hello_greeting"
    #: The owner column that record scopes (own / team / all) filter on: core.security.scoped reads it.
    __owner__ = "author_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(280))
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
