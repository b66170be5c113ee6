"""Saved reports: the list, opening one (run as the reader), renaming, sharing and deleting."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.identity.models import Role
from core.security import require
from core.web.listing import wants_export
from plugins.analytics.models import SavedReport
from plugins.analytics.permissions import VIEW
from plugins.analytics.services.catalogue import find_dataset
from plugins.analytics.services.pivot import PivotError, run
from plugins.analytics.services.reports import (
    ReportError,
    delete_report,
    may_change,
    may_open,
    spec_of,
    visible_reports,
)
from plugins.analytics.views.common import Labeller, bp
from plugins.analytics.views.explore import _export, chart_of, measure_label, shows_money, spec_args, table_of


def _report_or_404(report_id: int) -> SavedReport:
    report = db.session.get(SavedReport, report_id)
    if report is None or not may_open(current_user, report):
        abort(404)  # nobody learns whether another person's private report exists
    return report


@bp.route("/reports")
@require(VIEW)
def reports():  # type: ignore[no-untyped-def]
    rows = db.session.scalars(visible_reports(current_user)).all()
    from core.identity.access import role_label

    role_names = {r.id: role_label(r) for r in db.session.scalars(db.select(Role))}
    datasets = {r.dataset_key: find_dataset(r.dataset_key, current_user) for r in rows}
    return render_template("analytics/reports.html", reports=rows, role_names=role_names,
                           available={r.id: datasets[r.dataset_key] is not None for r in rows},
                           dataset_labels={r.id: (datasets[r.dataset_key].label if datasets[r.dataset_key]
                                                  else r.dataset_label) for r in rows})


@bp.route("/reports/<int:report_id>")
@require(VIEW)
def report(report_id: int):  # type: ignore[no-untyped-def]
    saved = _report_or_404(report_id)
    dataset = find_dataset(saved.dataset_key, current_user)
    context: dict[str, Any] = {"report": saved, "may_change": may_change(current_user, saved), "dataset": dataset}
    if dataset is None:
        # The module that offers the data set is off (or the reader lost access): say so, do not fail.
        return render_template("analytics/report.html", **context)
    spec = spec_of(saved)
    labeller = Labeller(dataset, spec.grain)
    try:
        result = run(spec, dataset, current_user, live=request.args.get("live") == "1")
    except PivotError as exc:
        context["error"] = str(exc)
        return render_template("analytics/report.html", **context)
    label = measure_label(spec, dataset)
    fmt = wants_export()
    if fmt:
        return _export(result, labeller, fmt, saved.name)
    context.update(result=result, table=table_of(result, labeller), measure=label, args=spec_args(spec),
                   money=shows_money(spec, dataset),
                   chart_config=chart_of(result, labeller, saved.chart, label))
    return render_template("analytics/report.html", **context)


@bp.route("/reports/<int:report_id>/delete", methods=["POST"])
@require(VIEW)
def delete(report_id: int):  # type: ignore[no-untyped-def]
    saved = _report_or_404(report_id)
    try:
        delete_report(db.session, current_user, saved)
    except ReportError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("analytics.report", report_id=report_id))
    db.session.commit()
    flash(_("Report deleted."), "success")
    return redirect(url_for("analytics.reports"))


@bp.route("/reports/<int:report_id>/rename", methods=["POST"])
@require(VIEW)
def rename(report_id: int):  # type: ignore[no-untyped-def]
    from core.web.params import whole_number
    from plugins.analytics.services.reports import update_report

    saved = _report_or_404(report_id)
    try:
        update_report(db.session, current_user, saved, whole_number(request.form.get("version")) or 0,
                      request.form.get("name", ""), spec_of(saved), saved.chart, saved.shared_role_id)
    except (ReportError, PivotError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("analytics.report", report_id=report_id))
    db.session.commit()
    flash(_("Report renamed."), "success")
    return redirect(url_for("analytics.report", report_id=report_id))
