"""The audit trail's table: one row per change of a business record, append-only (R13, issue 3 §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow

#: What happened to the record. "state": a column named state or status changed; "archive": archived or
#: archived_at changed; "export": rows of some table left the system (an event, not a record change).
ACTIONS = ("create", "update", "delete", "archive", "state", "export")


class AuditLog(db.Model):
    __tablename__ = "core_audit_log"
    __audit__ = False  # the trail does not audit itself
    __table_args__ = (
        Index("ix_core_audit_log_record", "table_name", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The signed-in user who made the change; None for the CLI, jobs and the system (see ``actor``).
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no foreign key: the log outlives anything
    #: The user's login at the time, or the name given to audit_actor() ("cli", "job:...", "system").
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(16), index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    #: {"field": [old, new]}; Decimal, dates and times as strings. For "export": what was exported.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
