"""Reading the trail (record timelines, the admin page) and writing events that are not record changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select

from core.audit.actor import current_actor
from core.audit.models import ACTIONS, AuditLog
from core.audit.recorder import jsonable
from core.extensions import db
from core.timeutil import utcnow


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: ``changes`` maps a field to ``(old, new)`` (strings for Decimal and dates)."""

    id: int
    at: datetime  # naive UTC
    user_id: int | None
    actor: str
    action: str
    table_name: str
    model: str
    record_id: str | None
    changes: dict[str, tuple[Any, Any]]

    @classmethod
    def from_row(cls, row: AuditLog) -> AuditEntry:
        changes = {key: (pair[0], pair[1]) if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
                   for key, pair in (row.changes or {}).items()}
        return cls(row.id, row.at, row.user_id, row.actor, row.action, row.table_name, row.model, row.record_id,
                   changes)


def record_key(obj: Any) -> tuple[str, str]:
    """(table name, record id) of a mapped instance, as the trail stores them."""
    state = inspect(obj)
    if not state.identity:
        raise ValueError(f"{obj!r} has not been saved, so it has no history yet")
    return state.mapper.local_table.name, ",".join(str(v) for v in state.identity)


def history_for(obj_or_table: Any, record_id: Any = None, *, limit: int | None = None,
                session: Any = None) -> list[AuditEntry]:
    """The recorded changes of one record, oldest first.

    ``history_for(customer)`` or ``history_for("crm_customer", 42)``; ``limit`` keeps the newest ``limit``.
    """
    if isinstance(obj_or_table, str):
        if record_id is None:
            raise ValueError("history_for(table_name, record_id): the record id is required")
        table_name, key = obj_or_table, str(record_id)
    else:
        table_name, key = record_key(obj_or_table)
    stmt = (select(AuditLog).where(AuditLog.table_name == table_name, AuditLog.record_id == key)
            .order_by(AuditLog.id.desc()))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = (session or db.session).scalars(stmt).all()
    return [AuditEntry.from_row(row) for row in reversed(rows)]


def log_event(action: str, table_name: str, *, record_id: Any = None, model: str = "",
              details: dict[str, Any] | None = None, session: Any = None) -> None:
    """Add an event that is not a record change, e.g. an export (R11: "exports and bulk views are logged"),
    to the current transaction. ``details`` is stored as the entry's changes, each value as ``[None, value]``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {', '.join(ACTIONS)}")
    actor = current_actor()
    (session or db.session).add(AuditLog(
        at=utcnow(), user_id=actor.user_id, actor=actor.name[:120], action=action, table_name=table_name[:64],
        model=(model or table_name)[:64], record_id=None if record_id is None else str(record_id)[:64],
        changes={key: [None, jsonable(value)] for key, value in (details or {}).items()},
    ))
