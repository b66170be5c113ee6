"""The dashboard widgets, chosen by what the user does with claims (issue 12), and their context functions: a fixed,
small number of queries each.

Everyone who files claims sees their own. Reviewers — a department head (R9.2.2), anyone people report to, finance
(R9.2.3) — see what waits for them, near the top of the page: for a department head and for finance it is the first
thing. The budget use shows to those who may read budgets or head a department (R9.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from core.contracts import DashboardWidget
from core.extensions import db
from core.identity.models import Department, User
from core.security import can, has_team
from core.timeutil import utcnow
from plugins.expenses import platform
from plugins.expenses.models import BUDGET_DRAFT, DEPT_APPROVED, FINANCE_APPROVED, SUBMITTED, Budget, Claim
from plugins.expenses.services import (
    FINANCE_REVIEW,
    PAY,
    budget_figures,
    department_queue,
    finance_queue,
    state_label,
)

BUDGET_VIEW, BUDGET_APPROVE = "expenses.budget.view", "expenses.budget.approve"


def _heads_a_department(user: Any) -> bool:
    return db.session.scalar(select(Department.id).where(Department.head_id == user.id).limit(1)) is not None


def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    heads = _heads_a_department(user)
    widgets = [DashboardWidget("expenses.my_claims", _l("My expense claims"), "expenses/widgets/my_claims.html",
                               permission="expenses.claim.create", order=40, context=my_claims)]
    if heads or has_team(user) or any(can(user, p) for p in (FINANCE_REVIEW, PAY, BUDGET_APPROVE)):
        # After the sales team's charts (orders 1-5) for a manager; first for a department head and finance.
        widgets.append(DashboardWidget("expenses.waiting", _l("Expense claims waiting for me"),
                                       "expenses/widgets/waiting.html", order=6, context=waiting_for_me))
    if heads or can(user, BUDGET_VIEW):
        widgets.append(DashboardWidget("expenses.budget_use", _l("My department's budget use"),
                                       "expenses/widgets/budget.html", order=42, context=department_budget))
    return widgets


def my_claims(user: Any) -> dict[str, Any]:
    """My claims: how many in each state, and the five latest."""
    counts = dict(db.session.execute(
        select(Claim.state, func.count(Claim.id)).where(Claim.claimant_id == user.id).group_by(Claim.state)).all())
    latest = list(db.session.scalars(select(Claim).where(Claim.claimant_id == user.id)
                                     .order_by(Claim.created_at.desc(), Claim.id.desc()).limit(5)))
    return {"counts": [(state_label(s), n) for s, n in counts.items()], "latest": latest,
            "state_label": state_label}


def waiting_for_me(user: Any) -> dict[str, Any]:
    """Claims waiting for my review or payment, those of my team's reviewers waiting too long, and this year's
    budget lines waiting for my approval (R9.1.2)."""
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
    budgets_count = 0
    year = platform.local_today().year
    if can(user, BUDGET_APPROVE):
        budgets_count = db.session.scalar(select(func.count(Budget.id)).where(
            Budget.state == BUDGET_DRAFT, Budget.year == year)) or 0
    return {"mine": mine, "mine_count": mine_count, "finance_count": finance_count, "pay_count": pay_count,
            "overdue": overdue, "budgets_count": budgets_count, "year": year, "DEPT_APPROVED": DEPT_APPROVED}


def department_budget(user: Any) -> dict[str, Any]:
    """This year's budget lines of the departments I head, or of my own department."""
    headed = list(db.session.scalars(select(Department.id).where(
        or_(Department.head_id == user.id, Department.id == user.department_id))))
    figures = budget_figures(db.session, platform.local_today().year, headed) if headed else []
    return {"figures": figures, "year": platform.local_today().year}
