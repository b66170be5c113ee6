"""The sales summary (issue 16 "Performance"): the order lines summed per company-local day and month ×
representative × a group of dimensions, which the dashboards and the explorer read instead of the lines when it
covers what they ask.

Why a job that rebuilds it, not rows kept up to date order by order: a line's figures depend on more than the order
(its customer's region, its product's name and category, its representative's name and team are joined in when the
data set is read), and analytics sees the pipeline only through its data set, not through every change made to
those records. Rebuilding from ``DatasetDef.unscoped()`` every ``REFRESH_SECONDS`` is a few set-based statements
per month (bench/README.md gives its time at a million lines) and is exact by construction; the pages say how old
it is ("figures as of 14:05") and offer the live figures, which read the lines.

Exactness: sums are kept as integers in thousandths, computed the way the live pivot sums the same lines (cents of
each line on SQLite, exact NUMERIC on PostgreSQL), so a figure from the summary equals the live one to the cent.
Days are the company's local days (``pivot.bucket``), so month boundaries fall at local midnight. The reader's
scope applies through the representative every row keeps (``core.security.scoped`` on ``__owner__``), the same
helper the data set's own query uses on its ``owner_column``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import g, has_app_context
from sqlalchemy import BigInteger, Date, Integer, cast, delete, func, insert, literal, select, union_all

from core.contracts import DatasetColumn, DatasetDef
from core.extensions import db
from core.security import scoped
from core.timeutil import local_date, local_midnight_utc, utcnow
from plugins.analytics.models import SalesSummary, SummaryState
from plugins.analytics.services.catalogue import all_datasets, column
from plugins.analytics.services.pivot import CENT, PivotSpec, bucket

DATASET = "pipeline.order_lines"
REFRESH_SECONDS = 15 * 60
#: Kept in every row: the owner the scope applies to, and what is known of them.
OWNER_KEYS = ("representative_id", "representative", "team")
#: Each kind of row and the dimensions it keeps, smallest first: a request is served by the first that covers it.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rep", ()), ("channel", ("channel", "shop")), ("region", ("region",)), ("product", ("product", "category")))
DIMENSIONS = ("channel", "shop", "region", "product", "category")
MEASURES = ("revenue", "cost", "quantity")
SCALE = 1000  # measures are kept in thousandths
#: The summary's day column as the pivot's date grouping sees it: already a company-local date.
DAY = DatasetColumn("day", "", "date")


def summarisable(dataset: DatasetDef | None) -> bool:
    """Whether ``dataset`` is the sales data set, says how its scope applies, and has every column kept here."""
    return (dataset is not None and dataset.key == DATASET and dataset.unscoped is not None
            and dataset.owner_column == "representative_id" and dataset.date_column is not None
            and all(column(dataset, key) is not None
                    for key in (dataset.date_column, *OWNER_KEYS, *DIMENSIONS, *MEASURES)))


# ---------------------------------------------------------------------------------------------------- building


def _dialect() -> str:
    return db.engine.dialect.name


def _local_day(expr: Any, col: DatasetColumn) -> Any:
    """The company-local date of a stored value (a naive UTC datetime, or a date already local)."""
    from plugins.analytics.services.pivot import _local

    if col.type == "date":
        return expr
    local = _local(expr, col)
    return cast(local, Date) if _dialect() == "postgresql" else func.date(local)


def _scaled_sum(expr: Any) -> Any:
    """The sum in thousandths, rounded as the live pivot rounds it (pivot._sum_expr: cents per line on SQLite)."""
    if _dialect() == "sqlite":
        return func.sum(cast(func.round(expr * 100), Integer)) * (SCALE // 100)
    return cast(func.sum(expr) * SCALE, BigInteger)


def _state(session: Any, lock: bool = False) -> SummaryState:
    stmt = select(SummaryState).where(SummaryState.dataset_key == DATASET)
    state = session.scalar(stmt.with_for_update() if lock else stmt)
    if state is None:
        from sqlalchemy.exc import IntegrityError

        try:
            with session.begin_nested():
                session.add(SummaryState(dataset_key=DATASET, built_at=None, lines=0))
        except IntegrityError:  # another process made it first
            pass
        state = session.scalar(stmt.with_for_update() if lock else stmt)
    return state


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _bounds(col: DatasetColumn, start: date, end: date) -> tuple[Any, Any]:
    """[start, end) of company-local days as the date column stores them (UTC instants for datetimes)."""
    if col.type == "datetime":
        return local_midnight_utc(start), local_midnight_utc(end)
    return start, end


def _months(session: Any, dataset: DatasetDef, col: DatasetColumn) -> list[date]:
    """The first days of the company-local months that have lines, oldest first."""
    src = dataset.unscoped().subquery("lines")  # type: ignore[misc]
    low, high = session.execute(select(func.min(src.c[col.key]), func.max(src.c[col.key]))).one()
    if low is None:
        return []
    first, last = (_as_local_day(value, col).replace(day=1) for value in (low, high))
    months = [first]
    while months[-1] < last:
        months.append(_next_month(months[-1]))
    return months


def _as_local_day(value: Any, col: DatasetColumn) -> date:
    if isinstance(value, str):  # MIN() of a datetime comes back as text on SQLite
        value = datetime.fromisoformat(value) if col.type == "datetime" else date.fromisoformat(value)
    return local_date(value) if isinstance(value, datetime) else value


def _rebuild_month(session: Any, dataset: DatasetDef, col: DatasetColumn, first: date) -> None:
    """Replace one month's rows: an INSERT … SELECT … GROUP BY per kind over that month's lines, then its month
    rows from its day rows."""
    end = _next_month(first)
    table = SalesSummary.__table__
    session.execute(delete(SalesSummary).where(table.c.day >= first, table.c.day < end))
    src = dataset.unscoped().subquery("lines")  # type: ignore[misc]
    low, high = _bounds(col, first, end)
    day = _local_day(src.c[col.key], col)
    target = ["kind", "grain", "day", *OWNER_KEYS]
    for kind, dims in KINDS:
        groups = [day, *(src.c[key] for key in OWNER_KEYS), *(src.c[key] for key in dims)]
        query = (select(literal(kind), literal("d"), *groups, *(_scaled_sum(src.c[m]) for m in MEASURES),
                        func.count())
                 .where(src.c[col.key] >= low, src.c[col.key] < high).group_by(*groups))
        session.execute(insert(SalesSummary).from_select([*target, *dims, *MEASURES, "lines"], query))
    kept = [table.c.kind, *(table.c[key] for key in (*OWNER_KEYS, *DIMENSIONS))]
    session.execute(insert(SalesSummary).from_select(
        ["kind", "grain", "day", *OWNER_KEYS, *DIMENSIONS, *MEASURES, "lines"],
        select(table.c.kind, literal("m"), literal(first, Date), *kept[1:],
               *(func.sum(table.c[m]) for m in MEASURES), func.sum(table.c.lines))
        .where(table.c.grain == "d", table.c.day >= first, table.c.day < end).group_by(*kept)))


def rebuild(session: Any) -> SummaryState | None:
    """Replace the summary with the data set's lines as they are now, a month at a time: each month is deleted and
    summed again in a transaction of its own (committed here), so that no write lock lasts longer than one month's
    sums (SQLite has one writer: a whole rebuild at a million lines would hold it for minutes). Readers see each
    month either before or after; the state row's lock keeps two rebuilds from interleaving. "As of" is the time
    the rebuild started: every month holds at least the lines of that moment."""
    dataset = next((d for d in all_datasets() if d.key == DATASET), None)
    if not summarisable(dataset):
        return None  # the pipeline is off or offers no summary: pages read the lines
    assert dataset is not None and dataset.date_column is not None
    col = column(dataset, dataset.date_column)
    assert col is not None
    started = utcnow()
    months = _months(session, dataset, col)
    table = SalesSummary.__table__
    for first in months:
        _state(session, lock=True)  # one rebuild at a time, month by month
        _rebuild_month(session, dataset, col, first)
        session.commit()
    state = _state(session, lock=True)
    if months:  # months that no longer have a line (their orders cancelled)
        session.execute(delete(SalesSummary).where((table.c.day < months[0]) | (table.c.day >= _next_month(months[-1]))))
    else:
        session.execute(delete(SalesSummary))
    state.lines = int(session.scalar(select(func.coalesce(func.sum(table.c.lines), 0))
                                     .where(table.c.kind == "rep", table.c.grain == "m")) or 0)
    state.built_at = started
    session.flush()
    if has_app_context():
        g.pop("_analytics_summary_state", None)
    return state


# ---------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Plan:
    """How a pivot is read from the summary: which kind of row, whether month rows may serve whole months."""

    kind: str
    months: bool
    built_at: datetime


def built_at() -> datetime | None:
    """When the summary was last rebuilt (naive UTC), None before its first build; read once per request."""
    if has_app_context() and "_analytics_summary_state" in g:
        return g._analytics_summary_state
    value = db.session.scalar(select(SummaryState.built_at).where(SummaryState.dataset_key == DATASET))
    if has_app_context():
        g._analytics_summary_state = value
    return value


def plan_for(spec: PivotSpec, dataset: DatasetDef) -> Plan | None:
    """The summary rows that answer ``spec`` exactly, or None when only the lines can (another data set, a
    distinct count, a dimension the summary does not keep, or no summary built yet)."""
    if not summarisable(dataset) or spec.aggregate == "distinct":
        return None
    if spec.aggregate != "count" and spec.measure not in MEASURES:
        return None
    wanted = {*spec.rows, *([spec.column] if spec.column else []), *(key for key, _value in spec.filters)}
    wanted -= {dataset.date_column, *OWNER_KEYS}
    kind = next((name for name, dims in KINDS if wanted <= set(dims)), None)
    if kind is None:
        return None
    stamp = built_at()
    if stamp is None:
        return None
    by_date = dataset.date_column in (*spec.rows, spec.column)
    # A month row can stand for its days unless the days are grouped finer than months.
    return Plan(kind, not by_date or spec.grain in ("month", "quarter", "year"), stamp)


def _first_month_from(day: date) -> date:
    return day if day.day == 1 else (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _rows(plan: Plan, spec: PivotSpec, dataset: DatasetDef, user: Any) -> Any:
    """The summary rows of [start, end) that ``user`` may see, as one selectable: whole months from month rows (when
    allowed), the days at either end from day rows. Each part is a range of the (kind, grain, day) index; UNION ALL,
    not OR, so that the database reads only those ranges. The scope is the core's helper on the rows'
    representative (``__owner__``), as the data set's own query applies it to the lines' owner."""
    table = SalesSummary.__table__

    def part(grain: str, start: date | None, end: date | None) -> Any:
        conditions = [table.c.kind == plan.kind, table.c.grain == grain]
        if start is not None:
            conditions.append(table.c.day >= start)
        if end is not None:
            conditions.append(table.c.day < end)
        return scoped(select(table).where(*conditions), SalesSummary, dataset.permission, user)

    if not plan.months:
        return part("d", spec.start, spec.end).subquery("summary")
    first = _first_month_from(spec.start) if spec.start else None  # the first whole month
    stop = spec.end.replace(day=1) if spec.end else None  # whole months end here
    if first is not None and stop is not None and first >= stop:
        return part("d", spec.start, spec.end).subquery("summary")  # within one month: days only
    parts = [part("m", first, stop)]
    if first is not None and spec.start is not None and spec.start < first:
        parts.append(part("d", spec.start, first))
    if stop is not None and spec.end is not None and stop < spec.end:
        parts.append(part("d", stop, spec.end))
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("summary")


def statement(spec: PivotSpec, dataset: DatasetDef, user: Any, plan: Plan) -> Any:
    """The pivot's GROUP BY over the summary rows the reader may see: the same keys and parts as the live
    statement (pivot.statement), measures in thousandths."""
    rows = _rows(plan, spec, dataset, user)
    keys = [*spec.rows, *([spec.column] if spec.column else [])]
    groups = [(bucket(rows.c.day, DAY, spec.grain) if key == dataset.date_column else rows.c[key]).label(f"g{i}")
              for i, key in enumerate(keys)]
    if spec.aggregate == "count":
        measures = [func.sum(rows.c.lines)]
    else:
        measures = [func.sum(rows.c[spec.measure]), func.sum(rows.c.lines)]
    stmt = select(*groups, *[m.label(f"m{i}") for i, m in enumerate(measures)]).select_from(rows)
    for key, value in spec.filters:
        stmt = stmt.where(rows.c[key] == value)
    if groups:
        stmt = stmt.group_by(*[grp.element for grp in groups]).order_by(*[grp.element for grp in groups])
    return stmt


def combine(spec: PivotSpec, parts: tuple[Any, ...]) -> Decimal | None:
    """One cell's value from the summary's parts, as pivot._combine gives it from the lines'."""
    if spec.aggregate == "count":
        return Decimal(parts[0] or 0)
    total, count = parts
    amount = Decimal(total or 0) / SCALE
    if spec.aggregate == "sum":
        return amount.quantize(CENT)
    return (amount / Decimal(count)).quantize(CENT) if count else None
