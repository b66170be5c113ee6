"""The plugin's data sets for the analysis pages (register_datasets): claim lines and budgets, limited to what
the user may see."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import DatasetColumn, DatasetDef
from core.extensions import db
from core.identity.models import Department, User
from plugins.expenses.labels import STATE_LABELS
from plugins.expenses.models import (
    Budget,
    Category,
    Claim,
    ClaimLine,
)
from plugins.expenses.services.queries import claim_visibility


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
