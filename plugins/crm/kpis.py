"""The KPIs the CRM offers appraisal and analytics (R4.1.1, R4.3.3, R5.3.1), each one set-based query."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, select

from core.contracts import Period
from core.extensions import db
from core.timeutil import local_midnight_utc, local_today
from plugins.crm.models import Customer, Revisit, Survey


def _bounds(period: Period) -> tuple:
    return local_midnight_utc(period.start), local_midnight_utc(period.end)


def new_customers(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Customers (owned by each user) that became customers in the period."""
    start, end = _bounds(period)
    rows = db.session.execute(
        select(Customer.owner_id, func.count(Customer.id))
        .where(Customer.owner_id.in_(user_ids), Customer.merged_into_id.is_(None),
               Customer.became_customer_at >= start, Customer.became_customer_at < end)
        .group_by(Customer.owner_id))
    result = {uid: Decimal("0") for uid in user_ids}
    result.update({uid: Decimal(n) for uid, n in rows})
    return result


def satisfaction(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Average survey rating (1-5) of each representative, over surveys answered in the period; none: absent."""
    start, end = _bounds(period)
    rows = db.session.execute(
        select(Survey.user_id, func.avg(Survey.rating))
        .where(Survey.user_id.in_(user_ids), Survey.answered_at >= start, Survey.answered_at < end)
        .group_by(Survey.user_id))
    return {uid: Decimal(str(avg)).quantize(Decimal("0.01")) for uid, avg in rows if avg is not None}


def revisits_on_time(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Per owner: % of revisits due in the period (up to today) done by their due date; overdue ones count late."""
    last = min(period.end, local_today())
    rows = db.session.execute(
        select(Revisit.owner_id, func.count(Revisit.id),
               func.sum(case((Revisit.done_on_time.is_(True), 1), else_=0)))
        .where(Revisit.owner_id.in_(user_ids), Revisit.due_on >= period.start, Revisit.due_on < last)
        .group_by(Revisit.owner_id))
    return {uid: (Decimal(100) * Decimal(int(done or 0)) / Decimal(total)).quantize(Decimal("0.1"))
            for uid, total, done in rows if total}
