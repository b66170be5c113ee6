"""Dashboard widgets' data: the signed-in user's overdue revisits, next steps and grade distribution."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.extensions import db
from core.timeutil import local_today
from plugins.crm.models import Customer, Interaction, Revisit

LIMIT = 8


def overdue(user: Any) -> dict[str, Any]:
    rows = db.session.execute(
        select(Revisit.due_on, Customer.id, Customer.name, Customer.grade)
        .join(Customer, Customer.id == Revisit.customer_id)
        .where(Revisit.owner_id == user.id, Revisit.done_at.is_(None), Revisit.due_on < local_today())
        .order_by(Revisit.due_on).limit(LIMIT)).all()
    return {"rows": rows, "today": local_today()}


def next_steps(user: Any) -> dict[str, Any]:
    rows = db.session.execute(
        select(Interaction.id, Interaction.next_step, Interaction.next_step_on, Customer.id.label("customer_id"),
               Customer.name)
        .join(Customer, Customer.id == Interaction.customer_id)
        .where(Interaction.user_id == user.id, Interaction.next_step_done.is_(False),
               Interaction.next_step_on.isnot(None), Customer.merged_into_id.is_(None))
        .order_by(Interaction.next_step_on).limit(LIMIT)).all()
    return {"rows": rows, "today": local_today()}


def grades(user: Any) -> dict[str, Any]:
    # Grouped by the plain column: PostgreSQL refuses GROUP BY coalesce(grade, $1) against SELECT coalesce(grade, $2).
    counts = {grade or "-": n for grade, n in db.session.execute(
        select(Customer.grade, func.count(Customer.id))
        .where(Customer.owner_id == user.id, Customer.merged_into_id.is_(None))
        .group_by(Customer.grade)).all()}
    total = sum(counts.values())
    return {"counts": [(g, counts.get(g, 0)) for g in ("A", "B", "C", "-")], "total": total}
