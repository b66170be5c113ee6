"""Sales figures of the dashboards (R7.1.1, R7.1.2): trend against last year, channels, products (Pareto / ABC),
and customer behaviour (new vs returning, repeat purchases, order value, cohorts).

Every figure reads the order-lines data set that the pipeline offers through ``register_datasets``, run as the
reader (a representative sees their own sales, a supervisor the team's, the manager all), one aggregate statement
per figure. Without that data set (the pipeline is off) the dashboards say so instead of showing zeros.

Every function checks that ``user`` may see analytics and read the data set (AccessDenied otherwise), whoever
calls it. Sums by date, representative, channel and shop, region, product and category are read from the sales
summary (services/summary.py) unless ``live``; customers' behaviour, RFM and cohorts count distinct customers and
orders, which no sum can give, and always read the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, func, select

from core.contracts import DatasetDef
from core.extensions import db
from plugins.analytics.services.access import check_reader
from plugins.analytics.services.catalogue import column, find_dataset
from plugins.analytics.services.pivot import CENT, PivotSpec, bucket, run

#: The data set the sales dashboards read, and the columns they need of it.
SALES_DATASET = "pipeline.order_lines"
SALES_PERMISSION = "pipeline.order.view"
SALES_COLUMNS = ("date", "order_id", "customer_id", "customer", "revenue", "channel", "shop", "product", "category",
                 "region", "representative_id", "representative")
ABC_LIMITS = (Decimal("0.8"), Decimal("0.95"))  # A: the first 80 % of revenue, B: up to 95 %, C: the rest


def sales_dataset(user: Any) -> DatasetDef | None:
    """The order lines if an enabled plugin offers them with the columns the dashboards read, and ``user`` may
    read them."""
    dataset = find_dataset(SALES_DATASET, user)
    if dataset is None or any(column(dataset, key) is None for key in SALES_COLUMNS):
        return None
    return dataset


def _year_start(year: int) -> date:
    return date(year, 1, 1)


@dataclass
class TrendPoint:
    bucket: str  # "03" (month) or "Q1"
    revenue: Decimal | None  # None: a month still to come
    last_year: Decimal
    growth: Decimal | None  # revenue / last year - 1; None without last year's figure or for the month under way
    partial: bool = False  # the month under way: its revenue so far


def monthly_trend(dataset: DatasetDef, user: Any, year: int, today: date | None = None,
                  live: bool = False) -> list[TrendPoint]:
    """Revenue per month of ``year`` beside the same month of the year before (see ``trend``)."""
    return trend(dataset, user, year, "month", today, live)


TREND_GRAINS = ("day", "week", "month")


def _periods(year: int, grain: str) -> list[tuple[date, date]]:
    """The [start, end) of each day, ISO week or month of ``year`` (weeks: those that start in it, Monday first)."""
    if grain == "month":
        return [(date(year, m, 1), date(year + (m == 12), m % 12 + 1, 1)) for m in range(1, 13)]
    step = timedelta(days=7 if grain == "week" else 1)
    first = date(year, 1, 1)
    if grain == "week":
        first += timedelta(days=(7 - first.weekday()) % 7)  # the first Monday of the year
    out = []
    while first.year == year:
        out.append((first, first + step))
        first += step
    return out


def _last_year(day: date, grain: str) -> date:
    """The same period a year before: the same day, the same ISO week's Monday, the same month."""
    if grain == "week":
        week = day.isocalendar().week
        try:
            return date.fromisocalendar(day.year - 1, week, 1)
        except ValueError:  # week 53 in a year that has 52
            return date.fromisocalendar(day.year - 1, 52, 1)
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def trend(dataset: DatasetDef, user: Any, year: int, grain: str = "month",
          today: date | None = None, live: bool = False) -> list[TrendPoint]:
    """Revenue per day, week or month of ``year`` beside the same period of the year before, with the growth rate:
    one GROUP BY over the two years.

    Periods still to come have no revenue (not zero), and the period under way no growth rate: a part of a
    period against a whole one would read as a fall."""
    from core.timeutil import local_today

    if grain not in TREND_GRAINS:
        grain = "month"
    today = today or local_today()
    spec = PivotSpec(SALES_DATASET, rows=("date",), measure="revenue", aggregate="sum", grain=grain,
                     start=_year_start(year - 1) - timedelta(days=7), end=_year_start(year + 1))
    result = run(spec, dataset, user, live=live)
    by_bucket = {str(key[0]): result.cells[(key, None)] for key in result.row_keys}
    zero = Decimal("0.00")

    def bucket_key(day: date) -> str:
        return day.strftime("%Y-%m") if grain == "month" else day.isoformat()

    points = []
    for start, end in _periods(year, grain):
        label = {"month": f"{start.month:02d}", "week": f"W{start.isocalendar().week:02d}",
                 "day": start.strftime("%m-%d")}[grain]
        before = by_bucket.get(bucket_key(_last_year(start, grain)), zero)
        if start > today:
            points.append(TrendPoint(label, None, before, None))
            continue
        now = by_bucket.get(bucket_key(start), zero)
        partial = start <= today < end
        growth = ((now / before) - 1).quantize(Decimal("0.0001")) if before and not partial else None
        points.append(TrendPoint(label, now, before, growth, partial))
    return points


def revenue_by(dataset: DatasetDef, user: Any, key: str, start: date, end: date,
               live: bool = False) -> list[tuple[Any, Decimal]]:
    """Revenue per value of a dimension in [start, end), largest first."""
    spec = PivotSpec(SALES_DATASET, rows=(key,), measure="revenue", aggregate="sum", start=start, end=end)
    result = run(spec, dataset, user, live=live)
    pairs = [(k[0], result.cells[(k, None)]) for k in result.row_keys]
    return sorted(pairs, key=lambda pair: (-pair[1], str(pair[0])))


@dataclass
class ShopRow:
    channel: str | None  # the stored code: the view shows its label
    shop: str | None  # the shop's name; None for orders from no shop
    revenue: Decimal


def revenue_by_shop(dataset: DatasetDef, user: Any, start: date, end: date, live: bool = False) -> list[ShopRow]:
    """Revenue per shop (on its channel: two platforms' shops may share a name) in [start, end), largest first:
    one GROUP BY channel, shop (R7.1.1 "sales channels")."""
    spec = PivotSpec(SALES_DATASET, rows=("channel", "shop"), measure="revenue", aggregate="sum", start=start,
                     end=end)
    result = run(spec, dataset, user, live=live)
    rows = [ShopRow(k[0], k[1], result.cells[(k, None)]) for k in result.row_keys]
    return sorted(rows, key=lambda r: (-r.revenue, str(r.channel or ""), str(r.shop or "")))


@dataclass
class RepresentativeRow:
    name: str
    revenue: Decimal
    target_completion: Decimal | None  # percent of the target for the period, from the KPI; None without one


TARGET_KPI = "pipeline.target_completion"


def representatives(dataset: DatasetDef, user: Any, start: date, end: date,
                    live: bool = False) -> list[RepresentativeRow]:
    """Revenue per representative in [start, end), best first, with their target completion from the KPI that
    the pipeline offers (one compute call for all of them), when it does."""
    from core.contracts import Period
    from plugins.analytics.services.changes import kpis

    spec = PivotSpec(SALES_DATASET, rows=("representative_id", "representative"), measure="revenue",
                     aggregate="sum", start=start, end=end)
    result = run(spec, dataset, user, group_by_keys=True, live=live)
    rows = sorted(((k[0], k[1], result.cells[(k, None)]) for k in result.row_keys), key=lambda r: (-r[2], str(r[1])))
    kpi = next((k for k in kpis() if k.key == TARGET_KPI), None)
    completion = kpi.compute([r[0] for r in rows], Period(start, end)) if kpi and rows else {}
    return [RepresentativeRow(name or "", revenue, completion.get(rep_id)) for rep_id, name, revenue in rows]


@dataclass
class ParetoRow:
    name: Any
    revenue: Decimal
    share: Decimal
    cumulative: Decimal
    grade: str  # A, B or C
    margin: Decimal | None = None  # revenue - cost
    margin_rate: Decimal | None = None  # margin / revenue


def pareto(dataset: DatasetDef, user: Any, key: str, start: date, end: date,
           live: bool = False) -> list[ParetoRow]:
    """Products (or categories) by revenue with their cumulative share, ABC class and margin (Pareto analysis):
    two statements (revenue, cost)."""
    pairs = revenue_by(dataset, user, key, start, end, live)
    costs: dict[Any, Decimal] = {}
    if column(dataset, "cost") is not None:
        spec = PivotSpec(SALES_DATASET, rows=(key,), measure="cost", aggregate="sum", start=start, end=end)
        result = run(spec, dataset, user, live=live)
        costs = {k[0]: result.cells[(k, None)] for k in result.row_keys}
    total = sum((revenue for _name, revenue in pairs), Decimal("0"))
    rows, running = [], Decimal("0")
    for name, revenue in pairs:
        before = running
        running += revenue
        share = (revenue / total).quantize(Decimal("0.0001")) if total else Decimal("0")
        cumulative = (running / total).quantize(Decimal("0.0001")) if total else Decimal("0")
        # A row belongs to the class in which its revenue starts: the top seller is A even when it alone is 90 %.
        start_share = before / total if total else Decimal("0")
        grade = "A" if start_share < ABC_LIMITS[0] else "B" if start_share < ABC_LIMITS[1] else "C"
        margin = revenue - costs[name] if name in costs else None
        rate = (margin / revenue).quantize(Decimal("0.0001")) if margin is not None and revenue else None
        rows.append(ParetoRow(name, revenue, share, cumulative, grade, margin, rate))
    return rows


@dataclass
class Behaviour:
    customers: int
    new_customers: int
    returning_customers: int
    repeat_customers: int  # two orders or more in the period
    orders: int
    revenue: Decimal

    @property
    def repeat_rate(self) -> Decimal | None:
        return (Decimal(self.repeat_customers) / self.customers).quantize(Decimal("0.0001")) if self.customers else None

    @property
    def average_order_value(self) -> Decimal | None:
        return (self.revenue / self.orders).quantize(CENT) if self.orders else None


def _period_filter(src: Any, dataset: DatasetDef, start: date, end: date) -> Any:
    from core.timeutil import local_midnight_utc

    col = column(dataset, "date")
    expr = src.c["date"]
    if col is not None and col.type == "datetime":
        return and_(expr >= local_midnight_utc(start), expr < local_midnight_utc(end))
    return and_(expr >= start, expr < end)


def _money(value: Any, dataset: DatasetDef) -> Decimal:
    """A summed revenue: cents on SQLite (see pivot), NUMERIC on PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return (Decimal(value or 0) / 100).quantize(CENT)
    return Decimal(str(value or 0)).quantize(CENT)


def _revenue_sum(src: Any) -> Any:
    if db.engine.dialect.name == "sqlite":
        return func.sum(func.cast(func.round(src.c["revenue"] * 100), Integer))
    return func.sum(src.c["revenue"])


def customer_behaviour(dataset: DatasetDef, user: Any, start: date, end: date) -> Behaviour:
    """New vs returning customers, repeat-purchase rate and average order value in [start, end): three
    statements."""
    check_reader(user, dataset)
    src = dataset.query(user).subquery("lines")
    in_period = _period_filter(src, dataset, start, end)
    per_customer = (select(src.c["customer_id"].label("customer_id"),
                           func.count(src.c["order_id"].distinct()).label("orders"))
                    .where(in_period).group_by(src.c["customer_id"]).subquery("per_customer"))
    customers, repeat, orders = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((per_customer.c.orders >= 2, 1), else_=0)), 0),
               func.coalesce(func.sum(per_customer.c.orders), 0))).one()
    revenue = db.session.execute(select(_revenue_sum(src)).where(in_period)).scalar()
    # New: first purchase ever (in what the reader sees) falls in the period.
    src_all = dataset.query(user).subquery("all_lines")
    first = (select(src_all.c["customer_id"].label("customer_id"), func.min(src_all.c["date"]).label("first"))
             .group_by(src_all.c["customer_id"]).subquery("first_purchase"))
    new = db.session.execute(
        select(func.count()).select_from(first).where(_first_in(first, dataset, start, end))).scalar() or 0
    return Behaviour(customers=customers or 0, new_customers=new, returning_customers=(customers or 0) - new,
                     repeat_customers=int(repeat or 0), orders=int(orders or 0), revenue=_money(revenue, dataset))


def _first_in(first: Any, dataset: DatasetDef, start: date, end: date) -> Any:
    from core.timeutil import local_midnight_utc

    col = column(dataset, "date")
    if col is not None and col.type == "datetime":
        return and_(first.c.first >= local_midnight_utc(start), first.c.first < local_midnight_utc(end))
    return and_(first.c.first >= start, first.c.first < end)


@dataclass
class CohortRow:
    cohort: str  # first-purchase month, "2026-03"
    size: int
    retained: list[int]  # customers buying again N months later, N = 0, 1, 2 …


def cohorts(dataset: DatasetDef, user: Any, months: int = 12) -> list[CohortRow]:
    """Cohort retention by first-purchase month: one statement grouping (cohort month, purchase month)."""
    check_reader(user, dataset)
    date_col = column(dataset, "date")
    assert date_col is not None
    src = dataset.query(user).subquery("lines")
    month = bucket(src.c["date"], date_col, "month")
    per_customer_month = (select(src.c["customer_id"].label("customer_id"), month.label("month"))
                          .group_by(src.c["customer_id"], month).subquery("customer_month"))
    first = (select(per_customer_month.c.customer_id, func.min(per_customer_month.c.month).label("cohort"))
             .group_by(per_customer_month.c.customer_id).subquery("cohort"))
    rows = db.session.execute(
        select(first.c.cohort, per_customer_month.c.month, func.count())
        .join(per_customer_month, per_customer_month.c.customer_id == first.c.customer_id)
        .group_by(first.c.cohort, per_customer_month.c.month)
        .order_by(first.c.cohort, per_customer_month.c.month)).all()
    table: dict[str, dict[int, int]] = {}
    for cohort, purchase_month, count in rows:
        offset = _months_between(cohort, purchase_month)
        if 0 <= offset < months:
            table.setdefault(cohort, {})[offset] = count
    recent = sorted(table)[-months:]
    return [CohortRow(c, table[c].get(0, 0), [table[c].get(n, 0) for n in range(months)]) for c in recent]


def _months_between(first: str, later: str) -> int:
    y1, m1 = (int(part) for part in first.split("-"))
    y2, m2 = (int(part) for part in later.split("-"))
    return (y2 - y1) * 12 + (m2 - m1)


# ---------------------------------------------------------------------------------------------------- RFM

#: RFM segments by recency and frequency scores (1–5, 5 = most recent / most frequent), checked in this order.
RFM_SEGMENTS = ("champions", "loyal", "new", "at_risk", "hibernating", "attention")


def _segment_case(r: Any, f: Any) -> Any:
    return case(
        (and_(r >= 4, f >= 4), "champions"),
        (and_(r >= 3, f >= 3), "loyal"),
        (and_(r >= 4, f <= 2), "new"),
        (and_(r <= 2, f >= 3), "at_risk"),
        (and_(r <= 2, f <= 2), "hibernating"),
        else_="attention")


def _rfm_scores(dataset: DatasetDef, user: Any) -> Any:
    """Per customer: last purchase, orders, revenue, and their quintile scores (NTILE windows), as a subquery."""
    src = dataset.query(user).subquery("lines")
    per_customer = (select(src.c["customer_id"].label("customer_id"),
                           func.max(src.c["customer"]).label("customer"),
                           func.max(src.c["date"]).label("last"),
                           func.count(src.c["order_id"].distinct()).label("orders"),
                           _revenue_sum(src).label("revenue"))
                    .group_by(src.c["customer_id"]).subquery("per_customer"))
    r = func.ntile(5).over(order_by=per_customer.c["last"])
    f = func.ntile(5).over(order_by=(per_customer.c.orders, per_customer.c["last"]))
    m = func.ntile(5).over(order_by=per_customer.c.revenue)
    scored = select(per_customer, r.label("r"), f.label("f"), m.label("m")).subquery("scored")
    return select(scored, _segment_case(scored.c.r, scored.c.f).label("segment")).subquery("segmented")


@dataclass
class Segment:
    code: str
    customers: int
    revenue: Decimal


def rfm_segments(dataset: DatasetDef, user: Any) -> list[Segment]:
    """Customers and revenue per RFM segment: one statement (windows and GROUP BY in SQL)."""
    check_reader(user, dataset)
    segmented = _rfm_scores(dataset, user)
    rows = db.session.execute(
        select(segmented.c.segment, func.count(), func.sum(segmented.c.revenue)).group_by(segmented.c.segment)).all()
    found = {code: Segment(code, count, _money(revenue, dataset)) for code, count, revenue in rows}
    return [found.get(code, Segment(code, 0, Decimal("0.00"))) for code in RFM_SEGMENTS]


@dataclass
class SegmentCustomer:
    customer: str
    last: Any
    orders: int
    revenue: Decimal
    scores: tuple[int, int, int]


def segment_customers(dataset: DatasetDef, user: Any, code: str, page: int, per_page: int = 50
                      ) -> tuple[list[SegmentCustomer], bool]:
    """One page of a segment's customers, best revenue first, and whether there is a next page."""
    check_reader(user, dataset)
    segmented = _rfm_scores(dataset, user)
    rows = db.session.execute(
        select(segmented.c.customer, segmented.c["last"], segmented.c.orders, segmented.c.revenue,
               segmented.c.r, segmented.c.f, segmented.c.m)
        .where(segmented.c.segment == code)
        .order_by(segmented.c.revenue.desc(), segmented.c.customer_id)
        .limit(per_page + 1).offset((page - 1) * per_page)).all()
    items = [SegmentCustomer(name, _as_moment(last), orders, _money(revenue, dataset), (r, f, m))
             for name, last, orders, revenue, r, f, m in rows[:per_page]]
    return items, len(rows) > per_page


def _as_moment(value: Any) -> Any:
    """MAX() of a datetime comes back as text on SQLite: read it back as the stored (naive UTC) datetime."""
    from datetime import datetime

    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value
