"""The pipeline's KPIs per user and period, each one set-based SQL aggregation over all the users asked for
(R4.1.1: revenue, profit, growth rate, new customers; appraisal and analytics read them through register_kpis).

Every KPI costs a fixed number of statements whatever the number of users or orders (at most two), and
:func:`sales_kpis` computes all seven for the same users and period in five. The statements are built once, with
bound parameters, so a call spends its time in the database, not in building SQL (issue 6 "Performance")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, exists, func, select
from sqlalchemy.orm import aliased

from core.contracts import KPIDef, Period
from core.extensions import db
from core.timeutil import period_bounds
from plugins.pipeline.models import Order, OrderLine, SalesTarget, Ticket

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

class _Statements:
    """The KPIs' statements, built once (on first use: building them configures the mappers, which needs the CRM's
    models loaded)."""

    def __init__(self) -> None:
        ids, start, end = bindparam("ids", expanding=True), bindparam("start"), bindparam("end")
        in_period = (Order.owner_id.in_(ids), Order.ordered_at >= start, Order.ordered_at < end,
                     Order.status != "cancelled")
        #: Revenue, cost and the number of orders per owner over one period: one pass over the period's orders and
        #: lines (the indexes of migration 7c2e91d4a5b3 serve both sides without reading a table row).
        self.sales_sums = (
            select(Order.owner_id, func.sum(OrderLine.revenue), func.sum(OrderLine.cost),
                   func.count(func.distinct(Order.id)))
            .select_from(Order).join(OrderLine, OrderLine.order_id == Order.id)
            .where(*in_period)
            .group_by(Order.owner_id)
        )
        lines = select(Order.owner_id).select_from(Order).join(OrderLine, OrderLine.order_id == Order.id) \
            .where(*in_period).group_by(Order.owner_id)
        #: Each KPI alone asks for no more than it needs: what one GROUP BY over the period's lines costs.
        self.revenue = lines.add_columns(func.sum(OrderLine.revenue))
        self.profit = lines.add_columns(func.sum(OrderLine.revenue - OrderLine.cost))
        self.orders = select(Order.owner_id, func.count(Order.id)).where(*in_period).group_by(Order.owner_id)
        earlier = aliased(Order)
        #: Customers whose first non-cancelled order falls in the period, counted for the owner of that first order:
        #: an order of the period with no earlier non-cancelled order of its customer (an index probe each, not a
        #: GROUP BY over every order ever taken).
        self.new_customers = (
            select(Order.owner_id, func.count(func.distinct(Order.customer_id)))
            .where(*in_period, ~exists().where(earlier.customer_id == Order.customer_id,
                                               earlier.ordered_at < Order.ordered_at, earlier.status != "cancelled"))
            .group_by(Order.owner_id)
        )
        on_time = case((and_(Ticket.resolved_at.is_not(None), Ticket.resolved_at <= Ticket.sla_due_at), 1), else_=0)
        self.complaints = (
            select(Ticket.assignee_id, func.count(Ticket.id), func.sum(on_time))
            .where(Ticket.kind == "complaint", Ticket.assignee_id.in_(ids), Ticket.created_at >= start,
                   Ticket.created_at < end)
            .group_by(Ticket.assignee_id)
        )
        #: Target completion in one statement: each target of the period (the users asked for, a non-zero amount)
        #: beside the revenue its holder made in the period, summed by GROUP BY. The orders are joined to the
        #: targets, so the database reads only the orders of people who have a target (the owner / date index).
        #: Every value is written into its SQL (literal_execute: people's ids, dates, integers, a fixed code; never
        #: text from a user). Why: psycopg prepares a statement run five times, and PostgreSQL then may keep a
        #: generic plan made without the values (how many targets, which dates), measured three times slower than
        #: the plan made for them at a million lines; a statement with no parameters has only the latter.
        def fixed(name: str, value: Any = None, type_: Any = None, expanding: bool = False) -> Any:
            return bindparam(name, value, type_=type_, expanding=expanding, literal_execute=True)

        sold = Order.__table__.join(OrderLine.__table__, OrderLine.order_id == Order.id)
        with_target = (
            select(SalesTarget.user_id, SalesTarget.amount, func.sum(OrderLine.revenue))
            .select_from(SalesTarget.__table__.outerjoin(sold, and_(
                Order.owner_id == SalesTarget.user_id, Order.ordered_at >= fixed("start", type_=Order.ordered_at.type),
                Order.ordered_at < fixed("end", type_=Order.ordered_at.type),
                Order.status != fixed("cancelled", "cancelled", Order.status.type))))
            .where(SalesTarget.year == fixed("year", type_=SalesTarget.year.type),
                   SalesTarget.user_id.in_(fixed("ids", type_=SalesTarget.user_id.type, expanding=True)),
                   SalesTarget.amount != fixed("zero", 0, SalesTarget.amount.type))
            .group_by(SalesTarget.id, SalesTarget.user_id, SalesTarget.amount)  # per target row: never two merged
        )
        self.month_completion = with_target.where(
            SalesTarget.month == fixed("month", type_=SalesTarget.month.type))
        self.year_completion = with_target.where(SalesTarget.month.is_(None))
        self.month_targets = select(SalesTarget.user_id, SalesTarget.amount).where(
            SalesTarget.year == bindparam("year"), SalesTarget.user_id.in_(ids),
            SalesTarget.month == bindparam("month"))
        self.year_targets = select(SalesTarget.user_id, SalesTarget.amount).where(
            SalesTarget.year == bindparam("year"), SalesTarget.user_id.in_(ids), SalesTarget.month.is_(None))


@lru_cache(maxsize=1)
def statements() -> _Statements:
    return _Statements()


def _params(user_ids: list[int], period: Period) -> dict[str, object]:
    start, end = period_bounds(period)
    return {"ids": list(user_ids), "start": start, "end": end}


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _sales_sums(user_ids: list[int], period: Period) -> dict[int, tuple[Decimal, Decimal, int]]:
    """{owner: (revenue, cost, orders)} for the owners with sales in the period."""
    if not user_ids:
        return {}
    return {owner: (_decimal(revenue_), _decimal(cost), count)
            for owner, revenue_, cost, count in db.session.execute(statements().sales_sums, _params(user_ids, period))}


def _per_user(user_ids: list[int], found: dict[int, Decimal], default: Decimal = ZERO) -> dict[int, Decimal]:
    return {uid: found.get(uid, default) for uid in user_ids}


def _sum_by_owner(statement: Any, user_ids: list[int], period: Period) -> dict[int, Decimal]:
    if not user_ids:
        return {}
    found = {owner: _decimal(value) for owner, value in db.session.execute(statement, _params(user_ids, period))}
    return _per_user(user_ids, found)


def revenue(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Net revenue of the period's non-cancelled orders (one statement)."""
    return _sum_by_owner(statements().revenue, user_ids, period)


def profit(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Revenue minus product cost (one statement)."""
    return _sum_by_owner(statements().profit, user_ids, period)


def orders(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Non-cancelled orders taken in the period (one statement)."""
    return _sum_by_owner(statements().orders, user_ids, period)


def _year_before(period: Period) -> Period:
    def shift(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)

    return Period(shift(period.start), shift(period.end))


def _growth(user_ids: list[int], now: dict[int, Decimal], before: dict[int, Decimal]) -> dict[int, Decimal]:
    return {uid: ((now[uid] - before[uid]) * 100 / before[uid]).quantize(CENT) if before[uid] else ZERO
            for uid in user_ids}


def growth_rate(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Percent change of revenue against the same period a year earlier (0 when there was none then); two
    statements."""
    return _growth(user_ids, revenue(user_ids, period), revenue(user_ids, _year_before(period)))


def _is_month(period: Period) -> bool:
    return period.start.day == 1 and period.end.day == 1 and (period.end.month - period.start.month) % 12 == 1


def _target_params(user_ids: list[int], period: Period) -> dict[str, object]:
    """Which target a period is measured against: the monthly one for a one-month period, else the annual one of
    the year it starts in."""
    params: dict[str, object] = {"ids": list(user_ids), "year": period.start.year}
    if _is_month(period):
        params["month"] = period.start.month
    return params


def _targets(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """The monthly target for a one-month period, else the annual one."""
    if not user_ids:
        return {}
    params = _target_params(user_ids, period)
    stmt = statements().month_targets if "month" in params else statements().year_targets
    return dict(db.session.execute(stmt, params).all())


def _percent(done: Decimal, target: Decimal) -> Decimal:
    return (done * 100 / target).quantize(CENT)


def _completion(user_ids: list[int], done: dict[int, Decimal], targets: dict[int, Decimal]) -> dict[int, Decimal]:
    """Percent of the target per person; a person without a target has no figure (0 % would read as a failure)."""
    return {uid: _percent(done[uid], targets[uid]) for uid in user_ids if targets.get(uid)}


def target_completion(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Revenue as a percent of the target, for the people who have one (one statement: the targets joined to the
    period's orders and lines, grouped by person). Python only divides, once per person with a target."""
    if not user_ids:
        return {}
    params = {**_params(user_ids, period), **_target_params(user_ids, period)}
    stmt = statements().month_completion if "month" in params else statements().year_completion
    return {uid: _percent(_decimal(done), target) for uid, target, done in db.session.execute(stmt, params)}


def new_customers_won(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Customers whose first non-cancelled order falls in the period, per owner of that order (one statement)."""
    if not user_ids:
        return {}
    found = dict(db.session.execute(statements().new_customers, _params(user_ids, period)).all())
    return {uid: Decimal(found.get(uid, 0)) for uid in user_ids}


def complaints_on_time(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Percent of complaints opened in the period and resolved within their SLA (R6.6.2); 100 with none (one
    statement)."""
    if not user_ids:
        return {}
    found = {uid: (total, good) for uid, total, good in db.session.execute(statements().complaints, _params(user_ids, period))}
    result = {}
    for uid in user_ids:
        total, good = found.get(uid, (0, 0))
        result[uid] = (Decimal(good or 0) * 100 / total).quantize(CENT) if total else HUNDRED
    return result


def sales_kpis(user_ids: list[int], period: Period) -> dict[str, dict[int, Decimal]]:
    """All seven KPIs for ``user_ids`` over ``period`` in five statements (the period's sales, the same period a year
    earlier, targets, new customers, complaints): what a dashboard or an appraisal showing them together calls."""
    sums = _sales_sums(user_ids, period)
    empty = (ZERO, ZERO, 0)
    done = {uid: sums.get(uid, empty)[0] for uid in user_ids}
    return {
        "pipeline.revenue": done,
        "pipeline.profit": {uid: sums.get(uid, empty)[0] - sums.get(uid, empty)[1] for uid in user_ids},
        "pipeline.growth_rate": _growth(user_ids, done, revenue(user_ids, _year_before(period))),
        "pipeline.orders": {uid: Decimal(sums.get(uid, empty)[2]) for uid in user_ids},
        "pipeline.target_completion": _completion(user_ids, done, _targets(user_ids, period)),
        "pipeline.new_customers_won": new_customers_won(user_ids, period),
        "pipeline.complaints_on_time": complaints_on_time(user_ids, period),
    }


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
