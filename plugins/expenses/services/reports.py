"""The reports page's figures (spend against budget by month, claims waiting per reviewer, days to payment) and
its workbook. Each figure is one SQL aggregation, never a Python loop over claims."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select

from core.contracts import Period
from core.extensions import db
from core.identity.models import Department, User
from core.timeutil import utcnow
from plugins.expenses import platform
from plugins.expenses.labels import state_label
from plugins.expenses.models import (
    COMMITTED_STATES,
    DEPT_APPROVED,
    FINANCE_APPROVED,
    PAID,
    SUBMITTED,
    Category,
    Claim,
    ClaimLine,
)
from plugins.expenses.services.budgets import budget_figures
from plugins.expenses.services.categories import category_label


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """A local-calendar period as naive-UTC datetimes, to compare with stored times."""
    from zoneinfo import ZoneInfo

    zone = platform.company_zone()

    def to_utc(day: date) -> datetime:
        return datetime.combine(day, time.min, zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    return to_utc(period.start), to_utc(period.end)


def days_between(later: Any, earlier: Any) -> Any:
    """(later - earlier) in days, as SQL for the current database."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def spend_by_month(year: int, department_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Committed and spent per department, category and month of ``year``, beside each line's budget."""
    month = func.extract("month", ClaimLine.expense_date)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    query = (
        select(Department.id, Department.name, Category.id, Category.code, Category.name, month.label("m"),
               func.sum(case((Claim.state.in_(COMMITTED_STATES), ClaimLine.amount), else_=0)),
               func.sum(case((Claim.state == PAID, ClaimLine.amount), else_=0)))
        .select_from(ClaimLine)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .join(Department, Department.id == Claim.department_id)
        .join(Category, Category.id == ClaimLine.category_id)
        .where(ClaimLine.expense_date >= start, ClaimLine.expense_date < end,
               Claim.state.in_((*COMMITTED_STATES, PAID)))
        .group_by(Department.id, Department.name, Category.id, Category.code, Category.name, month)
        .order_by(Department.name, Category.id, month)
    )
    if department_ids is not None:
        query = query.where(Claim.department_id.in_(department_ids))

    budgets = {(f.department_id, f.category_id): f for f in budget_figures(db.session, year, department_ids)}
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for dept_id, dept, cat_id, code, name, m, committed, spent in db.session.execute(query):
        row = rows.setdefault((dept_id, cat_id), {
            "department": dept, "category": category_label(Category(code=code, name=name)),
            "months": [Decimal("0.00")] * 12, "committed": Decimal("0.00"), "spent": Decimal("0.00"),
            "allocated": budgets[(dept_id, cat_id)].allocated if (dept_id, cat_id) in budgets else Decimal("0.00"),
        })
        row["months"][int(m) - 1] += Decimal(spent) + Decimal(committed)
        row["committed"] += Decimal(committed)
        row["spent"] += Decimal(spent)
    for key, figure in budgets.items():  # budget lines with no spending yet still show
        rows.setdefault(key, {"department": figure.department, "category": figure.category,
                              "months": [Decimal("0.00")] * 12, "committed": Decimal("0.00"),
                              "spent": Decimal("0.00"), "allocated": figure.allocated})
    result = sorted(rows.values(), key=lambda r: (r["department"], r["category"]))
    for row in result:
        row["remaining"] = row["allocated"] - row["committed"] - row["spent"]
    return result


def waiting_per_reviewer(now: datetime | None = None) -> list[dict[str, Any]]:
    """Claims waiting per reviewer with their count and the oldest one's age in days. Department-stage claims
    are grouped by their approver; finance stages by the stage (finance works as a team)."""
    now = now or utcnow()
    since = case((Claim.state == SUBMITTED, Claim.submitted_at), (Claim.state == DEPT_APPROVED,
                 Claim.dept_approved_at), else_=Claim.finance_approved_at)
    reviewer = case((Claim.state == SUBMITTED, Claim.approver_id), else_=literal(None))
    rows = db.session.execute(
        select(reviewer.label("reviewer"), Claim.state, func.count(Claim.id), func.min(since),
               func.sum(Claim.total))
        .where(Claim.state.in_((SUBMITTED, DEPT_APPROVED, FINANCE_APPROVED)))
        .group_by(reviewer, Claim.state)
    ).all()
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_([r[0] for r in rows if r[0] is not None]))).all()) if rows else {}

    result = []
    for reviewer_id, state, count, oldest, total in rows:
        who = names.get(reviewer_id, "—") if reviewer_id else _("Finance")
        age = (now - oldest).days if oldest else 0
        result.append({"reviewer": who, "stage": state_label(state), "count": count, "oldest_days": age,
                       "total": Decimal(total or 0)})
    return sorted(result, key=lambda r: -r["oldest_days"])


def average_days_to_payment(year: int) -> Decimal | None:
    start, end = utc_bounds(Period(date(year, 1, 1), date(year + 1, 1, 1)))
    days = db.session.scalar(
        select(func.avg(days_between(Claim.paid_at, Claim.first_submitted_at)))
        .where(Claim.state == PAID, Claim.paid_at >= start, Claim.paid_at < end))
    return None if days is None else Decimal(str(round(float(days), 1)))


def reports_xlsx(year: int, department_ids: list[int] | None = None) -> bytes:
    """The reports page as a workbook: spend against budget, waiting claims, average days to payment."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Spend vs budget")[:31]
    months = [str(m) for m in range(1, 13)]
    sheet.append([_("Department"), _("Category"), *months, _("Committed"), _("Spent"), _("Allocated"),
                  _("Remaining")])
    for row in spend_by_month(year, department_ids):
        sheet.append([row["department"], row["category"], *row["months"], row["committed"], row["spent"],
                      row["allocated"], row["remaining"]])
    waiting = book.create_sheet(_("Waiting claims")[:31])
    waiting.append([_("Reviewer"), _("Stage"), _("Claims"), _("Oldest (days)"), _("Amount")])
    for row in waiting_per_reviewer():
        waiting.append([row["reviewer"], row["stage"], row["count"], row["oldest_days"], row["total"]])
    summary = book.create_sheet(_("Payment time")[:31])
    summary.append([_("Year"), _("Average days from submission to payment")])
    summary.append([year, average_days_to_payment(year)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
