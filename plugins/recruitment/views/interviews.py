"""Interviews: HR schedules rounds and decides them; interviewers see their own rounds only, fill their scorecard
and download the candidate's CV from there (the scorecard is their access, not a grant on applications)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from plugins.recruitment import forms
from plugins.recruitment.models import Application, Interview
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services import interviews as service
from plugins.recruitment.views.applications import _back, _run, people_choices
from plugins.recruitment.views.common import APP_MANAGE, INTERVIEW, application_or_404, bp


@bp.post("/applications/<int:application_id>/interviews")
@require(APP_MANAGE)
def schedule_interview(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.InterviewForm()
    form.interviewer_ids.choices = people_choices()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or
              _("The form expired. Please try again."), "error")
        return _back(application_id)
    from core.timeutil import local_to_utc

    when = local_to_utc(form.scheduled_at.data) if form.scheduled_at.data else None
    return _run(application_id, lambda: service.schedule(db.session, application, current_user,
                                                         form.interviewer_ids.data or [], when, form.location.data),
                lambda interview: _("Round %(n)d scheduled; the interviewers see it under My interviews.",
                                    n=interview.round))


@bp.post("/interviews/<int:interview_id>/decide")
@require(APP_MANAGE)
def decide_interview(interview_id: int):  # type: ignore[no-untyped-def]
    interview = db.session.get(Interview, interview_id) or abort(404)
    application = application_or_404(interview.application_id, APP_MANAGE)
    form = forms.ActionForm()
    form.validate_on_submit()
    decision = request.form.get("decision", "")

    def run() -> None:
        service.decide(db.session, interview, current_user, decision, form.note.data)
        if decision == "pass":
            service.to_background_check(db.session, application, current_user)

    return _run(application.id, run, _("Round decided."))


def _my_interview_or_404(interview_id: int) -> tuple[Interview, Application]:
    """The round, only for one of its interviewers (404 for anyone else: nothing is revealed)."""
    interview = db.session.get(Interview, interview_id)
    if interview is None or service.scorecard_for(db.session, interview, current_user) is None:
        abort(404)
    return interview, db.session.get(Application, interview.application_id)


@bp.get("/interviews")
@require(INTERVIEW)
def my_interviews():  # type: ignore[no-untyped-def]
    from core.web.listing import ListQuery
    from plugins.recruitment.models import Scorecard

    listing = ListQuery(service.my_interviews_statement(current_user),
                        sorts={"when": Interview.scheduled_at, "filled": Scorecard.submitted_at},
                        default_sort="-when")
    return render_template("recruitment/my_interviews.html", page=listing.page())


@bp.route("/interviews/<int:interview_id>", methods=["GET", "POST"])
@require(INTERVIEW)
def scorecard(interview_id: int):  # type: ignore[no-untyped-def]
    interview, application = _my_interview_or_404(interview_id)
    card = service.scorecard_for(db.session, interview, current_user)
    form = forms.ActionForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        scores = {r.id: _mark(request.form.get(f"r{r.id}")) for r in application.requisition.requirements}
        try:
            service.submit_scorecard(db.session, interview, current_user, scores,
                                     _mark(request.form.get("overall")), request.form.get("recommendation", ""),
                                     request.form.get("comments"))
        except RecruitmentError as exc:
            db.session.rollback()
            errors[exc.field or "form"] = str(exc)
        else:
            db.session.commit()
            flash(_("Scorecard saved."), "success")
            return redirect(url_for("recruitment.my_interviews"))
    return render_template("recruitment/scorecard.html", interview=interview, application=application,
                           candidate=application.candidate, card=card, form=form, errors=errors,
                           values=request.form if request.method == "POST" else None), 422 if errors else 200


def _mark(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) == 1 else None


@bp.get("/interviews/<int:interview_id>/cv")
@require(INTERVIEW)
def interview_cv(interview_id: int):  # type: ignore[no-untyped-def]
    from core.attachments.models import Attachment
    from core.attachments.services import open_attachment

    _interview, application = _my_interview_or_404(interview_id)
    attachment = db.session.get(Attachment, application.cv_attachment_id) if application.cv_attachment_id else None
    if attachment is None:
        abort(404)
    try:
        path = open_attachment(attachment)
    except FileNotFoundError:
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
