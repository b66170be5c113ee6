"""The job table: one row a scheduled job, with its schedule, its lease and how its last runs went."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


class Job(db.Model):
    __tablename__ = "core_job"
    __audit__ = False  # bookkeeping, not a business record: the audit trail skips it

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    interval_seconds: Mapped[int]
    next_run_at: Mapped[datetime] = mapped_column(index=True)
    #: Who holds the lease (host:pid:nonce) and until when; an expired lease is free for another worker.
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Consecutive failures; a success resets it.
    failures: Mapped[int] = mapped_column(default=0)
