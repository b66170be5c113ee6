"""Dialect-aware INSERT ... ON CONFLICT, which SQLite and PostgreSQL both speak (several processes sync at once)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite


def upsert(session: Any, table: Any) -> Any:
    """An INSERT for ``table`` with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` on this session's dialect."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"NetSales supports SQLite and PostgreSQL, not {dialect}")
