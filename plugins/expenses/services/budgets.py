"""Budgets (R9.1): annual lines per department and category, their live figures (allocated, committed, spent,
remaining) and the over-budget check of a claim (R9.x). Every figure is SQL aggregation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from core.identity.models import Department
from core.money import parse_money
from core.security import can
from core.timeutil import utcnow
from core.web.locale import money
from plugins.expenses.models import (
    BUDGET_APPROVED,
    BUDGET_DRAFT,
    COMMITTED_STATES,
    PAID,
    Budget,
    BudgetMonth,
    Category,
    Claim,
    ClaimLine,
)
from plugins.expenses.services.categories import category_label
from plugins.expenses.services.common import (
    BUDGET_APPROVE,
    BUDGET_MANAGE,
    CENT,
    ConcurrentChange,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    flush_or_refuse,
)


def budget_room(remaining: Decimal) -> str:
    """What a budget line has left, for a message: "¥100.00 left", or "already over by ¥921.90" (issue 12: never
    "¥-921.90")."""
    if remaining < 0:
        return _("already over by %(amount)s", amount=money(-remaining))
    return _("%(amount)s left", amount=money(remaining))


@dataclass(frozen=True)
class BudgetWarning:
    category_id: int
    category_name: str
    year: int
    amount: Decimal
    remaining: Decimal
    policy: str

    def as_dict(self) -> dict[str, Any]:
        return {"category_id": self.category_id, "category": self.category_name, "year": self.year,
                "amount": str(self.amount), "remaining": str(self.remaining), "policy": self.policy}


@dataclass(frozen=True)
class BudgetFigure:
    """One budget line with its live figures (R9.1.2): only an approved line's amount is allocated."""

    budget_id: int
    department_id: int
    department: str
    category_id: int
    category: str
    year: int
    state: str
    amount: Decimal
    committed: Decimal
    spent: Decimal

    @property
    def allocated(self) -> Decimal:
        return self.amount if self.state == BUDGET_APPROVED else Decimal("0.00")

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.committed - self.spent

    @property
    def used_ratio(self) -> Decimal | None:
        if not self.allocated:
            return None
        return ((self.committed + self.spent) / self.allocated).quantize(Decimal("0.001"))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def _usage_subquery(year: int, department_ids: Iterable[int] | None = None) -> Any:
    """Committed and spent per (department, category) in ``year``, one GROUP BY over the claim lines (of the given
    departments' claims only, when they are given)."""
    start, end = _year_bounds(year)
    query = (
        select(
            Claim.department_id.label("department_id"), ClaimLine.category_id.label("category_id"),
            func.coalesce(func.sum(case((Claim.state.in_(COMMITTED_STATES), ClaimLine.amount))), 0).label("committed"),
            func.coalesce(func.sum(case((Claim.state == PAID, ClaimLine.amount))), 0).label("spent"),
        )
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(ClaimLine.expense_date >= start, ClaimLine.expense_date < end,
               Claim.state.in_((*COMMITTED_STATES, PAID)))
        .group_by(Claim.department_id, ClaimLine.category_id)
    )
    if department_ids is not None:
        query = query.where(Claim.department_id.in_(list(department_ids)))
    return query.subquery()


def budget_lines_query(year: int, department_ids: Iterable[int] | None = None, with_usage: bool = False) -> Any:
    """The budget lines of ``year`` as one select, ordered by department and category; list pages re-sort and
    paginate it in SQL, then :func:`budget_page_figures` adds the live figures.

    ``with_usage`` joins committed and spent of every line (one GROUP BY over the year's claim lines), which only
    sorting by what is left needs; otherwise the figures are computed for the shown lines alone."""
    columns = [Budget.id, Budget.department_id, Department.name, Budget.category_id, Category.code,
               Category.name, Budget.year, Budget.state, Budget.amount]
    query = select(*columns)
    if with_usage:
        usage = _usage_subquery(year)
        query = (select(*columns, func.coalesce(usage.c.committed, 0).label("committed"),
                        func.coalesce(usage.c.spent, 0).label("spent"))
                 .outerjoin(usage, and_(usage.c.department_id == Budget.department_id,
                                        usage.c.category_id == Budget.category_id)))
    query = (query.join(Department, Department.id == Budget.department_id)
             .join(Category, Category.id == Budget.category_id)
             .where(Budget.year == year)
             .order_by(Department.name, Category.position, Category.id))
    if department_ids is not None:
        query = query.where(Budget.department_id.in_(list(department_ids)))
    return query


def budget_remaining_column(query: Any) -> Any:
    """allocated − committed − spent as SQL over ``budget_lines_query(..., with_usage=True)``, to sort by it."""
    allocated = case((Budget.state == BUDGET_APPROVED, Budget.amount), else_=0)
    return allocated - query.selected_columns.committed - query.selected_columns.spent


def budget_page_figures(session: Any, year: int, rows: list[Any]) -> list[BudgetFigure]:
    """Rows of :func:`budget_lines_query` as BudgetFigures: with their usage columns as they are, else with one
    more query that sums the claim lines of these rows' departments and categories only."""
    if not rows:
        return []
    if "committed" in rows[0]._fields:
        usage = {(row[1], row[3]): (row.committed, row.spent) for row in rows}
    else:
        # By department only: a category filter on top steers both databases to a line-by-line plan that is
        # slower than summing the departments' claims whole (bench/expenses_bench.py).
        sub = _usage_subquery(year, {row[1] for row in rows})
        usage = {(d, c): (committed, spent) for d, c, committed, spent in session.execute(select(sub))}
    figures = []
    labels: dict[tuple[str, str], str] = {}  # a handful of categories: translate each once, not once a row
    for row in rows:
        committed, spent = usage.get((row[1], row[3]), (0, 0))
        label = labels.get((row[4], row[5]))
        if label is None:
            label = labels[(row[4], row[5])] = category_label(Category(code=row[4], name=row[5]))
        figures.append(BudgetFigure(row[0], row[1], row[2], row[3], label, row[6], row[7], Decimal(row[8]),
                                    Decimal(committed).quantize(CENT), Decimal(spent).quantize(CENT)))
    return figures


def budget_figures(session: Any, year: int, department_ids: Iterable[int] | None = None,
                   offset: int = 0, limit: int | None = None) -> list[BudgetFigure]:
    """The budget lines of ``year`` with allocated / committed / spent / remaining, in two queries."""
    query = budget_lines_query(year, department_ids)
    if limit is not None:
        query = query.offset(offset).limit(limit)
    return budget_page_figures(session, year, list(session.execute(query)))


def budget_warnings(session: Any, claim: Claim) -> list[BudgetWarning]:
    """The claim's (category, year) parts that exceed what their approved budget has left (R9.x).

    The claim itself is left out of "committed" while it is counted there, so a re-check at each approval
    compares it with what the others leave."""
    needed: dict[tuple[int, int], Decimal] = {}
    for line in claim.lines:
        key = (line.category_id, line.expense_date.year)
        needed[key] = needed.get(key, Decimal("0")) + line.amount
    if not needed or claim.department_id is None:
        return []
    categories = {c.id: c for c in session.scalars(select(Category).where(Category.id.in_([k[0] for k in needed])))}
    warnings = []
    for year in sorted({k[1] for k in needed}):
        usage = _usage_subquery(year, [claim.department_id])
        rows = session.execute(
            select(Category.id, func.coalesce(Budget.amount, 0), func.coalesce(usage.c.committed, 0),
                   func.coalesce(usage.c.spent, 0))
            .select_from(Category)
            .outerjoin(Budget, and_(Budget.category_id == Category.id, Budget.year == year,
                                    Budget.department_id == claim.department_id, Budget.state == BUDGET_APPROVED))
            .outerjoin(usage, and_(usage.c.category_id == Category.id,
                                   usage.c.department_id == claim.department_id))
            .where(Category.id.in_([k[0] for k in needed if k[1] == year]))
        ).all()
        for category_id, allocated, committed, spent in rows:
            amount = needed[(category_id, year)]
            remaining = Decimal(allocated) - Decimal(committed) - Decimal(spent)
            if claim.state in COMMITTED_STATES:
                remaining += amount
            if amount > remaining:
                category = categories[category_id]
                warnings.append(BudgetWarning(category_id, category_label(category), year, amount,
                                              remaining.quantize(CENT), category.over_budget_policy))
    return warnings


def save_budget(session: Any, user: Any, *, department_id: int | None, category_id: int | None, year: Any,
                amount: Any, months: list[Any] | None = None, note: str = "", budget: Budget | None = None,
                expected_version: int | None = None) -> Budget:
    """Create or change a draft budget line; ``months`` (twelve amounts, or None) must add up to ``amount``."""
    if not can(user, BUDGET_MANAGE):
        raise NotPermitted(_("You may not set budgets."), "not_permitted")
    if budget is not None and budget.state != BUDGET_DRAFT:
        raise TransitionRefused(_("An approved budget cannot be changed; ask for it to be reopened."), "not_editable")
    if budget is not None and expected_version is not None and budget.version != expected_version:
        raise ConcurrentChange()
    errors: dict[str, str] = {}
    if department_id is None or session.get(Department, department_id) is None:
        errors["department_id"] = _("Choose a department.")
    category = session.get(Category, category_id) if category_id is not None else None
    if category is None:
        errors["category_id"] = _("Choose a category.")
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = _("Enter a year such as 2026.")
        year = 0
    try:
        total = _budget_amount(amount)
    except ValueError as exc:
        errors["amount"] = str(exc)
        total = Decimal("0")
    split: list[Decimal] = []
    if months and any(str(m).strip() for m in months if m is not None):
        for index, value in enumerate(months):
            try:
                split.append(_budget_amount(value if str(value or "").strip() else "0"))
            except ValueError as exc:
                errors[f"months.{index}"] = str(exc)
        if len(months) != 12:
            errors["months"] = _("Give all twelve months, or none.")
        elif "amount" not in errors and not any(k.startswith("months.") for k in errors) and sum(split) != total:
            errors["months"] = _("The months add up to %(sum)s, not %(total)s.", sum=money(sum(split)),
                                 total=money(total))
    if not errors:
        clash = session.scalar(select(Budget.id).where(Budget.department_id == department_id,
                                                       Budget.category_id == category_id, Budget.year == year))
        if clash is not None and (budget is None or clash != budget.id):
            errors["category_id"] = _("This department already has a budget for this category and year.")
    if errors:
        raise InvalidInput(errors)
    if budget is None:
        budget = Budget(created_by_id=user.id, state=BUDGET_DRAFT)
        session.add(budget)
    budget.department_id, budget.category_id, budget.year, budget.amount = department_id, category_id, year, total
    budget.note = (note or "").strip()[:2000]
    budget.months = [BudgetMonth(month=i + 1, amount=a) for i, a in enumerate(split)]
    flush_or_refuse(session)
    return budget


def _budget_amount(value: Any) -> Decimal:
    # The one reader of amounts (core.money, issue 11 F4): not negative, within Numeric(14, 2), exact to the fen.
    return parse_money(value, exact=True)


def approve_budget(session: Any, budget: Budget, user: Any) -> Budget:
    """A draft budget line starts to count once approved (R9.1.2)."""
    if not can(user, BUDGET_APPROVE):
        raise NotPermitted(_("You may not approve budgets."), "not_permitted")
    if budget.state != BUDGET_DRAFT:
        raise TransitionRefused(_("This budget is already approved."), "wrong_state")
    budget.state, budget.approved_by_id, budget.approved_at = BUDGET_APPROVED, user.id, utcnow()
    flush_or_refuse(session)
    return budget


def reopen_budget(session: Any, budget: Budget, user: Any) -> Budget:
    """Take an approved line back to draft to revise it; it stops counting until approved again."""
    if not can(user, BUDGET_APPROVE):
        raise NotPermitted(_("You may not approve budgets."), "not_permitted")
    if budget.state != BUDGET_APPROVED:
        raise TransitionRefused(_("Only an approved budget can be reopened."), "wrong_state")
    budget.state, budget.approved_by_id, budget.approved_at = BUDGET_DRAFT, None, None
    flush_or_refuse(session)
    return budget
