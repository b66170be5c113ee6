"""What the database remembers of plugins: enabled or not, and a counter every process watches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow


class PluginState(db.Model):
    __tablename__ = "core_plugin_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The last error raised by one of the plugin's hooks, shown on the admin page until it is enabled again.
    last_error: Mapped[str | None] = mapped_column(Text)


class ChangeCounter(db.Model):
    """Monotonic counters; a process that sees a new value reloads what it caches (e.g. enabled plugins)."""

    __tablename__ = "core_change_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
