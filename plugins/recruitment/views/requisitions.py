"""Hiring plans: list, raise and edit, submit, approve or reject (the chain of the setting), cancel, the board."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import Department
from core.identity.positions import position_choices
from core.security import require, scoped
from core.web.list_cells import label_text
from core.web.listing import Filter, ListQuery
from core.web.params import whole_number
from core.web.record_links import record_url_prefix
from plugins.recruitment import forms
from plugins.recruitment.labels import CHANNEL_LABELS, REASON_LABELS, REQUISITION_STATE_LABELS
from plugins.recruitment.models import Approval, Posting, Requisition
from plugins.recruitment.services import RecruitmentError, reports
from plugins.recruitment.services import requisitions as service
from plugins.recruitment.views.common import (
    APP_MANAGE,
    APP_VIEW,
    POSTING_MANAGE,
    REQ_CREATE,
    REQ_VIEW,
    bp,
    may,
    requisition_or_404,
)


def department_choices(blank: Any = None) -> list[tuple[Any, str]]:
    rows = db.session.execute(select(Department.id, Department.name).order_by(Department.name)).all()
    return [(None, blank or _("— none —"))] + [(i, n) for i, n in rows]


def listing() -> ListQuery:
    stmt = scoped(select(Requisition), Requisition, REQ_VIEW)
    return ListQuery(stmt, sorts={"created": Requisition.created_at, "needed": Requisition.required_by,
                                  "title": Requisition.title},
                     default_sort="-created", search=[Requisition.title],
                     filters=[Filter.choice("state", _l("State"), Requisition.state,
                                            lambda: [(k, str(v)) for k, v in REQUISITION_STATE_LABELS.items()])])


@bp.get("/")
@require(REQ_VIEW)
def requisitions():  # type: ignore[no-untyped-def]
    return render_template("recruitment/requisitions.html", page=listing().page(), may_create=may(REQ_CREATE),
                           progress=service.progress)


def _fill_choices(form: forms.RequisitionForm) -> None:
    form.position.choices = position_choices()
    form.department_id.choices = department_choices()
    form.reason.choices = [(k, str(v)) for k, v in REASON_LABELS.items()]


def _save(form: forms.RequisitionForm, requisition: Requisition | None) -> Any:
    try:
        saved = service.save_requisition(
            db.session, current_user, requisition, title=form.title.data, position=form.position.data,
            department_id=form.department_id.data, headcount=form.headcount.data, reason=form.reason.data,
            salary_min=form.salary_min.data, salary_max=form.salary_max.data, required_by=form.required_by.data,
            description=form.description.data, requirements=form.requirements.data)
    except RecruitmentError as exc:
        db.session.rollback()
        forms.attach_error(form, exc)
        return None
    db.session.commit()
    flash(_("Hiring plan saved as a draft; submit it for approval when ready."), "success")
    return redirect(url_for("recruitment.requisition", requisition_id=saved.id))


@bp.route("/requisitions/new", methods=["GET", "POST"])
@require(REQ_CREATE)
def new_requisition():  # type: ignore[no-untyped-def]
    form = forms.RequisitionForm()
    _fill_choices(form)
    if not form.is_submitted() and current_user.department_id:
        form.department_id.data = current_user.department_id
    if form.validate_on_submit() and (done := _save(form, None)):
        return done
    return render_template("recruitment/form.html", form=form, title=_("New hiring plan"),
                           cancel_url=url_for("recruitment.requisitions")), 422 if form.errors or \
        form.form_errors else 200


@bp.route("/requisitions/<int:requisition_id>/edit", methods=["GET", "POST"])
@require(REQ_CREATE)
def edit_requisition(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = requisition_or_404(requisition_id)
    if requisition.requested_by_id != current_user.id and not may("recruitment.approve.hr"):
        abort(403)  # the author's plan: others comment through the approval
    # The plan fills the form only when it is shown: a post missing a field must not take the plan's value (its
    # requirements are rows, not the text the form edits).
    form = forms.RequisitionForm(obj=requisition if request.method == "GET" else None)
    _fill_choices(form)
    if not form.is_submitted():
        form.requirements.data = "\n".join(f"{r.kind}: {r.text}" if r.kind != "other" else r.text
                                           for r in requisition.requirements)
    if form.validate_on_submit() and (done := _save(form, requisition)):
        return done
    return render_template("recruitment/form.html", form=form, title=_("Edit hiring plan"),
                           cancel_url=url_for("recruitment.requisition", requisition_id=requisition.id)), \
        422 if form.errors or form.form_errors else 200


@bp.get("/requisitions/<int:requisition_id>")
@require(REQ_VIEW)
def requisition(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = requisition_or_404(requisition_id)
    approvals = db.session.scalars(select(Approval).where(Approval.requisition_id == requisition.id)
                                   .order_by(Approval.step)).all()
    postings = db.session.scalars(select(Posting).where(Posting.requisition_id == requisition.id)
                                  .order_by(Posting.id)).all()
    step = service.current_step(db.session, requisition)
    return render_template(
        "recruitment/requisition.html", requisition=requisition, approvals=approvals, postings=postings,
        step=step, chain=service.chain_of(requisition) or service.approval_chain(),
        may_decide=service.may_decide(db.session, requisition, current_user),
        may_edit=may(REQ_CREATE) and requisition.state in ("draft", "rejected")
        and (requisition.requested_by_id == current_user.id or may("recruitment.approve.hr")),
        may_post=may(POSTING_MANAGE), may_manage=may(APP_MANAGE), may_see_applications=may(APP_VIEW),
        progress=service.progress(requisition), action=forms.DecisionForm())


@bp.post("/requisitions/<int:requisition_id>/submit")
@require(REQ_CREATE)
def submit_requisition(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = requisition_or_404(requisition_id)
    forms.DecisionForm().validate_on_submit()
    try:
        service.submit(db.session, requisition, current_user)
    except RecruitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Submitted for approval."), "success")
    return redirect(url_for("recruitment.requisition", requisition_id=requisition_id))


@bp.post("/requisitions/<int:requisition_id>/decide")
@require(REQ_VIEW)
def decide_requisition(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = requisition_or_404(requisition_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("recruitment.requisition", requisition_id=requisition_id))
    try:
        service.decide(db.session, requisition, current_user, form.decision.data == "approve", form.comment.data,
                       expected_version=whole_number(form.version.data))
    except RecruitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Approved.") if form.decision.data == "approve" else _("Not approved."), "success")
    return redirect(url_for("recruitment.requisition", requisition_id=requisition_id))


@bp.post("/requisitions/<int:requisition_id>/cancel")
@require(REQ_CREATE)
def cancel_requisition(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = requisition_or_404(requisition_id)
    forms.DecisionForm().validate_on_submit()
    try:
        service.cancel(db.session, requisition, current_user)
    except RecruitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Hiring plan cancelled."), "success")
    return redirect(url_for("recruitment.requisition", requisition_id=requisition_id))


@bp.get("/requisitions/<int:requisition_id>/board")
@require(APP_VIEW)
def board(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = requisition_or_404(requisition_id, bare=True)
    # Per card only what differs: the link and the channel's label are resolved once for the page (issue 18).
    return render_template("recruitment/board.html", requisition=requisition,
                           board=reports.board(db.session, requisition, current_user),
                           limit=reports.BOARD_CARDS,
                           card_url=record_url_prefix("recruitment.application", "application_id"),
                           channel_labels={code: label_text(label) for code, label in CHANNEL_LABELS.items()})
