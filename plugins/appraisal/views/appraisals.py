"""One appraisal: its page (indicators with their frozen results, the three evaluations, the result and how it was
combined), the forms of each step, the PDF; a person's history; the team list."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import authenticated, require, scoped
from core.web.listing import Filter, ListQuery
from core.web.params import record_id
from plugins.appraisal.forms import ratings, score_field, version_from
from plugins.appraisal.labels import SOURCE_LABELS, STATE_LABELS, grade_labels
from plugins.appraisal.models import Appraisal, PersonRecord, light
from plugins.appraisal.permissions import HR, VIEW
from plugins.appraisal.services import AppraisalError, StaleError
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.services.results import history
from plugins.appraisal.settings import weights
from plugins.appraisal.views.common import appraisal_or_404, bp, cycle_choices, may_see_person, period_text


def _page(appraisal: Appraisal, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    from plugins.appraisal.services.scoring import effective_weights

    missing = (appraisal.missing_sources or "").split(",") if appraisal.missing_sources else []
    user = current_user
    actions = {
        "self": flow.is_employee(user, appraisal) and appraisal.state == "self_assessment",
        "review": flow.may_review(user, appraisal) and (
            appraisal.state == "superior_review"
            or (appraisal.state == "self_assessment" and flow.self_assessment_closed(appraisal))),
        "finalize": flow.may_calibrate(user, appraisal) and appraisal.state == "calibration",
        "acknowledge": flow.is_employee(user, appraisal) and appraisal.state == "final",
        "decide": flow.may_hr(user, appraisal) and appraisal.state == "appealed",
        "reopen": flow.may_hr(user, appraisal) and appraisal.state in ("final", "appealed", "closed"),
        "repull": flow.may_hr(user, appraisal) and appraisal.state in flow_open_states(),
    }
    records = db.session.scalars(select(PersonRecord).where(PersonRecord.appraisal_id == appraisal.id)).all()
    return render_template(
        "appraisal/detail.html", appraisal=appraisal, actions=actions, errors=errors or {},
        weights=weights(), applied=effective_weights(weights(), missing), missing=missing,
        missing_labels=[str(SOURCE_LABELS.get(name, "")) for name in missing],
        appeal_deadline=flow.appeal_deadline(appraisal), records=records,
        review_early=appraisal.state == "self_assessment"), status


def flow_open_states() -> tuple[str, ...]:
    return ("self_assessment", "superior_review", "calibration")


@bp.get("/<appraisal_id>")
@authenticated
def detail(appraisal_id: str):  # type: ignore[no-untyped-def]
    return _page(appraisal_or_404(appraisal_id))


def _act(appraisal: Appraisal, action: Any, success: str) -> Any:
    """Run a transition; a refused one shows its message next to its field, a lost race says so."""
    try:
        action()
    except StaleError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("appraisal.detail", appraisal_id=appraisal.id))
    except AppraisalError as exc:
        db.session.rollback()
        fresh = db.session.get(Appraisal, appraisal.id)
        return _page(fresh, {exc.field or "form": str(exc)}, 422)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("appraisal.detail", appraisal_id=appraisal.id))


@bp.post("/<appraisal_id>/self")
@authenticated
def submit_self(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.submit_self(db.session, appraisal, current_user, ratings(appraisal, request.form),
                                                    request.form.get("comment"), version_from(request.form)),
                _("Self-assessment submitted."))


@bp.post("/<appraisal_id>/review")
@authenticated
def submit_review(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.submit_review(db.session, appraisal, current_user, ratings(appraisal, request.form),
                                                      request.form.get("comment"), version_from(request.form)),
                _("Evaluation submitted."))


@bp.post("/<appraisal_id>/finalize")
@authenticated
def finalize(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.finalize(db.session, appraisal, current_user, version_from(request.form),
                                                 score_field(request.form), request.form.get("note")),
                _("The result is final."))


@bp.post("/<appraisal_id>/acknowledge")
@authenticated
def acknowledge(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.acknowledge(db.session, appraisal, current_user, version_from(request.form)),
                _("Result acknowledged."))


@bp.post("/<appraisal_id>/appeal")
@authenticated
def appeal(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.appeal(db.session, appraisal, current_user, request.form.get("reason"),
                                               version_from(request.form)),
                _("Your appeal was sent to HR."))


@bp.post("/<appraisal_id>/decide")
@require(HR)
def decide(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.decide_appeal(db.session, appraisal, current_user,
                                                      request.form.get("decision"), score_field(request.form),
                                                      version_from(request.form)),
                _("Appeal decided."))


@bp.post("/<appraisal_id>/reopen")
@require(HR)
def reopen(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.reopen(db.session, appraisal, current_user, request.form.get("reason"),
                                               version_from(request.form)),
                _("The appraisal is open again for the superior's evaluation."))


@bp.post("/<appraisal_id>/repull")
@require(HR)
def repull(appraisal_id: str):  # type: ignore[no-untyped-def]
    appraisal = appraisal_or_404(appraisal_id)
    return _act(appraisal, lambda: flow.repull(db.session, appraisal, current_user, request.form.get("reason"),
                                               version_from(request.form)),
                _("Results read again."))


@bp.get("/<appraisal_id>/pdf")
@authenticated
def pdf(appraisal_id: str):  # type: ignore[no-untyped-def]
    from core.pdf import FontNotFoundError
    from plugins.appraisal.pdf import appraisal_pdf, pdf_filename

    appraisal = appraisal_or_404(appraisal_id)
    try:
        data = appraisal_pdf(appraisal)
    except FontNotFoundError:
        flash(_("The PDF cannot be printed: no Chinese font is installed on the server."), "error")
        return redirect(url_for("appraisal.detail", appraisal_id=appraisal.id))
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={pdf_filename(appraisal)}"})


# ---------------------------------------------------------------------------------------------------- histories


def _history_page(person: User) -> Any:
    rows = history(db.session, person.id)
    monthly = [a for a in reversed(rows) if a.kind == "monthly" and a.final_score is not None][-12:]
    chart = {"type": "line", "data": {
        "labels": [period_text(a.kind, a.period_start) for a in monthly],
        "datasets": [{"label": _("Final score"), "data": [float(a.final_score) for a in monthly]}]},
        "options": {"animation": False, "scales": {"y": {"min": 0, "max": 120}}}}
    records = db.session.scalars(select(PersonRecord).where(PersonRecord.user_id == person.id)
                                 .order_by(PersonRecord.created_at.desc()).limit(24)).all()
    return render_template("appraisal/history.html", person=person, rows=rows, chart=chart if monthly else None,
                           records=records, own=person.id == current_user.id)


@bp.get("/")
@require(VIEW)
def mine():  # type: ignore[no-untyped-def]
    return _history_page(current_user)


@bp.get("/people/<person_id>")
@require(VIEW)
def person(person_id: str):  # type: ignore[no-untyped-def]
    ident = record_id(person_id)
    person = db.session.get(User, ident) if ident else None
    if person is None or not may_see_person(current_user, person.id):
        abort(404)
    return _history_page(person)


def team_listing(user: Any) -> ListQuery:
    stmt = scoped(select(Appraisal).options(*light()).join(User, User.id == Appraisal.employee_id),
                  Appraisal, VIEW, user)
    return ListQuery(
        stmt, sorts={"period": Appraisal.period_start, "name": User.name, "score": Appraisal.final_score},
        default_sort="-period", search=[User.name],
        filters=[Filter.choice("cycle", _("Period"), Appraisal.cycle_id, cycle_choices, coerce=int),
                 Filter.choice("state", _("State"), Appraisal.state, lambda: list(STATE_LABELS.items())),
                 Filter.choice("grade", _("Grade"), Appraisal.grade, lambda: list(grade_labels().items()))],
        per_page=25)


@bp.get("/team")
@require(VIEW)
def team():  # type: ignore[no-untyped-def]
    return render_template("appraisal/team.html", page=team_listing(current_user).page())
