"""Dashboard widgets' data for the signed-in user: target progress, deals by stage, overdue follow-ups and
tickets. A few aggregate queries each, never one per row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.extensions import db
from core.timeutil import local_today, utcnow
from plugins.pipeline.models import STAGES, Deal, FollowUp, Order, Ticket
from plugins.pipeline.services.progress import month_progress, year_progress

LIMIT = 6


def target_progress(user: Any) -> dict[str, Any]:
    today = local_today()
    return {"year": year_progress(db.session, today.year, [user.id])[user.id],
            "month": month_progress(db.session, user, today), "today": today}


def deals_by_stage(user: Any) -> dict[str, Any]:
    rows = {stage: (n, Decimal(str(v))) for stage, n, v in db.session.execute(
        select(Deal.stage, func.count(Deal.id), func.coalesce(func.sum(Deal.expected_value), 0))
        .where(Deal.owner_id == user.id, Deal.status == "open").group_by(Deal.stage))}
    stages = [(s, *rows.get(s, (0, Decimal("0")))) for s in STAGES]
    return {"stages": stages, "total": sum(n for _s, n, _v in stages)}


def overdue_work(user: Any) -> dict[str, Any]:
    follow_ups = db.session.execute(
        select(FollowUp.id, FollowUp.due_on, Order.id.label("order_id"), Order.number)
        .join(Order, Order.id == FollowUp.order_id)
        .where(FollowUp.owner_id == user.id, FollowUp.done_at.is_(None), FollowUp.due_on < local_today())
        .order_by(FollowUp.due_on).limit(LIMIT)).all()
    tickets = db.session.execute(
        select(Ticket.id, Ticket.subject, Ticket.sla_due_at)
        .where(Ticket.assignee_id == user.id, Ticket.state.in_(("open", "in_progress")), Ticket.sla_due_at < utcnow())
        .order_by(Ticket.sla_due_at).limit(LIMIT)).all()
    return {"follow_ups": follow_ups, "tickets": tickets}
