"""The CRM's answer to ``customer_evaluations``: the satisfaction surveys (R4.3.3) that rate each person, answered
within the period, averaged per person in one grouped query. The appraisal plugin reads it as the customer
evaluation of R4.3.3 without importing the CRM."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.contracts import CustomerEvaluation, Period
from core.extensions import db
from core.hookspecs import hookimpl
from core.timeutil import period_bounds

SOURCE = "crm.surveys"


def evaluations(user_ids: list[int], period: Period) -> list[CustomerEvaluation]:
    """One record per person with at least one answered, rated survey in [period.start, period.end)."""
    if not user_ids:
        return []
    from plugins.crm.models import Survey

    start, end = period_bounds(period)
    rows = db.session.execute(
        select(Survey.user_id, func.count(Survey.id), func.avg(Survey.rating))
        .where(Survey.user_id.in_(list(user_ids)), Survey.answered_at >= start, Survey.answered_at < end,
               Survey.rating.is_not(None))
        .group_by(Survey.user_id))
    return [CustomerEvaluation(user_id=uid, responses=int(count), average=Decimal(str(avg)).quantize(Decimal("0.01")),
                               source=SOURCE)
            for uid, count, avg in rows if count]


@hookimpl
def customer_evaluations(user_ids: list, period: Any) -> list[CustomerEvaluation]:
    if not isinstance(period, Period):  # only a Period has a meaning here
        return []
    return evaluations(list(user_ids), period)
