"""The plugin's KPIs (register_kpis): reimbursed amounts and days to payment per claimant."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import KPIDef, Period
from core.extensions import db
from plugins.expenses.models import (
    FINANCE_APPROVED,
    PAID,
    Claim,
    ClaimLine,
)
from plugins.expenses.services.reports import days_between, utc_bounds


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
    start, end = utc_bounds(period)
    rows = db.session.execute(
        select(Claim.claimant_id, func.avg(days_between(Claim.paid_at, Claim.first_submitted_at)))
        .where(Claim.claimant_id.in_(user_ids), Claim.state == PAID, Claim.paid_at >= start, Claim.paid_at < end)
        .group_by(Claim.claimant_id)
    )
    return {user_id: Decimal(str(round(float(days), 1))) for user_id, days in rows if days is not None}


def kpi_definitions() -> list[KPIDef]:
    return [
        KPIDef("expenses.total", _l("Reimbursed expenses"), "CNY", kpi_total, higher_is_better=False),
        KPIDef("expenses.days_to_payment", _l("Days from claim submission to payment"), "days",
               kpi_days_to_payment, higher_is_better=False),
    ]
