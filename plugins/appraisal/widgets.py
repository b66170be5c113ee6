"""Dashboard widgets: my current appraisal and what waits for me (a few small queries each, never one per row)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.extensions import db
from core.timeutil import local_today
from plugins.appraisal.models import Appraisal, light


def my_appraisal(user: Any) -> dict[str, Any]:
    latest = db.session.scalars(select(Appraisal).options(*light())
                                .where(Appraisal.employee_id == user.id)
                                .order_by(Appraisal.period_start.desc(), Appraisal.id.desc()).limit(1)).first()
    to_review = db.session.scalar(select(func.count(Appraisal.id)).where(
        Appraisal.reviewer_id == user.id, Appraisal.state.in_(("self_assessment", "superior_review")))) or 0
    return {"latest": latest, "to_review": to_review, "today": local_today()}
