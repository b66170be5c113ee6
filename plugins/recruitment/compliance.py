"""Live compliance measure of recruitment, shown on the regulation page next to R3.1.4."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from plugins.recruitment.models import Application, Offer


def hires_checked_before_offer() -> ComplianceResult:
    """R3.1.4: hires whose offer was made with the background check complete (or waived item by item)."""
    row = db.session.execute(
        select(func.count(Application.id),
               func.coalesce(func.sum(case((Offer.check_complete.is_(True), 1), else_=0)), 0))
        .join(Offer, and_(Offer.application_id == Application.id, Offer.state == "accepted"))
        .where(Application.status == "hired")).one()
    total, good = int(row[0] or 0), int(row[1] or 0)
    ratio = (Decimal(good) / total).quantize(Decimal("0.0001")) if total else None
    return ComplianceResult(ratio=ratio, ok=ratio is None or ratio >= 1,
                            text=_("%(good)d of %(total)d hires had a complete background check before the offer",
                                   good=good, total=total))


def compliance_definitions() -> list[ComplianceCheck]:
    return [ComplianceCheck("recruitment.background_before_offer", "R3.1.4",
                            _l("Hires with a completed background check before the offer"),
                            hires_checked_before_offer)]
