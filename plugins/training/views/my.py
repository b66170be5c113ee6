"""The person's own training: the onboarding checklist and other assignments, sessions, exams, certificates,
hours of the year; ticking a checklist line; the calendar file of their sessions."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.security import require
from core.timeutil import local_midnight_utc, local_today
from plugins.training.models import (
    ExamAttempt,
    PracticalAssessment,
    TrainingAssignment,
    TrainingCertificate,
    TrainingEnrolment,
    TrainingExam,
    TrainingSession,
    TrainingStep,
)
from plugins.training.permissions import COURSE_VIEW
from plugins.training.services import TrainingError
from plugins.training.services.assignments import set_step_done
from plugins.training.services.calendar import ics
from plugins.training.services.sessions import hours_by_person, required_hours
from plugins.training.views.common import bp, now


@bp.get("/my")
@require(COURSE_VIEW)
def my_training():  # type: ignore[no-untyped-def]
    assignments = list(db.session.scalars(
        select(TrainingAssignment).where(TrainingAssignment.user_id == current_user.id,
                                         TrainingAssignment.cancelled.is_(False))
        .options(selectinload(TrainingAssignment.steps))
        .order_by(TrainingAssignment.completed_at.is_not(None), TrainingAssignment.assigned_at.desc())))
    enrolments = list(db.session.scalars(
        select(TrainingEnrolment).where(TrainingEnrolment.user_id == current_user.id,
                                        TrainingEnrolment.state != "cancelled")
        .order_by(TrainingEnrolment.session_starts_at.desc()).limit(50)))
    course_ids = [a.course_id for a in assignments]
    exams = list(db.session.scalars(select(TrainingExam).where(TrainingExam.course_id.in_(course_ids or [-1]),
                                                              TrainingExam.archived.is_(False))))
    attempts = list(db.session.scalars(select(ExamAttempt).where(ExamAttempt.user_id == current_user.id)
                                       .order_by(ExamAttempt.started_at.desc()).limit(50)))
    assessments = list(db.session.scalars(select(PracticalAssessment).where(
        PracticalAssessment.user_id == current_user.id).order_by(PracticalAssessment.assessed_at.desc()).limit(50)))
    certificates = list(db.session.scalars(select(TrainingCertificate).where(
        TrainingCertificate.user_id == current_user.id).order_by(TrainingCertificate.issued_at.desc())))
    year = local_today().year
    hours = hours_by_person(db.session, [current_user.id], local_midnight_utc(date(year, 1, 1)),
                            local_midnight_utc(date(year + 1, 1, 1)))[current_user.id]
    return render_template("training/my.html", assignments=assignments, enrolments=enrolments, exams=exams,
                           attempts=attempts, certificates=certificates, assessments=assessments, year=year, hours=hours,
                           required=required_hours(), today=local_today(), now=now())


@bp.post("/steps/<int:step_id>")
@require(COURSE_VIEW)
def tick_step(step_id: int):  # type: ignore[no-untyped-def]
    step = db.session.get(TrainingStep, step_id)
    if step is None or step.assignment.user_id != current_user.id:
        abort(404)
    try:
        set_step_done(db.session, current_user, step, done=request.form.get("done") != "0")
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if step.assignment.completed_at is not None:
            flash(_("Well done: you finished %(course)s.", course=step.assignment.course.title), "success")
    return redirect(url_for("training.my_training") + f"#assignment-{step.assignment_id}")


@bp.get("/my/sessions.ics")
@require(COURSE_VIEW)
def my_calendar():  # type: ignore[no-untyped-def]
    """The person's sessions (enrolled, from a year back) as an iCalendar file."""
    sessions = list(db.session.scalars(
        select(TrainingSession).join(TrainingEnrolment, TrainingEnrolment.session_id == TrainingSession.id)
        .where(TrainingEnrolment.user_id == current_user.id, TrainingEnrolment.state == "enrolled",
               TrainingSession.starts_at >= local_midnight_utc(date(local_today().year - 1, 1, 1)))
        .order_by(TrainingSession.starts_at)))
    body = ics(sessions, request.host.split(":")[0] or "netsales", now(), _("Training"))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "attachment; filename=training.ics"
    response.headers["Cache-Control"] = "private, no-store"
    return response
