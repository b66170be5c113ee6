"""What the expenses plugin tells the rest of the system: KPIs, data sets, compliance measures, reports and the
reminder job. Every figure is one SQL aggregation, never a Python loop over claims."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, literal, select

from core.contracts import ComplianceResult, DatasetColumn, DatasetDef, Period
from core.extensions import db
from core.identity.models import Department, User
from core.timeutil import utcnow
from plugins.expenses import platform
from plugins.expenses.models import (
    COMMITTED_STATES,
    DEPT_APPROVED,
    FINANCE_APPROVED,
    PAID,
    SUBMITTED,
    Budget,
    Category,
    Claim,
    ClaimEvent,
    ClaimLine,
    Receipt,
)
from plugins.expenses.services import budget_figures, claim_visibility, remind_overdue_reviewers

# ---------------------------------------------------------------------------------------------------- time


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """A local-calendar period as naive-UTC datetimes, to compare with stored times."""
    from zoneinfo import ZoneInfo

    zone = platform.company_zone()

    def to_utc(day: date) -> datetime:
        return datetime.combine(day, time.min, zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    return to_utc(period.start), to_utc(period.end)


def _days_between(later: Any, earlier: Any) -> Any:
    """(later - earlier) in days, as SQL for the current database."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


# ---------------------------------------------------------------------------------------------------- KPIs


def kpi_total(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """expenses.total: per claimant, the expenses dated in ``period`` of claims finance approved or paid."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Claim.claimant_id, func.sum(ClaimLine.amount))
        .join(ClaimLine, ClaimLine.claim_id == Claim.id)
        .where(Claim.claimant_id.in_(user_ids), Claim.state.in_((FINANCE_APPROVED, PAID)),
               ClaimLine.expense_date >= period.start, ClaimLine.expense_date < period.end)
        .group_by(Claim.claimant_id)
    )
    found = {user_id: Decimal(total).quantize(Decimal("0.01")) for user_id, total in rows}
    return {user_id: found.get(user_id, Decimal("0.00")) for user_id in user_ids}


def kpi_days_to_payment(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """expenses.days_to_payment: per claimant, the average days from first submission to payment of the claims
    paid in ``period`` (users without a paid claim are left out: no figure, not zero)."""
    if not user_ids:
        return {}
    start, end = _utc_bounds(period)
    rows = db.session.execute(
        select(Claim.claimant_id, func.avg(_days_between(Claim.paid_at, Claim.first_submitted_at)))
        .where(Claim.claimant_id.in_(user_ids), Claim.state == PAID, Claim.paid_at >= start, Claim.paid_at < end)
        .group_by(Claim.claimant_id)
    )
    return {user_id: Decimal(str(round(float(days), 1))) for user_id, days in rows if days is not None}


# ---------------------------------------------------------------------------------------------------- data sets


def _claim_lines_query(user: Any) -> Any:
    month = func.strftime("%Y-%m", ClaimLine.expense_date) if db.engine.dialect.name == "sqlite" \
        else func.to_char(ClaimLine.expense_date, "YYYY-MM")
    return (
        select(Claim.number.label("claim"), User.name.label("claimant"), Department.name.label("department"),
               Category.name.label("category"), month.label("month"), ClaimLine.expense_date.label("date"),
               ClaimLine.amount.label("amount"), Claim.state.label("state"))
        .select_from(ClaimLine)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .join(User, User.id == Claim.claimant_id)
        .outerjoin(Department, Department.id == Claim.department_id)
        .join(Category, Category.id == ClaimLine.category_id)
        .where(claim_visibility(user))
    )


def _budgets_query(user: Any) -> Any:
    return (
        select(Budget.year.label("year"), Department.name.label("department"), Category.name.label("category"),
               Budget.amount.label("amount"), Budget.state.label("state"))
        .join(Department, Department.id == Budget.department_id)
        .join(Category, Category.id == Budget.category_id)
    )


def _claim_state_labels() -> dict[str, str]:
    from plugins.expenses.services import STATE_LABELS

    return dict(STATE_LABELS)


def datasets() -> list[DatasetDef]:
    return [
        DatasetDef("expenses.claim_lines", _l("Expense claim lines"), (
            DatasetColumn("claim", _l("Claim"), role="key"), DatasetColumn("claimant", _l("Claimant")),
            DatasetColumn("department", _l("Department")), DatasetColumn("category", _l("Category")),
            DatasetColumn("month", _l("Month")), DatasetColumn("date", _l("Date"), "date"),
            DatasetColumn("amount", _l("Amount"), "decimal"),
            DatasetColumn("state", _l("State"), value_labels=_claim_state_labels),
        ), "expenses.claim.view", _claim_lines_query, date_column="date"),
        DatasetDef("expenses.budgets", _l("Expense budgets"), (
            DatasetColumn("year", _l("Year"), "int", role="dimension"), DatasetColumn("department", _l("Department")),
            DatasetColumn("category", _l("Category")), DatasetColumn("amount", _l("Amount"), "decimal"),
            DatasetColumn("state", _l("State")),
        ), "expenses.budget.view", _budgets_query),
    ]


# ---------------------------------------------------------------------------------------------------- compliance


def measure_paid_claims_reviewed() -> ComplianceResult:
    """R9.2.1–R9.2.3: every paid claim passed the department head's and finance's review and had a receipt on
    every line. Must be 100%."""
    def passed(action: str) -> Any:
        return exists().where(ClaimEvent.claim_id == Claim.id, ClaimEvent.action == action)

    line_without_receipt = exists().where(
        ClaimLine.claim_id == Claim.id, ~exists().where(Receipt.line_id == ClaimLine.id))
    good = case((and_(passed("approve"), passed("finance_approve"), ~line_without_receipt), 1), else_=0)
    total, ok = db.session.execute(
        select(func.count(Claim.id), func.coalesce(func.sum(good), 0)).where(Claim.state == PAID)).one()
    if not total:
        return ComplianceResult(None, _("No claim has been paid yet."), True)
    ratio = (Decimal(ok) / Decimal(total)).quantize(Decimal("0.0001"))
    return ComplianceResult(ratio, _("%(ok)s of %(total)s paid claims", ok=ok, total=total), ok == total)


def measure_budgets_kept() -> ComplianceResult:
    """R9.1.2: share of this year's approved budget lines whose committed + spent stays within the allocation."""
    figures = [f for f in budget_figures(db.session, platform.local_today().year) if f.state == "approved"]
    if not figures:
        return ComplianceResult(None, _("No approved budget for this year."), True)
    kept = sum(1 for f in figures if f.remaining >= 0)
    ratio = (Decimal(kept) / Decimal(len(figures))).quantize(Decimal("0.0001"))
    return ComplianceResult(ratio, _("%(ok)s of %(total)s budget lines within budget", ok=kept, total=len(figures)),
                            kept == len(figures))


# ---------------------------------------------------------------------------------------------------- jobs


def run_reminders() -> None:
    remind_overdue_reviewers(db.session)
    db.session.commit()


# ---------------------------------------------------------------------------------------------------- reports


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
    from plugins.expenses.services import category_label

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
    from plugins.expenses.services import state_label

    result = []
    for reviewer_id, state, count, oldest, total in rows:
        who = names.get(reviewer_id, "—") if reviewer_id else _("Finance")
        age = (now - oldest).days if oldest else 0
        result.append({"reviewer": who, "stage": state_label(state), "count": count, "oldest_days": age,
                       "total": Decimal(total or 0)})
    return sorted(result, key=lambda r: -r["oldest_days"])


def average_days_to_payment(year: int) -> Decimal | None:
    start, end = _utc_bounds(Period(date(year, 1, 1), date(year + 1, 1, 1)))
    days = db.session.scalar(
        select(func.avg(_days_between(Claim.paid_at, Claim.first_submitted_at)))
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
