"""The course catalogue: list, course page (modules, material, sessions, exams, feedback), editing, archiving,
the question bank."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.attachments.services import AttachmentError, attach, attachments_for
from core.extensions import db
from core.identity.positions import POSITION_LABELS, position_choices
from core.security import require
from core.web.listing import Filter, ListQuery
from plugins.training import forms
from plugins.training.labels import KIND_LABELS
from plugins.training.models import (
    BankQuestion,
    TrainingCourse,
    TrainingExam,
    TrainingFeedback,
    TrainingModule,
    TrainingSession,
)
from plugins.training.permissions import (
    COURSE_MANAGE,
    COURSE_VIEW,
    EXAM_GRADE,
    ONBOARDING_MANAGE,
    SESSION_MANAGE,
)
from plugins.training.services import TrainingError
from plugins.training.services import courses as service
from plugins.training.services.exams import save_question
from plugins.training.views.common import bp, everyone_choices, get_or_404, may, now


def course_listing(show_archived: bool) -> ListQuery:
    stmt = select(TrainingCourse)
    if not show_archived:
        stmt = stmt.where(TrainingCourse.archived.is_(False))
    return ListQuery(stmt, sorts={"title": TrainingCourse.title, "kind": TrainingCourse.kind,
                                  "created": TrainingCourse.created_at},
                     default_sort="title", search=[TrainingCourse.title],
                     filters=[Filter.choice("kind", _l("Kind"), TrainingCourse.kind, list(KIND_LABELS.items()))],
                     per_page=25)


@bp.get("/courses")
@require(COURSE_VIEW)
def courses():  # type: ignore[no-untyped-def]
    show_archived = may(COURSE_MANAGE) and request.args.get("archived") == "1"
    return render_template("training/courses.html", page=course_listing(show_archived).page(),
                           show_archived=show_archived, managing=may(COURSE_MANAGE))


def _fill_course_form(form: forms.CourseForm) -> None:
    form.trainer_id.choices = [("", _("(none)"))] + everyone_choices()
    form.mandatory_positions.choices = position_choices()


def _save_course(form: forms.CourseForm, course: TrainingCourse | None) -> TrainingCourse | None:
    if form.trainer_id.data and forms.optional_id(form.trainer_id.data) is None:
        form.trainer_id.errors = [_("This person does not exist.")]
        return None
    try:
        saved = service.save_course(
            db.session, current_user, course, title=form.title.data, kind=form.kind.data,
            description=form.description.data, duration_hours=form.duration_hours.data or 0,
            trainer_id=forms.optional_id(form.trainer_id.data), trainer_name=form.trainer_name.data,
            mandatory_positions=form.mandatory_positions.data or [], rubric=form.rubric.data)
    except TrainingError as exc:
        db.session.rollback()
        forms.attach_error(form, exc)
        return None
    db.session.commit()
    return saved


@bp.route("/courses/new", methods=["GET", "POST"])
@require(COURSE_MANAGE)
def new_course():  # type: ignore[no-untyped-def]
    form = forms.CourseForm()
    _fill_course_form(form)
    if form.validate_on_submit():
        course = _save_course(form, None)
        if course is not None:
            flash(_("Course %(title)s created.", title=course.title), "success")
            return redirect(url_for("training.course", course_id=course.id))
    return render_template("training/form.html", form=form, title=_("New course"),
                           back=url_for("training.courses")), 422 if form.errors else 200


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@require(COURSE_MANAGE)
def edit_course(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    form = forms.CourseForm(obj=course)
    _fill_course_form(form)
    if request.method == "GET":
        form.trainer_id.data = str(course.trainer_id or "")
        form.mandatory_positions.data = course.positions
    if form.validate_on_submit() and _save_course(form, course) is not None:
        flash(_("Course saved."), "success")
        return redirect(url_for("training.course", course_id=course.id))
    return render_template("training/form.html", form=form, title=_("Edit course"),
                           back=url_for("training.course", course_id=course.id)), 422 if form.errors else 200


@bp.get("/courses/<int:course_id>")
@require(COURSE_VIEW)
def course(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    modules = list(course.modules)
    material = {m.id: attachments_for(m) for m in modules}
    sessions = list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.course_id == course.id, TrainingSession.starts_at >= now(),
        TrainingSession.cancelled.is_(False)).order_by(TrainingSession.starts_at).limit(10)))
    exams = list(db.session.scalars(select(TrainingExam).where(TrainingExam.course_id == course.id,
                                                              TrainingExam.archived.is_(False))))
    rating = db.session.execute(select(func.avg(TrainingFeedback.rating), func.count(TrainingFeedback.id))
                                .where(TrainingFeedback.course_id == course.id)).one()
    given = db.session.scalar(select(TrainingFeedback.id).where(TrainingFeedback.course_id == course.id,
                                                                TrainingFeedback.user_id == current_user.id))
    return render_template("training/course.html", course=course, modules=modules, material=material,
                           sessions=sessions, exams=exams, rating=rating, feedback_given=given is not None,
                           feedback_form=forms.FeedbackForm(), managing=may(COURSE_MANAGE),
                           in_use=service.is_in_use(db.session, course) if may(COURSE_MANAGE) else True,
                           material_form=forms.MaterialForm(), planning=may(SESSION_MANAGE),
                           assessing=course.trainer_id == current_user.id or may(EXAM_GRADE),
                           assigning=may(ONBOARDING_MANAGE) and bool(course.positions) and not course.archived,
                           positions=", ".join(str(POSITION_LABELS[p]) for p in course.positions if p in POSITION_LABELS))


@bp.post("/courses/<int:course_id>/archive")
@require(COURSE_MANAGE)
def archive_course(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    if request.form.get("restore") == "1":
        service.restore_course(db.session, course)
        flash(_("Course restored to the catalogue."), "success")
    else:
        service.archive_course(db.session, course)
        flash(_("Course archived: it is out of the catalogue; records of it are kept."), "success")
    db.session.commit()
    return redirect(url_for("training.course", course_id=course.id))


@bp.post("/courses/<int:course_id>/assign-mandatory")
@require(ONBOARDING_MANAGE)
def assign_mandatory(course_id: int):  # type: ignore[no-untyped-def]
    """HR assigns the course to everyone of the positions it is mandatory for who does not have it yet."""
    from plugins.training.services.assignments import assign_to_mandatory_positions

    course = get_or_404(TrainingCourse, course_id)
    try:
        count = assign_to_mandatory_positions(db.session, course, current_user)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Assigned to %(n)s people.", n=count), "success")
    return redirect(url_for("training.course", course_id=course.id))


@bp.post("/courses/<int:course_id>/delete")
@require(COURSE_MANAGE)
def delete_course(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    try:
        service.delete_course(db.session, course)
        db.session.commit()
    except (TrainingError, IntegrityError) as exc:
        db.session.rollback()
        message = str(exc) if isinstance(exc, TrainingError) else _("This course is in use: archive it instead.")
        flash(message, "error")
        return redirect(url_for("training.course", course_id=course_id))
    flash(_("Course deleted."), "success")
    return redirect(url_for("training.courses"))


def _module_page(form: forms.ModuleForm, course: TrainingCourse, module: TrainingModule | None) -> Any:
    if form.validate_on_submit():
        try:
            service.save_module(db.session, course, module, title=form.title.data, body=form.body.data,
                                link_url=form.link_url.data, due_day=form.due_day.data or 0)
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Module saved."), "success")
            return redirect(url_for("training.course", course_id=course.id))
    title = _("New module") if module is None else _("Edit module")
    return render_template("training/form.html", form=form, title=title, subtitle=course.title,
                           back=url_for("training.course", course_id=course.id)), 422 if form.errors else 200


@bp.route("/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@require(COURSE_MANAGE)
def new_module(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    return _module_page(forms.ModuleForm(), course, None)


@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@require(COURSE_MANAGE)
def edit_module(module_id: int):  # type: ignore[no-untyped-def]
    module = get_or_404(TrainingModule, module_id)
    return _module_page(forms.ModuleForm(obj=module), module.course, module)


@bp.post("/modules/<int:module_id>/material")
@require(COURSE_MANAGE)
def upload_material(module_id: int):  # type: ignore[no-untyped-def]
    """Course material through the core attachments service (size and type limits, stored outside the web root)."""
    module = get_or_404(TrainingModule, module_id)
    try:
        attachment = attach(module, request.files.get("file"), current_user)
    except AttachmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Attached %(name)s.", name=attachment.filename), "success")
    return redirect(url_for("training.course", course_id=module.course_id) + f"#module-{module.id}")


@bp.post("/courses/<int:course_id>/feedback")
@require(COURSE_VIEW)
def feedback(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    form = forms.FeedbackForm()
    if not form.validate_on_submit():
        flash(_("Choose how useful the course was."), "error")
        return redirect(url_for("training.course", course_id=course.id) + "#feedback")
    db.session.add(TrainingFeedback(course_id=course.id, user_id=current_user.id, rating=int(form.rating.data),
                                    useful=(form.useful.data or "").strip() or None,
                                    improve=(form.improve.data or "").strip() or None))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(_("You gave your feedback on this course already."), "warning")
    else:
        flash(_("Thank you for your feedback."), "success")
    return redirect(url_for("training.course", course_id=course.id))


def _parse_options(text: str | None) -> tuple[list[str], list[int]]:
    options, correct = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("*"):
            correct.append(len(options))
            line = line[1:].strip()
        options.append(line)
    return options, correct


@bp.route("/courses/<int:course_id>/questions", methods=["GET", "POST"])
@require(COURSE_MANAGE)
def questions(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    form = forms.QuestionForm()
    if form.validate_on_submit():
        options, correct = _parse_options(form.options.data)
        try:
            save_question(db.session, course, kind=form.kind.data, text=form.text.data, options=options,
                          correct=correct, points=form.points.data)
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc, default="options")
        else:
            db.session.commit()
            flash(_("Question added to the bank."), "success")
            return redirect(url_for("training.questions", course_id=course.id))
    bank = list(db.session.scalars(select(BankQuestion).where(BankQuestion.course_id == course.id,
                                                              BankQuestion.archived.is_(False))
                                   .order_by(BankQuestion.id)))
    return render_template("training/questions.html", course=course, bank=bank, form=form), \
        422 if form.errors else 200


@bp.post("/questions/<int:question_id>/archive")
@require(COURSE_MANAGE)
def archive_question(question_id: int):  # type: ignore[no-untyped-def]
    question = get_or_404(BankQuestion, question_id)
    question.archived = True
    db.session.commit()
    flash(_("Question removed from the bank; exams that used it keep it."), "success")
    return redirect(url_for("training.questions", course_id=question.course_id))
