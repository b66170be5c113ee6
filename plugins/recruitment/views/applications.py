"""Applications: the list, HR's manual entry and import, the application page with every stage, and the moves
between stages (screening, advance, reject, withdraw, reopen)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import require, scoped
from core.web.listing import Filter, ListQuery
from core.web.params import whole_number
from plugins.recruitment import forms
from plugins.recruitment.labels import CHANNEL_LABELS, SCREENING_LABELS, STAGE_LABELS, STATUS_LABELS
from plugins.recruitment.models import (
    Application,
    Candidate,
    Interview,
    Offer,
    Posting,
    Requisition,
    Screening,
    StageChange,
    TestPaper,
    TestSession,
)
from plugins.recruitment.services import RecruitmentError, candidates, importing, intake, stages
from plugins.recruitment.services.checks import check_of, check_problems
from plugins.recruitment.services.offers import current_offer, suggested_login
from plugins.recruitment.services.screening import screen
from plugins.recruitment.views.common import APP_MANAGE, APP_VIEW, HIRE, PRIVACY, application_or_404, bp, may


def listing() -> ListQuery:
    stmt = scoped(select(Application).join(Candidate, Candidate.id == Application.candidate_id)
                  .join(Requisition, Requisition.id == Application.requisition_id), Application, APP_VIEW)
    return ListQuery(
        stmt, sorts={"applied": Application.created_at, "stage": Application.stage_entered_at},
        default_sort="-applied", search=[Candidate.name, Candidate.phone, Candidate.email, Requisition.title],
        filters=[Filter.choice("stage", _l("Stage"), Application.stage,
                               lambda: [(k, str(v)) for k, v in STAGE_LABELS.items()]),
                 Filter.choice("status", _l("Status"), Application.status,
                               lambda: [(k, str(v)) for k, v in STATUS_LABELS.items()]),
                 Filter.choice("channel", _l("Channel"), Application.channel,
                               lambda: [(k, str(v)) for k, v in CHANNEL_LABELS.items()]),
                 Filter.choice("requisition", _l("Hiring plan"), Application.requisition_id, requisition_choices,
                               coerce=int),
                 # The talent pool: people who agreed to be considered for other openings (R11).
                 Filter.choice("pool", _l("Talent pool"), Candidate.talent_pool, [("1", _l("In the talent pool"))],
                               coerce=lambda raw: True)])


def requisition_choices() -> list[tuple[int, str]]:
    """The plans the user may see, newest first (bounded: old plans are found by searching their title)."""
    rows = db.session.execute(scoped(select(Requisition.id, Requisition.title), Requisition,
                                     "recruitment.requisition.view")
                              .order_by(Requisition.id.desc()).limit(200)).all()
    return [(i, t) for i, t in rows]


@bp.get("/candidates", endpoint="candidates")
@require(APP_VIEW)
def candidates_list():  # type: ignore[no-untyped-def]
    return render_template("recruitment/applications.html", page=listing().page(), may_manage=may(APP_MANAGE))


def open_requisition_choices() -> list[tuple[Any, str]]:
    rows = db.session.execute(scoped(select(Requisition.id, Requisition.title), Requisition,
                                     "recruitment.requisition.view")
                              .where(Requisition.state == "approved").order_by(Requisition.title)).all()
    return [(i, t) for i, t in rows]


def people_choices(blank: str | None = None, limit: int = 1000) -> list[tuple[Any, str]]:
    rows = db.session.execute(select(User.id, User.name).where(User.active).order_by(User.name).limit(limit)).all()
    return ([(None, blank)] if blank is not None else []) + [(i, n) for i, n in rows]


@bp.route("/candidates/new", methods=["GET", "POST"])
@require(APP_MANAGE)
def new_application():  # type: ignore[no-untyped-def]
    form = forms.CandidateForm()
    form.requisition_id.choices = open_requisition_choices()
    form.channel.choices = [(k, str(v)) for k, v in CHANNEL_LABELS.items() if k != "careers"]
    form.referrer_id.choices = people_choices(_("— nobody —"))
    if not form.is_submitted():
        form.channel.data = "manual"
        form.requisition_id.data = whole_number(request.args.get("requisition_id"))
    if form.validate_on_submit():
        try:
            requisition = candidates.open_requisition(db.session, form.requisition_id.data)
            candidate = candidates.upsert_candidate(
                db.session, name=form.name.data, phone=form.phone.data, email=form.email.data,
                education=form.education.data, current_employer=form.current_employer.data,
                consent=form.consent.data, talent_pool=form.talent_pool.data)
            application, created = candidates.apply(
                db.session, requisition, candidate, channel=form.channel.data, source_detail=form.source_detail.data,
                referrer_id=form.referrer_id.data, cover_letter=form.cover_letter.data, user=current_user)
            if form.cv.data and getattr(form.cv.data, "filename", ""):
                intake.attach_cv(db.session, application, form.cv.data, current_user)
        except RecruitmentError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Application recorded.") if created else
                  _("This person had applied for this position already; their application was updated."),
                  "success")
            return redirect(url_for("recruitment.application", application_id=application.id))
    return render_template("recruitment/form.html", form=form, title=_("New application"), multipart=True,
                           cancel_url=url_for("recruitment.candidates")), 422 if form.errors or \
        form.form_errors else 200


@bp.route("/candidates/import", methods=["GET", "POST"])
@require(APP_MANAGE)
def import_applications():  # type: ignore[no-untyped-def]
    form = forms.ImportForm()
    form.requisition_id.choices = open_requisition_choices()
    form.channel.choices = [(k, str(v)) for k, v in CHANNEL_LABELS.items() if k != "careers"]
    postings = db.session.execute(select(Posting.id, Posting.channel, Posting.venue, Requisition.title)
                                  .join(Requisition, Requisition.id == Posting.requisition_id)
                                  .where(Posting.active, Requisition.state == "approved")
                                  .order_by(Posting.id.desc()).limit(500)).all()
    form.posting_id.choices = [(None, _("— none —"))] + [
        (p.id, f"{p.title} · {CHANNEL_LABELS[p.channel]}{' · ' + p.venue if p.venue else ''}") for p in postings]
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            requisition = candidates.open_requisition(db.session, form.requisition_id.data)
            posting = db.session.get(Posting, form.posting_id.data) if form.posting_id.data else None
            if posting is not None and posting.requisition_id != requisition.id:
                raise RecruitmentError(_("This posting belongs to another hiring plan."), "posting_id")
            if upload is None or not getattr(upload, "filename", ""):
                raise RecruitmentError(_("Choose a file to upload."), "file")
            data = upload.read(5 * 1024 * 1024 + 1)
            if len(data) > 5 * 1024 * 1024:
                raise RecruitmentError(_("The file is larger than the limit of %(limit)s.", limit="5 MB"), "file")
            result = importing.import_applications(db.session, requisition, upload.filename, data,
                                                   channel=form.channel.data, posting=posting, user=current_user)
        except RecruitmentError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            if result.errors:
                db.session.rollback()
            else:
                db.session.commit()
                flash(_("%(created)d applications imported; %(already)d were there already.",
                        created=result.created, already=result.already), "success")
                return redirect(url_for("recruitment.candidates"))
    return render_template("recruitment/import.html", form=form, result=result), \
        422 if form.errors or form.form_errors or (result and result.errors) else 200


@bp.get("/applications/<int:application_id>")
@require(APP_VIEW)
def application(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id)
    session = db.session
    screening = session.scalar(select(Screening).where(Screening.application_id == application.id)
                               .order_by(Screening.id.desc()).limit(1))
    tests = session.scalars(select(TestSession).where(TestSession.application_id == application.id)
                            .order_by(TestSession.id)).all()
    interviews = session.scalars(select(Interview).where(Interview.application_id == application.id)
                                 .order_by(Interview.round)).all()
    check = check_of(session, application)
    offers = session.scalars(select(Offer).where(Offer.application_id == application.id).order_by(Offer.id)).all()
    offer = current_offer(session, application)
    changes = session.scalars(select(StageChange).where(StageChange.application_id == application.id)
                              .order_by(StageChange.at, StageChange.id)).all()
    others = session.execute(scoped(select(Application.id, Requisition.title, Application.stage, Application.status)
                                    .join(Requisition, Requisition.id == Application.requisition_id), Application,
                                    APP_VIEW).where(Application.candidate_id == application.candidate_id,
                                                    Application.id != application.id)).all()
    manage = may(APP_MANAGE, application)
    screening_form = forms.ScreeningForm()
    screening_form.decision.choices = [(k, str(v)) for k, v in SCREENING_LABELS.items()]
    link_form = forms.TestLinkForm()
    link_form.paper_id.choices = [(p.id, p.title) for p in session.scalars(
        select(TestPaper).where(TestPaper.active).order_by(TestPaper.title).limit(200))]
    interview_form = forms.InterviewForm()
    interview_form.interviewer_ids.choices = people_choices()
    from plugins.recruitment.views.offers import offer_form

    referrer = session.get(User, application.referrer_id) if application.referrer_id else None
    return render_template(
        "recruitment/application.html", application=application, candidate=application.candidate,
        requisition=application.requisition, screening=screening, tests=tests, interviews=interviews, check=check,
        check_problems=check_problems(check) if application.stage == "background" else [], offers=offers,
        offer=offer, changes=changes, others=others,
        hired_user=session.get(User, application.hired_user_id) if application.hired_user_id else None,
        manage=manage, may_hire=may(HIRE, application),
        may_privacy=may(PRIVACY), referrer=referrer, action=forms.ActionForm(), screening_form=screening_form,
        link_form=link_form, result_form=forms.TestResultForm(), interview_form=interview_form,
        offer_form=offer_form(application) if manage and application.stage in ("background", "offer") else None,
        hire_form=_hire_form(application) if offer is not None and offer.state == "accepted" else None,
        duplicates=candidates.duplicates_of(session, application.candidate) if manage else [],
        users={u.id: u for u in session.scalars(select(User).where(User.id.in_(
            {c.user_id for c in changes if c.user_id} | {s.user_id for s in ([screening] if screening else [])})))})


def _hire_form(application: Application) -> forms.HireForm:
    form = forms.HireForm()
    if not form.login.data:
        form.login.data = suggested_login(db.session, application)
    return form


def _back(application_id: int) -> Any:
    return redirect(url_for("recruitment.application", application_id=application_id))


def _run(application_id: int, action: Any, success: Any) -> Any:
    """Run a service call for a button; refusals flash and nothing is saved. ``success`` is the message, or a
    function of the call's result that makes it."""
    try:
        result = action()
    except RecruitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(application_id)
    db.session.commit()
    flash(success if not callable(success) else success(result), "success")
    return _back(application_id)


@bp.post("/applications/<int:application_id>/screen")
@require(APP_MANAGE)
def screen_application(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.ScreeningForm()
    form.decision.choices = [(k, str(v)) for k, v in SCREENING_LABELS.items()]
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return _back(application_id)
    met = {r.id: request.form.get(f"met_{r.id}") == "y" for r in application.requisition.requirements}
    return _run(application_id, lambda: screen(db.session, application, current_user, form.decision.data, met,
                                               form.reason.data, skip_test=form.skip_test.data,
                                               expected_version=whole_number(form.version.data)),
                _("Screening recorded."))


@bp.post("/applications/<int:application_id>/advance")
@require(APP_MANAGE)
def advance_application(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.ActionForm()
    form.validate_on_submit()
    skip = request.form.get("skip_test") == "y"
    return _run(application_id, lambda: stages.advance(db.session, application, current_user, skip_test=skip,
                                                       expected_version=whole_number(form.version.data)),
                lambda stage: _("Moved to %(stage)s.", stage=STAGE_LABELS[stage]))


@bp.post("/applications/<int:application_id>/reject")
@require(APP_MANAGE)
def reject_application(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.ActionForm()
    form.validate_on_submit()
    return _run(application_id, lambda: stages.reject(db.session, application, current_user, form.note.data or "",
                                                      expected_version=whole_number(form.version.data)),
                lambda sent: _("Application rejected; the candidate was sent a polite e-mail.") if sent
                else _("Application rejected (the candidate has no e-mail address to write to)."))


@bp.post("/applications/<int:application_id>/withdraw")
@require(APP_MANAGE)
def withdraw_application(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.ActionForm()
    form.validate_on_submit()
    return _run(application_id, lambda: stages.withdraw(db.session, application, current_user, form.note.data),
                _("Marked as withdrawn by the candidate."))


@bp.post("/applications/<int:application_id>/reopen")
@require(APP_MANAGE)
def reopen_application(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    forms.ActionForm().validate_on_submit()
    return _run(application_id, lambda: stages.reopen(db.session, application, current_user),
                _("Application reopened."))


@bp.post("/applications/<int:application_id>/merge/<int:other_id>")
@require(APP_MANAGE)
def merge_candidate(application_id: int, other_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    forms.ActionForm().validate_on_submit()
    other = db.session.get(Candidate, other_id)
    if other is None or other.anonymised_at is not None:
        flash(_("This candidate no longer exists."), "error")
        return _back(application_id)
    return _run(application_id, lambda: candidates.merge_candidates(db.session, application.candidate, other),
                _("Candidates merged: one person, all their applications."))
