"""Use of results (R4.4, R10): the performance bonus table with its XLSX export and signed-off PDF for payroll,
and the promotion and demotion/transfer candidates with their history."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.identity.positions import POSITION_LABELS
from core.security import require, scope_for, team_condition
from core.web.listing import ExportColumn, export_response
from plugins.appraisal.labels import grade_labels
from plugins.appraisal.models import Appraisal
from plugins.appraisal.permissions import BONUS, CALIBRATE
from plugins.appraisal.services.results import bonus_rows, candidates
from plugins.appraisal.views.common import bp, cycle_choices, cycle_from, period_text


@bp.get("/bonus")
@require(BONUS)
def bonus():  # type: ignore[no-untyped-def]
    cycle = cycle_from(request.args.get("cycle"))
    # The whole company's table: payroll (finance) needs everyone, not the reader's own appraisals.
    rows = bonus_rows(db.session, cycle) if cycle else []
    total = sum((r.bonus for r in rows), Decimal("0"))
    fmt = request.args.get("export")
    names = grade_labels()
    if cycle is not None and fmt == "xlsx":
        columns = [ExportColumn("name", _("Person")),
                   ExportColumn("position", _("Position"), value=lambda r: str(POSITION_LABELS.get(r.position, ""))),
                   ExportColumn("score", _("Final score")),
                   ExportColumn("grade", _("Grade"), value=lambda r: str(names.get(r.grade or "", ""))),
                   ExportColumn("base", _("Bonus base (CNY)")), ExportColumn("coefficient", _("Coefficient")),
                   ExportColumn("prorata", _("Share of the period")), ExportColumn("bonus", _("Bonus (CNY)"))]
        return export_response(rows, columns, "xlsx",
                               filename=_("bonus-%(period)s", period=period_text(cycle.kind, cycle.period_start)))
    if cycle is not None and fmt == "pdf":
        from core.pdf import FontNotFoundError
        from plugins.appraisal.pdf import bonus_pdf

        try:
            data = bonus_pdf(cycle, rows, total, current_user)
        except FontNotFoundError:
            flash(_("The PDF cannot be printed: no Chinese font is installed on the server."), "error")
            return redirect(url_for("appraisal.bonus", cycle=cycle.id))
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f"inline; filename=bonus-{cycle.period_start:%Y-%m}.pdf"})
    return render_template("appraisal/bonus.html", cycle=cycle, rows=rows, total=total, cycles=cycle_choices())


@bp.get("/candidates")
@require(CALIBRATE)
def candidates_page():  # type: ignore[no-untyped-def]
    scope = scope_for(current_user, CALIBRATE)
    # Any scope narrower than "all" is the user's team (the user and everyone below them).
    found = candidates(db.session, None if scope == "all" else team_condition(Appraisal.employee_id, current_user))
    return render_template("appraisal/candidates.html",
                           promotion=[c for c in found if c.kind == "promotion"],
                           demotion=[c for c in found if c.kind == "demotion"])
