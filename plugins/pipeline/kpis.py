"""The pipeline's KPIs per user and period, each one set-based SQL aggregation over all the users asked for
(R4.1.1: revenue, profit, growth rate, new customers; appraisal and analytics read them through register_kpis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from core.contracts import KPIDef, Period
from core.extensions import db
from core.timeutil import period_bounds
from plugins.pipeline.models import Order, OrderLine, SalesTarget, Ticket

ZERO = Decimal("0")


def _sum_by_owner(column, user_ids: list[int], period: Period) -> dict[int, Decimal]:  # type: ignore[no-untyped-def]
    start, end = period_bounds(period)
    rows = db.session.execute(
        select(Order.owner_id, func.coalesce(func.sum(column), 0))
        .select_from(Order).join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.owner_id.in_(user_ids), Order.status != "cancelled",
               Order.ordered_at >= start, Order.ordered_at < end)
        .group_by(Order.owner_id)
    ).all()
    found = {owner: Decimal(str(value)) for owner, value in rows}
    return {uid: found.get(uid, ZERO) for uid in user_ids}


def revenue(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    return _sum_by_owner(OrderLine.revenue, user_ids, period)


def profit(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Revenue minus product cost."""
    return _sum_by_owner(OrderLine.revenue - OrderLine.cost, user_ids, period)


def _year_before(period: Period) -> Period:
    def shift(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)

    return Period(shift(period.start), shift(period.end))


def growth_rate(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Percent change of revenue against the same period a year earlier (0 when there was none then)."""
    now, before = revenue(user_ids, period), revenue(user_ids, _year_before(period))
    return {uid: ((now[uid] - before[uid]) * 100 / before[uid]).quantize(Decimal("0.01")) if before[uid] else ZERO
            for uid in user_ids}


def orders(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    start, end = period_bounds(period)
    rows = db.session.execute(
        select(Order.owner_id, func.count(Order.id))
        .where(Order.owner_id.in_(user_ids), Order.status != "cancelled",
               Order.ordered_at >= start, Order.ordered_at < end)
        .group_by(Order.owner_id)
    ).all()
    found = dict(rows)
    return {uid: Decimal(found.get(uid, 0)) for uid in user_ids}


def target_completion(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Revenue as a percent of the target: the monthly target for a one-month period, else the annual one."""
    monthly = period.start.day == 1 and (period.end.month - period.start.month) % 12 == 1
    condition = [SalesTarget.year == period.start.year, SalesTarget.user_id.in_(user_ids)]
    condition.append(SalesTarget.month == period.start.month if monthly else SalesTarget.month.is_(None))
    targets = dict(db.session.execute(select(SalesTarget.user_id, SalesTarget.amount).where(*condition)).all())
    done = revenue(user_ids, period)
    return {uid: (done[uid] * 100 / targets[uid]).quantize(Decimal("0.01")) if targets.get(uid) else ZERO
            for uid in user_ids}


def new_customers_won(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Customers whose first non-cancelled order falls in the period, per owner of that order."""
    start, end = period_bounds(period)
    first = (select(Order.customer_id, func.min(Order.ordered_at).label("first_at"))
             .where(Order.status != "cancelled").group_by(Order.customer_id).subquery())
    rows = db.session.execute(
        select(Order.owner_id, func.count(func.distinct(Order.customer_id)))
        .join(first, and_(first.c.customer_id == Order.customer_id, first.c.first_at == Order.ordered_at))
        .where(Order.owner_id.in_(user_ids), first.c.first_at >= start, first.c.first_at < end)
        .group_by(Order.owner_id)
    ).all()
    found = dict(rows)
    return {uid: Decimal(found.get(uid, 0)) for uid in user_ids}


def complaints_on_time(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Percent of complaints opened in the period and resolved within their SLA (R6.6.2); 100 with none."""
    start, end = period_bounds(period)
    on_time = case((and_(Ticket.resolved_at.is_not(None), Ticket.resolved_at <= Ticket.sla_due_at), 1), else_=0)
    rows = db.session.execute(
        select(Ticket.assignee_id, func.count(Ticket.id), func.sum(on_time))
        .where(Ticket.kind == "complaint", Ticket.assignee_id.in_(user_ids),
               Ticket.created_at >= start, Ticket.created_at < end)
        .group_by(Ticket.assignee_id)
    ).all()
    found = {uid: (total, good) for uid, total, good in rows}
    result = {}
    for uid in user_ids:
        total, good = found.get(uid, (0, 0))
        result[uid] = (Decimal(good or 0) * 100 / total).quantize(Decimal("0.01")) if total else Decimal("100")
    return result


def kpi_definitions() -> list[KPIDef]:
    return [
        KPIDef("pipeline.revenue", _l("Sales revenue"), "CNY", revenue),
        KPIDef("pipeline.profit", _l("Sales profit"), "CNY", profit),
        KPIDef("pipeline.growth_rate", _l("Sales growth rate"), "%", growth_rate),
        KPIDef("pipeline.orders", _l("Orders"), "count", orders),
        KPIDef("pipeline.target_completion", _l("Target completion"), "%", target_completion),
        KPIDef("pipeline.new_customers_won", _l("New customers won"), "count", new_customers_won),
        KPIDef("pipeline.complaints_on_time", _l("Complaints resolved on time"), "%", complaints_on_time),
    ]
