"""Context functions of the dashboard widgets: a fixed, small number of queries each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select

from core.extensions import db
from core.identity.models import Department, User
from core.security import can
from core.timeutil import utcnow
from plugins.expenses import platform
from plugins.expenses.models import DEPT_APPROVED, FINANCE_APPROVED, SUBMITTED, Claim
from plugins.expenses.services import (
    FINANCE_REVIEW,
    PAY,
    budget_figures,
    department_queue,
    finance_queue,
    state_label,
)


def my_claims(user: Any) -> dict[str, Any]:
    """My claims: how many in each state, and the five latest."""
    counts = dict(db.session.execute(
        select(Claim.state, func.count(Claim.id)).where(Claim.claimant_id == user.id).group_by(Claim.state)).all())
    latest = list(db.session.scalars(select(Claim).where(Claim.claimant_id == user.id)
                                     .order_by(Claim.created_at.desc(), Claim.id.desc()).limit(5)))
    return {"counts": [(state_label(s), n) for s, n in counts.items()], "latest": latest,
            "state_label": state_label}


def waiting_for_me(user: Any) -> dict[str, Any]:
    """Claims waiting for my review or payment, and those of my team's reviewers waiting too long."""
    mine = list(db.session.scalars(department_queue(user).limit(5)))
    mine_count = db.session.scalar(select(func.count()).select_from(department_queue(user).subquery()))
    finance_count = pay_count = 0
    if can(user, FINANCE_REVIEW):
        finance_count = db.session.scalar(select(func.count()).select_from(finance_queue(user).subquery()))
    if can(user, PAY):
        pay_count = db.session.scalar(
            select(func.count()).select_from(finance_queue(user, FINANCE_APPROVED).subquery()))
    # R9.2 reminders: claims waiting too long for a reviewer who reports to me show on my dashboard.
    limit = utcnow() - timedelta(days=int(platform.setting("expenses.reminder_days")))
    overdue = list(db.session.execute(
        select(Claim, User.name).join(User, User.id == Claim.approver_id)
        .where(Claim.state == SUBMITTED, Claim.submitted_at < limit, User.superior_id == user.id)
        .order_by(Claim.submitted_at).limit(5)).all())
    return {"mine": mine, "mine_count": mine_count, "finance_count": finance_count, "pay_count": pay_count,
            "overdue": overdue, "DEPT_APPROVED": DEPT_APPROVED}


def department_budget(user: Any) -> dict[str, Any]:
    """This year's budget lines of the departments I head, or of my own department."""
    headed = list(db.session.scalars(select(Department.id).where(
        or_(Department.head_id == user.id, Department.id == user.department_id))))
    figures = budget_figures(db.session, platform.local_today().year, headed) if headed else []
    return {"figures": figures, "year": platform.local_today().year}
