"""The plugin's compliance measures (compliance_checks) for the regulation page: R9.2.3 and R9.1.2."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from plugins.expenses import platform
from plugins.expenses.models import (
    PAID,
    Claim,
    ClaimEvent,
    ClaimLine,
    Receipt,
)
from plugins.expenses.services.budgets import budget_figures


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


def compliance_definitions() -> list[ComplianceCheck]:
    return [
        ComplianceCheck("expenses.paid_claims_reviewed", "R9.2.3",
                        _l("Paid claims that passed both reviews and had every receipt"),
                        measure_paid_claims_reviewed),
        ComplianceCheck("expenses.budgets_kept", "R9.1.2", _l("Budget lines of this year within budget"),
                        measure_budgets_kept),
    ]
