"""Live compliance measures of training, shown on the regulation page next to their clauses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from core.identity.models import User
from core.timeutil import local_today
from plugins.training.services.onboarding import SALES_POSITIONS, finished_within, onboarding_days
from plugins.training.services.sessions import hours_by_person, required_hours


def _result(good: int, total: int, text: str) -> ComplianceResult:
    ratio = (Decimal(good) / total).quantize(Decimal("0.0001")) if total else None
    return ComplianceResult(ratio=ratio, text=text, ok=ratio is None or ratio >= 1)


def onboarding_in_time() -> ComplianceResult:
    """R3.2.1: onboardings finished within N days of the hire date (those whose N days are over, or finished)."""
    days = onboarding_days(db.session)
    good, total = finished_within(db.session, days)
    return _result(good, total, _("%(good)s of %(total)s onboardings finished within %(days)s days",
                                  good=good, total=total, days=days))


def hours_last_year() -> ComplianceResult:
    """R3.2.2: sales staff who reached the required training hours in the last full year."""
    from sqlalchemy import select

    from core.timeutil import local_midnight_utc

    year = local_today().year - 1
    ids = list(db.session.scalars(select(User.id).where(User.active, User.position.in_(SALES_POSITIONS))))
    needed = required_hours()
    done = hours_by_person(db.session, ids, local_midnight_utc(date(year, 1, 1)), local_midnight_utc(date(year + 1, 1, 1)))
    good = sum(1 for value in done.values() if value >= needed)
    return _result(good, len(ids), _("%(good)s of %(total)s sales staff had %(hours)s training hours in %(year)s",
                                     good=good, total=len(ids), hours=needed, year=year))


def compliance_definitions() -> list[ComplianceCheck]:
    return [
        ComplianceCheck("training.onboarding_in_time", "R3.2.1", _l("Onboarding finished in time"),
                        onboarding_in_time),
        ComplianceCheck("training.hours", "R3.2.2", _l("Annual training hours reached"), hours_last_year),
    ]
