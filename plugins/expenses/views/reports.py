"""The expense reports: spend against budget, claims waiting per reviewer, days to payment, and the workbook."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import gettext as _

from core.security import require
from core.web.listing import export_response, wants_export
from plugins.expenses.services import reports as figures
from plugins.expenses.views import lists
from plugins.expenses.views.common import (
    bp,
    year_arg,
)


@bp.get("/reports")
@require("expenses.report.view")
def reports():  # type: ignore[no-untyped-def]
    year = year_arg()
    fmt = wants_export()  # the spend-against-budget table alone; /reports.xlsx is the whole workbook
    if fmt:
        return export_response(figures.spend_by_month(year), lists.spend_columns(), fmt,
                               filename=_("expense-spend-%(year)s", year=year))
    return render_template("expenses/reports.html", year=year, spend=figures.spend_by_month(year),
                           waiting=figures.waiting_per_reviewer(),
                           average_days=figures.average_days_to_payment(year))


@bp.get("/reports.xlsx")
@require("expenses.report.view")
def reports_xlsx():  # type: ignore[no-untyped-def]
    year = year_arg()
    response = Response(figures.reports_xlsx(year),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=expenses-{year}.xlsx"
    return response
