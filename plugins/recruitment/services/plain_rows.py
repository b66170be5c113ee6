"""Statements of columns run on the session's connection as plain rows (the board, the reports, global search)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, CursorResult


def flushed_connection(session: Any) -> Connection:
    """The session's connection, its pending changes flushed first, as the session's own execute would."""
    session.flush()
    return session.connection()


def plain_rows(session: Any, stmt: Any, parameters: dict[str, Any] | None = None) -> CursorResult[Any]:
    """``stmt``'s rows on the session's connection: the ORM's work for a statement of columns cost more than some
    of these statements took to run (issue 18)."""
    return flushed_connection(session).execute(stmt, parameters)
