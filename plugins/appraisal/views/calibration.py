"""Calibration (R4.3.4): the manager sees a cycle's results side by side, the grade distribution, a warning when
more of the team is graded excellent than the forced distribution allows, and finalises. The page runs a fixed
number of statements whatever the headcount: one page of rows, one grouped count, one count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.identity.models import User
from core.security import require, scoped
from core.web.listing import ListQuery
from core.web.params import record_id
from plugins.appraisal.labels import grade_labels
from plugins.appraisal.models import GRADES, Appraisal
from plugins.appraisal.permissions import CALIBRATE
from plugins.appraisal.services import AppraisalError, StaleError
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.settings import setting
from plugins.appraisal.views.cells import calibration_rows
from plugins.appraisal.views.common import bp, cycle_choices, cycle_from, label_text
from plugins.appraisal.views.words import calibration_words

#: What a row of the results shows, read as plain values (the page only displays them): no Appraisal, User and
#: Cycle object built per row, nor their columns read (issue 18).
_ROW_COLUMNS = (Appraisal.id, Appraisal.state, Appraisal.version, Appraisal.result_score, Appraisal.self_score,
                Appraisal.superior_score, Appraisal.customer_score, Appraisal.final_score, Appraisal.grade,
                User.name.label("employee_name"))


def _in_cycle(cycle_id: int) -> Any:
    stmt = select(*_ROW_COLUMNS).join(User, User.id == Appraisal.employee_id) \
        .where(Appraisal.cycle_id == cycle_id, Appraisal.employee_id != current_user.id)
    return scoped(stmt, Appraisal, CALIBRATE, current_user)


def distribution(cycle_id: int) -> dict[str, int]:
    """Grades of the cycle's appraisals the reader calibrates (provisional ones included): one grouped count."""
    base = scoped(select(Appraisal.grade, func.count(Appraisal.id))
                  .where(Appraisal.cycle_id == cycle_id, Appraisal.grade.is_not(None),
                         Appraisal.employee_id != current_user.id),
                  Appraisal, CALIBRATE, current_user).group_by(Appraisal.grade)
    found = dict(db.session.execute(base).all())
    return {grade: int(found.get(grade, 0)) for grade in GRADES}


@bp.get("/calibration")
@require(CALIBRATE)
def calibration():  # type: ignore[no-untyped-def]
    cycle = cycle_from(request.args.get("cycle"))
    if cycle is None:
        return render_template("appraisal/calibration.html", cycle=None, page=None, cycles=[], w=calibration_words())
    listing = ListQuery(_in_cycle(cycle.id), sorts={"name": User.name, "score": Appraisal.final_score},
                        default_sort="-score", search=[User.name], per_page=50)
    page = listing.page()
    counts = distribution(cycle.id)
    graded = sum(counts.values())
    share = Decimal(setting("excellent_max_share"))
    warning = bool(share > 0 and graded and Decimal(counts["excellent"]) * 100 / graded > share)
    names = grade_labels()
    chart = {"type": "bar", "data": {"labels": [label_text(names[g]) for g in GRADES],
                                     "datasets": [{"label": _("People"), "data": [counts[g] for g in GRADES]}]},
             "options": {"animation": False, "plugins": {"legend": {"display": False}},
                         "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}}}}
    return render_template("appraisal/calibration.html", cycle=cycle, page=page, counts=counts, graded=graded,
                           warning=warning, share=share, chart=chart, cycles=cycle_choices(),
                           calibration_rows=calibration_rows, w=calibration_words())


@bp.post("/calibration/finalize")
@require(CALIBRATE)
def calibration_finalize():  # type: ignore[no-untyped-def]
    """Finalise the ticked appraisals at their provisional scores; each is checked again (scope, state, version)."""
    cycle_id = record_id(request.form.get("cycle"))
    done = stale = refused = 0
    for raw in request.form.getlist("ids"):
        ident = record_id(raw)
        appraisal = db.session.get(Appraisal, ident) if ident else None
        if appraisal is None or not flow.may_calibrate(current_user, appraisal):
            refused += 1
            continue
        try:
            flow.finalize(db.session, appraisal, current_user, record_id(request.form.get(f"version-{ident}")))
        except StaleError:
            db.session.rollback()
            stale += 1
            continue
        except AppraisalError:
            db.session.rollback()
            refused += 1
            continue
        db.session.commit()
        done += 1
    if done:
        flash(_("%(n)s results made final.", n=done), "success")
    if stale:
        flash(_("%(n)s had changed meanwhile and were left as they are; check them again.", n=stale), "warning")
    if refused:
        flash(_("%(n)s could not be finalised yet (no evaluation, or not yours to finalise).", n=refused), "warning")
    if not (done or stale or refused):
        flash(_("Tick the appraisals to finalise first."), "warning")
    return redirect(url_for("appraisal.calibration", cycle=cycle_id) if cycle_id else url_for("appraisal.calibration"))
