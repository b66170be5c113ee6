"""R4.2 on the regulation page: monthly appraisals finished (made final) by their due day, the 10th by default."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from core.timeutil import utcnow
from plugins.appraisal.models import Appraisal, Cycle


def monthly_on_time() -> ComplianceResult:
    """Among monthly appraisals whose due day has passed, or which are already final, those made final in time."""
    on_time = case((Appraisal.finalized_at < Cycle.closes_at, 1), else_=0)
    total, good = db.session.execute(
        select(func.count(Appraisal.id), func.sum(on_time)).join(Cycle, Cycle.id == Appraisal.cycle_id)
        .where(Cycle.kind == "monthly", or_(Cycle.closes_at <= utcnow(), Appraisal.finalized_at.is_not(None)))
    ).one()
    total, good = int(total or 0), int(good or 0)
    ratio = (Decimal(good) / total).quantize(Decimal("0.0001")) if total else None
    return ComplianceResult(ratio=ratio, ok=ratio is None or ratio >= 1, text=_(
        "%(good)s of %(total)s monthly appraisals finished by their due day", good=good, total=total))


def compliance_definitions() -> list[ComplianceCheck]:
    return [ComplianceCheck("appraisal.monthly_on_time", "R4.2", _l("Monthly appraisals finished by the 10th"),
                            monthly_on_time)]
