"""core_regulation_clause: one clause of the company's copy of the regulation."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow


class RegulationClause(db.Model):
    __tablename__ = "core_regulation_clause"
    __label__ = _l("Regulation clause")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: R4.3.2 = chapter 4, section 3, item 2 (R9.x: our additions beyond the source).
    clause_id: Mapped[str] = mapped_column(String(20), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(default=None, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    @property
    def depth(self) -> int:
        """0 for a chapter (R5), 1 for a section (R5.2), 2 for an item (R5.2.1)."""
        return self.clause_id.count(".")

    def title_for(self, locale: str) -> str:
        zh_first = locale.startswith("zh")
        first, second = (self.title_zh, self.title_en) if zh_first else (self.title_en, self.title_zh)
        return first or second

    def text_for(self, locale: str) -> str:
        zh_first = locale.startswith("zh")
        first, second = (self.text_zh, self.text_en) if zh_first else (self.text_en, self.text_zh)
        return first or second
