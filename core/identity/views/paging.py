"""Pagination in SQL: a count and one page of rows, whatever the table's size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from core.extensions import db
from core.web.params import record_id


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(name: str = "page") -> int:
    return record_id(request.args.get(name)) or 1  # paginate() clamps it to the last page


def paginate(query: Select, page: int, per_page: int = 25) -> Page:
    """Two queries: the count, then the rows of ``page`` (clamped to the last page)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)
