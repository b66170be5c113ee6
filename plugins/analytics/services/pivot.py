"""The pivot engine (R7.1.2): one GROUP BY over a data set's own scoped query, whatever the data set.

A pivot groups the rows of ``DatasetDef.query(user)`` (already limited to what the reader may see) by up to two row
columns and one column column, and aggregates one measure: sum, count, average or distinct count. Dates are grouped
by day, week (from Monday), month, quarter or year in the company time zone. Sums are exact: money is summed in
cents as integers on SQLite (which keeps no decimals) and as NUMERIC on PostgreSQL, and averages are divided in
Python. The number of groups read is capped (``MAX_GROUPS``); a larger result is cut and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, cast, func, select

from core.contracts import DatasetColumn, DatasetDef
from core.extensions import db
from core.timeutil import company_zone, local_midnight_utc
from plugins.analytics.services.catalogue import column

GRAINS = ("day", "week", "month", "quarter", "year")
AGGREGATES = ("sum", "count", "avg", "distinct")
MAX_ROW_COLUMNS = 2
#: Groups read at most: enough for any table a person reads, small enough for a page and a chart.
MAX_GROUPS = 2000
CENT = Decimal("0.01")


class PivotError(ValueError):
    """A pivot that cannot be built as asked; the message is for the user."""


@dataclass(frozen=True)
class PivotSpec:
    dataset: str
    rows: tuple[str, ...] = ()
    column: str | None = None
    measure: str | None = None  # None: count rows
    aggregate: str = "count"
    grain: str = "month"
    start: date | None = None  # on the data set's date column, company-local days, [start, end)
    end: date | None = None
    filters: tuple[tuple[str, str], ...] = ()  # (dimension key, stored value): equality

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "rows": list(self.rows), "column": self.column, "measure": self.measure,
                "aggregate": self.aggregate, "grain": self.grain,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "filters": [list(f) for f in self.filters]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PivotSpec:
        def day(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(dataset=str(data["dataset"]), rows=tuple(data.get("rows") or ()), column=data.get("column"),
                   measure=data.get("measure"), aggregate=data.get("aggregate") or "count",
                   grain=data.get("grain") or "month", start=day(data.get("start")), end=day(data.get("end")),
                   filters=tuple((str(k), str(v)) for k, v in data.get("filters") or ()))


@dataclass
class PivotResult:
    """Cells keyed by (row key tuple, column key); keys are the stored values or date buckets ("2026-03")."""

    spec: PivotSpec
    row_keys: list[tuple[Any, ...]] = field(default_factory=list)
    column_keys: list[Any] = field(default_factory=list)
    cells: dict[tuple[tuple[Any, ...], Any], Decimal] = field(default_factory=dict)
    row_totals: dict[tuple[Any, ...], Decimal] = field(default_factory=dict)
    column_totals: dict[Any, Decimal] = field(default_factory=dict)
    total: Decimal | None = None
    truncated: bool = False
    #: When the figures were summed (naive UTC), if they were read from the summary; None: read live from the lines.
    as_of: datetime | None = None

    def value(self, row_key: tuple[Any, ...], column_key: Any = None) -> Decimal | None:
        return self.cells.get((row_key, column_key))


def validate(spec: PivotSpec, dataset: DatasetDef, group_by_keys: bool = False) -> None:
    """Raise PivotError with a user's message for anything the data set cannot answer.

    ``group_by_keys`` lets analytics' own figures group by key columns (a representative's id, to join a KPI):
    the explorer never offers them, since a reader sees labels, not ids."""
    groupable = ("dimension", "date", "key") if group_by_keys else ("dimension", "date")
    if spec.aggregate not in AGGREGATES:
        raise PivotError(_l("Choose how to combine the values."))
    if spec.grain not in GRAINS:
        raise PivotError(_l("Choose how to group dates."))
    if len(spec.rows) > MAX_ROW_COLUMNS:
        raise PivotError(_l("Group rows by two columns at most."))
    groups = [*spec.rows, *([spec.column] if spec.column else [])]
    if len(set(groups)) != len(groups):
        raise PivotError(_l("Use each column once only."))
    for key in groups:
        col = column(dataset, key)
        if col is None or col.effective_role not in groupable:
            raise PivotError(_l("This column cannot be used to group rows."))
    if spec.aggregate != "count":
        col = column(dataset, spec.measure or "")
        if col is None:
            raise PivotError(_l("Choose the value to combine."))
        if spec.aggregate in ("sum", "avg") and col.effective_role != "measure":
            raise PivotError(_l("Only amounts and quantities can be added up or averaged."))
    for key, value in spec.filters:
        col = column(dataset, key)
        if col is None or col.effective_role != "dimension":
            raise PivotError(_l("This column cannot be filtered on."))
        if "\x00" in value or len(value) > 200:
            raise PivotError(_l("Filter on a value of at most 200 ordinary characters."))
    if (spec.start or spec.end) and not dataset.date_column:
        raise PivotError(_l("This data set has no date to filter on."))
    if spec.start and spec.end and spec.start >= spec.end:
        raise PivotError(_l("The period must end after it starts."))


# ---------------------------------------------------------------------------------------------------- SQL pieces


def _dialect() -> str:
    return db.engine.dialect.name


def _zone_offset_minutes() -> int:
    offset = datetime.now(company_zone()).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _local(expr: Any, col: DatasetColumn) -> Any:
    """A stored (naive UTC) datetime as company-local wall-clock time; dates are already local."""
    if col.type != "datetime":
        return expr
    if _dialect() == "postgresql":
        return func.timezone(str(company_zone()), func.timezone("UTC", expr))
    # SQLite knows no zones: the company zone's offset now (Asia/Shanghai has no summer time).
    return func.datetime(expr, f"{_zone_offset_minutes():+d} minutes")


def bucket(expr: Any, col: DatasetColumn, grain: str) -> Any:
    """The text key of the date bucket a row falls in: 2026-03-14, 2026-03-09 (Monday), 2026-03, 2026-Q1, 2026."""
    local = _local(expr, col)
    if _dialect() == "postgresql":
        if grain == "week":
            return func.to_char(func.date_trunc("week", local), "YYYY-MM-DD")
        pattern = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[grain]
        return func.to_char(local, pattern)
    if grain == "week":
        return func.date(local, "-6 days", "weekday 1")
    if grain == "quarter":
        quarter = (cast(func.strftime("%m", local), Integer) + 2) / 3
        return func.strftime("%Y", local).concat("-Q").concat(cast(quarter, Integer))
    pattern = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[grain]
    return func.strftime(pattern, local)


def _group_expr(src: Any, dataset: DatasetDef, key: str, grain: str) -> Any:
    col = column(dataset, key)
    assert col is not None  # validated
    expr = src.c[key]
    return bucket(expr, col, grain) if col.effective_role == "date" else expr


def _sum_expr(expr: Any, col: DatasetColumn) -> Any:
    if col.type == "decimal" and _dialect() == "sqlite":
        return func.sum(cast(func.round(expr * 100), Integer))  # exact cents; SQLite stores decimals as floats
    return func.sum(expr)


def _measure_exprs(src: Any, dataset: DatasetDef, spec: PivotSpec) -> list[Any]:
    """(value, count) for sum and avg; (value,) for count and distinct."""
    if spec.aggregate == "count":
        return [func.count()]
    expr = src.c[spec.measure]
    if spec.aggregate == "distinct":
        return [func.count(expr.distinct())]
    col = column(dataset, spec.measure or "")
    assert col is not None
    return [_sum_expr(expr, col), func.count(expr)]


def _conditions(src: Any, dataset: DatasetDef, spec: PivotSpec) -> list[Any]:
    conditions = [src.c[key] == value for key, value in spec.filters]
    if dataset.date_column and (spec.start or spec.end):
        date_col = column(dataset, dataset.date_column)
        expr = src.c[dataset.date_column]
        as_instant = date_col is not None and date_col.type == "datetime"
        if spec.start:
            conditions.append(expr >= (local_midnight_utc(spec.start) if as_instant else spec.start))
        if spec.end:
            conditions.append(expr < (local_midnight_utc(spec.end) if as_instant else spec.end))
    return conditions


def statement(spec: PivotSpec, dataset: DatasetDef, user: Any, group_keys: list[str] | None = None) -> Any:
    """The GROUP BY statement of ``spec`` (or of another grouping, for distinct totals)."""
    src = dataset.query(user).subquery("dataset")
    keys = [*spec.rows, *([spec.column] if spec.column else [])] if group_keys is None else group_keys
    groups = [_group_expr(src, dataset, key, spec.grain).label(f"g{i}") for i, key in enumerate(keys)]
    stmt = select(*groups, *[m.label(f"m{i}") for i, m in enumerate(_measure_exprs(src, dataset, spec))])
    if not groups:
        stmt = stmt.select_from(src)
    conditions = _conditions(src, dataset, spec)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    if groups:
        stmt = stmt.group_by(*[literal_column_of(g) for g in groups]).order_by(*[literal_column_of(g) for g in groups])
    return stmt


def literal_column_of(labelled: Any) -> Any:
    """The expression under a label (GROUP BY repeats the expression: portable to both databases)."""
    return labelled.element


# ---------------------------------------------------------------------------------------------------- running


def _combine(spec: PivotSpec, dataset: DatasetDef, parts: tuple[Any, ...]) -> Decimal | None:
    """One cell's value from the SQL parts: exact Decimal, cents for money."""
    if spec.aggregate in ("count", "distinct"):
        return Decimal(parts[0] or 0)
    total, count = parts
    col = column(dataset, spec.measure or "")
    in_cents = col is not None and col.type == "decimal" and _dialect() == "sqlite"
    total = Decimal(total or 0) / 100 if in_cents else Decimal(str(total or 0))
    if spec.aggregate == "sum":
        return total.quantize(CENT) if col is not None and col.type == "decimal" else total
    if not count:
        return None
    return (total / Decimal(count)).quantize(CENT)


def _norm(value: Any) -> Any:
    """Group keys as Python values that sort and compare alike on both databases."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    return value


def run(spec: PivotSpec, dataset: DatasetDef, user: Any, group_by_keys: bool = False,
        live: bool = False) -> PivotResult:
    """Run the pivot as ``user`` (AccessDenied unless they may read it; their scope limits the rows): one statement
    (two more for the totals of a distinct count with a column), over the sales summary when it covers the pivot
    (services/summary.py) unless ``live``, else over the data set's lines."""
    from plugins.analytics.services import summary
    from plugins.analytics.services.access import check_reader

    check_reader(user, dataset)
    validate(spec, dataset, group_by_keys)
    result = PivotResult(spec)
    n_rows = len(spec.rows)
    has_column = spec.column is not None
    n_keys = n_rows + has_column
    plan = None if live else summary.plan_for(spec, dataset)
    if plan is not None:
        result.as_of = plan.built_at
        stmt = summary.statement(spec, dataset, user, plan)

        def combine(parts: tuple[Any, ...]) -> Decimal | None:
            return summary.combine(spec, parts)
    else:
        stmt = statement(spec, dataset, user)

        def combine(parts: tuple[Any, ...]) -> Decimal | None:
            return _combine(spec, dataset, parts)
    raw = db.session.execute(stmt.limit(MAX_GROUPS + 1)).all()
    if len(raw) > MAX_GROUPS:
        result.truncated = True
        raw = raw[:MAX_GROUPS]
    sums: dict[Any, list[Any]] = {}  # for additive totals: key -> [sum, count]
    seen_rows: dict[tuple[Any, ...], None] = {}
    seen_columns: dict[Any, None] = {}
    for line in raw:
        keys = tuple(_norm(v) for v in line[:n_keys])
        parts = tuple(line[n_keys:])
        row_key, column_key = keys[:n_rows], (keys[n_rows] if has_column else None)
        seen_rows.setdefault(row_key, None)
        if has_column:
            seen_columns.setdefault(column_key, None)
        result.cells[(row_key, column_key)] = combine(parts)
        if spec.aggregate != "distinct":
            for total_key in (("row", row_key), ("column", column_key), ("all",)):
                acc = sums.setdefault(total_key, [0, 0])
                acc[0] += parts[0] or 0
                acc[1] += parts[1] if len(parts) > 1 else 0
    result.row_keys = list(seen_rows)
    result.column_keys = sorted(seen_columns, key=_sort_key) if has_column else [None]
    if spec.aggregate == "distinct":
        _distinct_totals(result, spec, dataset, user)
    else:
        def total_of(key: Any) -> Decimal | None:
            acc = sums.get(key)
            return combine(tuple(acc)) if acc else None

        result.row_totals = {k: total_of(("row", k)) for k in result.row_keys}
        result.column_totals = {k: total_of(("column", k)) for k in result.column_keys}
        result.total = total_of(("all",)) if raw else None
    return result


def _distinct_totals(result: PivotResult, spec: PivotSpec, dataset: DatasetDef, user: Any) -> None:
    """Distinct counts do not add up: totals are their own GROUP BYs."""
    if spec.column is None:
        result.row_totals = {k: result.cells.get((k, None)) for k in result.row_keys}
    else:
        rows = db.session.execute(statement(spec, dataset, user, list(spec.rows))).all()
        n = len(spec.rows)
        result.row_totals = {tuple(_norm(v) for v in r[:n]): Decimal(r[n] or 0) for r in rows}
        columns = db.session.execute(statement(spec, dataset, user, [spec.column])).all()
        result.column_totals = {_norm(r[0]): Decimal(r[1] or 0) for r in columns}
    grand = db.session.execute(statement(spec, dataset, user, [])).one()
    result.total = Decimal(grand[0] or 0)


def _sort_key(value: Any) -> tuple[int, Any]:
    return (value is None, str(value) if value is not None else "")

