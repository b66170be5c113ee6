"""Notable changes (R7.1.3) and the archive of monthly sales reports (R2.3.6)."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import require
from plugins.analytics.models import MonthlyReport
from plugins.analytics.permissions import MONTHLY, VIEW
from plugins.analytics.services.changes import THRESHOLD_SETTING, _setting_decimal, changes_for, kpis
from plugins.analytics.views.common import bp


def kpi_labels() -> dict[str, str]:
    return {k.key: str(k.label) for k in kpis()}


@bp.route("/changes")
@require(VIEW)
def changes():  # type: ignore[no-untyped-def]
    return render_template("analytics/changes.html", changes=changes_for(current_user), kpi_labels=kpi_labels(),
                           threshold=_setting_decimal(THRESHOLD_SETTING, "40").normalize())


@bp.route("/monthly")
@require(MONTHLY)
def monthly_reports():  # type: ignore[no-untyped-def]
    reports = db.session.execute(select(MonthlyReport.id, MonthlyReport.month, MonthlyReport.created_at,
                                        MonthlyReport.recipients).order_by(MonthlyReport.month.desc())).all()
    logins = {login for r in reports for login in r.recipients.split(",") if login}
    names = dict(db.session.execute(select(User.login, User.name).where(User.login.in_(sorted(logins)))).all())
    return render_template("analytics/monthly.html", reports=reports,
                           recipients={r.id: "、".join(names.get(x, x) for x in r.recipients.split(",") if x)
                                       for r in reports})


@bp.route("/monthly/<int:report_id>")
@require(MONTHLY)
def monthly_report(report_id: int):  # type: ignore[no-untyped-def]
    report = db.session.get(MonthlyReport, report_id)
    if report is None:
        abort(404)
    response = Response(report.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="sales-report-{report.month:%Y-%m}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
