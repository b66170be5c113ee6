"""The pivot explorer (R7.1.2): any data set, rows × column × measure, as a table and a chart; export; save."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.identity.models import Role
from core.security import can, require
from core.web.listing import ExportColumn, export_response, wants_export
from core.web.params import record_id
from plugins.analytics.permissions import SHARE, VIEW
from plugins.analytics.services.catalogue import column, find_dataset, readable_datasets
from plugins.analytics.services.pivot import (
    AGGREGATES,
    GRAINS,
    MAX_GROUPS,
    PivotError,
    PivotResult,
    PivotSpec,
    run,
)
from plugins.analytics.services.reports import CHARTS, ReportError, save_report
from plugins.analytics.views.common import Labeller, bp, chart_json, column_label, period_args


def aggregate_choices() -> list[tuple[str, str]]:
    return [("count", _("Number of rows")), ("sum", _("Sum")), ("avg", _("Average")),
            ("distinct", _("Number of distinct values"))]


def grain_choices() -> list[tuple[str, str]]:
    return [("day", _("Day")), ("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter")),
            ("year", _("Year"))]


def chart_choices() -> list[tuple[str, str]]:
    return [("bar", _("Bars")), ("line", _("Line")), ("pie", _("Pie")), ("none", _("Table only"))]


def chart_labels() -> dict[str, str]:
    """A saved report's chart as its timeline and the audit page name it."""
    return dict(chart_choices())


def spec_from_args(args: Any, dataset_key: str) -> tuple[PivotSpec, str | None]:
    """The pivot a query string asks for, and a message for dates it could not read."""
    rows = tuple(key for key in (args.get("row1"), args.get("row2")) if key)
    has_dates = bool(args.get("start") or args.get("end"))
    start = end = None
    error = None
    if has_dates:
        from datetime import date

        start, end, error = period_args(args, date(2000, 1, 1), date(2100, 1, 1))
        start = start if args.get("start") else None
        end = end if args.get("end") else None
    filters = ((args["fkey"], args.get("fvalue", "")),) if args.get("fkey") else ()
    aggregate = args.get("aggregate") or "count"
    spec = PivotSpec(dataset=dataset_key, rows=rows, column=args.get("column") or None,
                     measure=(args.get("measure") or None) if aggregate != "count" else None,
                     aggregate=aggregate if aggregate in AGGREGATES else "count",
                     grain=args.get("grain") if args.get("grain") in GRAINS else "month",
                     start=start, end=end, filters=filters)
    return spec, error


def spec_args(spec: PivotSpec) -> dict[str, str]:
    """The query string of a pivot (for links: export, open a saved report in the explorer)."""
    args = {"dataset": spec.dataset, "aggregate": spec.aggregate, "grain": spec.grain}
    for i, key in enumerate(spec.rows, start=1):
        args[f"row{i}"] = key
    if spec.column:
        args["column"] = spec.column
    if spec.measure:
        args["measure"] = spec.measure
    if spec.start:
        args["start"] = spec.start.isoformat()
    if spec.end:
        from datetime import timedelta

        args["end"] = (spec.end - timedelta(days=1)).isoformat()
    if spec.filters:
        args["fkey"], args["fvalue"] = spec.filters[0]
    return args


def table_of(result: PivotResult, labeller: Labeller) -> dict[str, Any]:
    """Headers and rows of the pivot, every value as its label."""
    spec = result.spec
    columns = result.column_keys
    return {
        "row_headers": [column_label(column(labeller.dataset, key)) for key in spec.rows],
        "column_headers": [labeller(spec.column, key) for key in columns] if spec.column else [],
        "rows": [([labeller(key, value) for key, value in zip(spec.rows, row_key, strict=True)],
                  [result.cells.get((row_key, c)) for c in columns], result.row_totals.get(row_key))
                 for row_key in result.row_keys],
        "column_totals": [result.column_totals.get(c) for c in columns],
        "total": result.total,
    }


def chart_of(result: PivotResult, labeller: Labeller, kind: str, measure_label: str) -> Any:
    if kind not in CHARTS or kind == "none" or not result.row_keys:
        return None
    spec = result.spec
    labels = [" / ".join(labeller(k, v) for k, v in zip(spec.rows, key, strict=True)) or _("All")
              for key in result.row_keys]
    if spec.column:
        series = [(labeller(spec.column, c), [result.cells.get((r, c)) or 0 for r in result.row_keys])
                  for c in result.column_keys]
    else:
        series = [(measure_label, [result.cells.get((r, None)) or 0 for r in result.row_keys])]
    return chart_json(kind, labels, series[:8])


def measure_label(spec: PivotSpec, dataset: Any) -> str:
    if spec.aggregate == "count":
        return _("Number of rows")
    col = column_label(column(dataset, spec.measure or ""))
    return {"sum": _("Sum of %(c)s", c=col), "avg": _("Average of %(c)s", c=col),
            "distinct": _("Distinct %(c)s", c=col)}[spec.aggregate]


def shows_money(spec: PivotSpec, dataset: Any) -> bool:
    """Whether the values are amounts of money (a sum or average of a decimal column)."""
    col = column(dataset, spec.measure or "")
    return col is not None and col.type == "decimal" and spec.aggregate in ("sum", "avg")


def _export(result: PivotResult, labeller: Labeller, fmt: str, label: str) -> Any:
    table = table_of(result, labeller)
    headers = [*table["row_headers"]]
    spec = result.spec
    if spec.column:
        value_columns = [(f"c{i}", header) for i, header in enumerate(table["column_headers"])]
    else:
        value_columns = [("c0", label)]
    rows = []
    for names, values, total in table["rows"]:
        record = {f"r{i}": name for i, name in enumerate(names)}
        record.update({f"c{i}": value for i, value in enumerate(values)})
        record["total"] = total
        rows.append(record)
    columns = [ExportColumn(f"r{i}", h) for i, h in enumerate(headers)]
    columns += [ExportColumn(key, header) for key, header in value_columns]
    if spec.column:
        columns.append(ExportColumn("total", _("Total")))
    return export_response(rows, columns, fmt, filename=_("pivot"))


@bp.route("/explore", methods=["GET", "POST"])
@require(VIEW)
def explore():  # type: ignore[no-untyped-def]
    datasets = readable_datasets(current_user)
    from plugins.analytics.services.sales import SALES_DATASET

    default = SALES_DATASET if any(d.key == SALES_DATASET for d in datasets) else (datasets[0].key if datasets else "")
    key = request.values.get("dataset") or default
    dataset = find_dataset(key, current_user) if key else None
    if key and dataset is None and request.values.get("dataset"):
        flash(_("This data set is not available: its module is off, or you may not read it."), "error")
        dataset = datasets[0] if datasets else None
    context: dict[str, Any] = {"datasets": datasets, "dataset": dataset, "aggregates": aggregate_choices(),
                               "grains": grain_choices(), "charts": chart_choices(), "max_groups": MAX_GROUPS,
                               "roles": [], "may_share": can(current_user, SHARE), "error": None}
    if dataset is None:
        return render_template("analytics/explore.html", **context)
    spec, error = spec_from_args(request.values, dataset.key)
    chart = request.values.get("chart") if request.values.get("chart") in CHARTS else "bar"
    labeller = Labeller(dataset, spec.grain)
    context.update(spec=spec, chart=chart, args=spec_args(spec), error=error)
    if context["may_share"]:
        from core.identity.access import role_label

        context["roles"] = sorted(((r.id, role_label(r)) for r in db.session.scalars(db.select(Role))),
                                  key=lambda pair: pair[1])
    if request.method == "POST":
        return _save(spec, chart, context)
    if not spec.rows and not spec.column and "aggregate" not in request.args:
        return render_template("analytics/explore.html", **context)  # nothing asked yet: the form only
    try:
        result = run(spec, dataset, current_user, live=request.args.get("live") == "1")
    except PivotError as exc:
        context["error"] = str(exc)
        return render_template("analytics/explore.html", **context), 422
    label = measure_label(spec, dataset)
    fmt = wants_export()
    if fmt:
        return _export(result, labeller, fmt, label)
    context.update(result=result, table=table_of(result, labeller), measure=label,
                   chart_config=chart_of(result, labeller, chart, label), money=shows_money(spec, dataset))
    return render_template("analytics/explore.html", **context)


def _save(spec: PivotSpec, chart: str, context: dict[str, Any]) -> Any:
    shared = record_id(request.form.get("shared_role_id")) if request.form.get("shared_role_id") else None
    try:
        report = save_report(db.session, current_user, request.form.get("name", ""), spec, chart, shared)
    except (ReportError, PivotError) as exc:
        db.session.rollback()
        context["save_error"] = str(exc)
        return render_template("analytics/explore.html", **context), 422
    db.session.commit()
    flash(_("Report saved."), "success")
    return redirect(url_for("analytics.report", report_id=report.id))
