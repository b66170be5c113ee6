"""SQL pagination for API lists: two queries (a count and a page) whatever the table's size."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import g
from sqlalchemy import Select, func, select

from core.api.endpoint import DEFAULT_PER_PAGE, MAX_PER_PAGE
from core.extensions import db


def paginate(statement: Select, serialize: Callable[[Any], Any], *, page: int | None = None,
             per_page: int | None = None) -> dict[str, Any]:
    """``{"items": [...], "page", "per_page", "total"}`` for ``statement`` (a select of one entity, ordered).

    In a ``paginated=True`` endpoint, ``page`` and ``per_page`` come from the validated query string."""
    requested_page, requested_per_page = g.get("netsales_page", (1, DEFAULT_PER_PAGE))
    page = max(1, page or requested_page)
    per_page = min(MAX_PER_PAGE, max(1, per_page or requested_per_page))
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [serialize(row) for row in rows], "page": page, "per_page": per_page, "total": total}


def page_schema(item: Mapping[str, Any] | None) -> dict[str, Any]:
    """The JSON Schema of a page of ``item``s, as ``paginate`` returns it. A schema that already is a page is
    returned as it is, so that a page is never wrapped twice (items.items: issue 11 F7)."""
    if item is not None and is_page_schema(item):
        return dict(item)
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": dict(item) if item else {}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
        },
    }


def is_page_schema(schema: Mapping[str, Any]) -> bool:
    """Whether ``schema`` describes a whole page (items, page, per_page, total) rather than one item."""
    properties = schema.get("properties")
    return isinstance(properties, Mapping) and {"items", "page", "per_page", "total"} <= set(properties) \
        and (properties["items"] or {}).get("type") == "array"
