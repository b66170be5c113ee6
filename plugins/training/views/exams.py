"""Exams (R3.2.4): setting one up from the question bank, taking it within its time limit, the result, grading
short answers, allowing another attempt, the certificate PDF."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.auth.redirects import safe_next
from core.extensions import db
from core.pdf import FontNotFoundError
from core.security import get_scoped_or_404, require
from core.web.listing import ListQuery
from core.web.params import whole_number
from plugins.training import forms
from plugins.training.models import (
    BankQuestion,
    ExamAnswer,
    ExamAttempt,
    TrainingCertificate,
    TrainingCourse,
    TrainingExam,
)
from plugins.training.permissions import COURSE_MANAGE, COURSE_VIEW, EXAM_GRADE, RECORD_VIEW
from plugins.training.services import TrainingError
from plugins.training.services import exams as service
from plugins.training.views.common import bp, get_or_404, may, now


@bp.route("/courses/<int:course_id>/exams/new", methods=["GET", "POST"])
@require(COURSE_MANAGE)
def new_exam(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    form = forms.ExamForm()
    bank = list(db.session.scalars(select(BankQuestion).where(BankQuestion.course_id == course.id,
                                                              BankQuestion.archived.is_(False))
                                   .order_by(BankQuestion.id)))
    form.question_ids.choices = [(str(q.id), q.text[:120]) for q in bank]
    if request.method == "GET":
        form.question_ids.data = [str(q.id) for q in bank]
    if form.validate_on_submit():
        ids = [i for i in (whole_number(v, minimum=1) for v in form.question_ids.data or []) if i]
        try:
            exam = service.create_exam(db.session, course, title=form.title.data,
                                       time_limit_minutes=form.time_limit_minutes.data, pass_mark=form.pass_mark.data,
                                       max_attempts=form.max_attempts.data, question_ids=ids)
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Exam created."), "success")
            return redirect(url_for("training.exam", exam_id=exam.id))
    return render_template("training/form.html", form=form, title=_("New exam"), subtitle=course.title,
                           back=url_for("training.course", course_id=course.id),
                           hint=None if bank else _("The question bank of this course is empty: add questions first.")), \
        422 if form.errors else 200


@bp.get("/exams/<int:exam_id>")
@require(COURSE_VIEW)
def exam(exam_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingExam, exam_id)
    attempts = service.attempts_of(db.session, item.id, current_user.id)
    allowed = service.attempts_allowed(db.session, item, current_user.id)
    return render_template("training/exam.html", exam=item, attempts=attempts, allowed=allowed,
                           passed=any(a.passed for a in attempts), grading=may(EXAM_GRADE))


@bp.post("/exams/<int:exam_id>/start")
@require(COURSE_VIEW)
def start_exam(exam_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingExam, exam_id)
    try:
        attempt = service.start(db.session, item, current_user)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("training.exam", exam_id=exam_id))
    db.session.commit()
    return redirect(url_for("training.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@require(RECORD_VIEW)
def attempt(attempt_id: int):  # type: ignore[no-untyped-def]
    item = get_scoped_or_404(ExamAttempt, attempt_id, RECORD_VIEW)
    taking = item.state == "open" and item.user_id == current_user.id
    certificate = db.session.scalar(select(TrainingCertificate).where(TrainingCertificate.attempt_id == item.id))
    grader = may(EXAM_GRADE)
    return render_template("training/attempt.html", attempt=item, taking=taking, now=now(),
                           certificate=certificate, has_grading=grader, show_key=grader,
                           remaining=max(int((item.deadline_at - now()).total_seconds()), 0))


@bp.post("/attempts/<int:attempt_id>/submit")
@require(COURSE_VIEW)
def submit_attempt(attempt_id: int):  # type: ignore[no-untyped-def]
    item = db.session.get(ExamAttempt, attempt_id)
    if item is None or item.user_id != current_user.id:
        abort(404)
    answers: dict[int, object] = {}
    for question in item.exam.questions:
        key = f"q-{question.id}"
        if question.kind == "short":
            answers[question.id] = request.form.get(key, "")
        else:
            answers[question.id] = request.form.getlist(key)
    late = now() > item.deadline_at + service.GRACE
    if not service.submit(db.session, item, answers):
        db.session.rollback()
        flash(_("This attempt was submitted already; it counts once."), "warning")
        return redirect(url_for("training.attempt", attempt_id=attempt_id))
    db.session.commit()
    if late:
        flash(_("Submitted after the time limit: your answers are kept, but the attempt does not pass."), "warning")
    elif item.state == "submitted":
        flash(_("Submitted. The trainer grades the short answers; you will be told the result."), "success")
    else:
        flash(_("Submitted."), "success")
    return redirect(url_for("training.attempt", attempt_id=attempt_id))


@bp.get("/grading")
@require(EXAM_GRADE)
def grading():  # type: ignore[no-untyped-def]
    listing = ListQuery(select(ExamAttempt).where(ExamAttempt.state == "submitted"),
                        sorts={"submitted": ExamAttempt.submitted_at}, default_sort="submitted", per_page=25)
    return render_template("training/grading.html", page=listing.page())


@bp.post("/answers/<int:answer_id>/grade")
@require(EXAM_GRADE)
def grade(answer_id: int):  # type: ignore[no-untyped-def]
    answer = get_or_404(ExamAnswer, answer_id)
    form = forms.GradeForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.points.errors) or _("Enter the points."), "error")
    else:
        try:
            service.grade_answer(db.session, answer, form.points.data)
        except TrainingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Points saved."), "success")
    return redirect(url_for("training.attempt", attempt_id=answer.attempt_id))


@bp.post("/exams/<int:exam_id>/allow")
@require(EXAM_GRADE)
def allow_attempt(exam_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingExam, exam_id)
    user_id = whole_number(request.form.get("user_id"), minimum=1)
    from core.identity.models import User

    person = db.session.get(User, user_id or 0)
    if person is None:
        abort(404)
    service.allow_more(db.session, item, person.id)
    db.session.commit()
    flash(_("%(name)s may take the exam once more.", name=person.name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("training.exam", exam_id=exam_id)))


@bp.get("/certificates/<int:certificate_id>.pdf")
@require(RECORD_VIEW)
def certificate_pdf(certificate_id: int):  # type: ignore[no-untyped-def]
    from plugins.training.pdf import certificate_pdf as render

    certificate = get_scoped_or_404(TrainingCertificate, certificate_id, RECORD_VIEW)
    try:
        data = render(certificate)
    except FontNotFoundError:
        flash(_("The certificate cannot be printed on this server (no Chinese font installed)."), "error")
        return redirect(url_for("training.my_training"))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename={certificate.number}.pdf"
    return response
