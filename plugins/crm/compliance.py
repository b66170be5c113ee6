"""Live compliance measures: complete customer files (R5.1.2) and revisits on time per grade (R5.3.1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from core.timeutil import local_today
from plugins.crm import settings
from plugins.crm.models import GRADES, Customer, Revisit

TARGET = Decimal("0.8")
WINDOW_DAYS = 90


def complete_files() -> ComplianceResult:
    threshold = int(settings.value("crm.complete_threshold"))
    total, complete = db.session.execute(
        select(func.count(Customer.id), func.sum(case((Customer.completeness >= threshold, 1), else_=0)))
        .where(Customer.merged_into_id.is_(None), Customer.state != "lost")).one()
    if not total:
        return ComplianceResult(None, _("No customer files yet."), True)
    ratio = (Decimal(int(complete or 0)) / Decimal(total)).quantize(Decimal("0.001"))
    return ComplianceResult(ratio, _("%(done)s of %(total)s customer files are complete (at least %(t)s%%).",
                                     done=int(complete or 0), total=total, t=threshold), ratio >= TARGET)


def revisits_on_time(grade: str) -> ComplianceResult:
    today = local_today()
    total, on_time = db.session.execute(
        select(func.count(Revisit.id), func.sum(case((Revisit.done_on_time.is_(True), 1), else_=0)))
        .where(Revisit.grade == grade, Revisit.due_on >= today - timedelta(days=WINDOW_DAYS), Revisit.due_on < today)
    ).one()
    if not total:
        return ComplianceResult(None, _("No grade %(g)s revisits were due in the last %(d)s days.", g=grade,
                                        d=WINDOW_DAYS), True)
    ratio = (Decimal(int(on_time or 0)) / Decimal(total)).quantize(Decimal("0.001"))
    return ComplianceResult(ratio, _("%(done)s of %(total)s grade %(g)s revisits due in the last %(d)s days were "
                                     "done on time.", done=int(on_time or 0), total=total, g=grade, d=WINDOW_DAYS),
                            ratio >= TARGET)


def _per_grade(grade: str):  # type: ignore[no-untyped-def]
    return lambda: revisits_on_time(grade)


def checks() -> list[ComplianceCheck]:
    found = [ComplianceCheck("crm.complete_files", "R5.1.2", _l("Customer files complete"), complete_files)]
    labels = {"A": _l("Grade A revisits on time"), "B": _l("Grade B revisits on time"),
              "C": _l("Grade C revisits on time")}
    for grade in GRADES:
        found.append(ComplianceCheck(f"crm.revisits_on_time_{grade.lower()}", "R5.3.1", labels[grade],
                                     _per_grade(grade)))
    return found
