"""Dashboard widget data: the interviews waiting for the user's scorecard (one query)."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from plugins.recruitment.services.interviews import my_interviews

LIMIT = 6


def my_pending_interviews(user: Any) -> dict[str, Any]:
    rows = [row for row in my_interviews(db.session, user, limit=LIMIT) if row[1].submitted_at is None]
    return {"rows": rows}
