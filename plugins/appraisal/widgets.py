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


def profile_results(user: Any) -> dict[str, Any]:
    """The person's last results and their recognitions and warnings (R10), for their own profile page."""
    from core.security import can
    from plugins.appraisal.models import PersonRecord
    from plugins.appraisal.permissions import VIEW

    if not can(user, VIEW):
        return {"rows": [], "records": []}
    rows = db.session.scalars(select(Appraisal).options(*light())
                              .where(Appraisal.employee_id == user.id, Appraisal.grade.is_not(None))
                              .order_by(Appraisal.period_start.desc(), Appraisal.id.desc()).limit(6)).all()
    records = db.session.scalars(select(PersonRecord).where(PersonRecord.user_id == user.id)
                                 .order_by(PersonRecord.created_at.desc()).limit(6)).all()
    return {"rows": rows, "records": records}
