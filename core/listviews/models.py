"""core_saved_view: one person's named query string for one list."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow

NAME_LENGTH = 60
LIST_KEY_LENGTH = 100
QUERY_LENGTH = 2000


class SavedView(db.Model):
    __tablename__ = "core_saved_view"
    __label__ = _l("Saved list view")
    __audit__ = False  # a personal preference, not a business record
    # Also the index of "this person's views of this list" (its leading columns).
    __table_args__ = (UniqueConstraint("user_id", "list_key", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    #: The list it belongs to, named by the view that draws it ("core.users", "crm.customers").
    list_key: Mapped[str] = mapped_column(String(LIST_KEY_LENGTH))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    #: The list's arguments (search, filters, sort, page size, grouping), without page number or export.
    query: Mapped[str] = mapped_column(String(QUERY_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
