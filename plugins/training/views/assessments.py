"""Practical assessments (R3.2.4): the trainer scores someone on the course's rubric; the person, their
supervisor and whoever may see their records read the result."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.identity.models import User
from core.security import can, get_scoped_or_404, require
from plugins.training.models import PracticalAssessment, TrainingCourse
from plugins.training.permissions import COURSE_VIEW, EXAM_GRADE, RECORD_VIEW
from plugins.training.services import TrainingError
from plugins.training.services import assessments as service
from plugins.training.views.common import bp, everyone_choices, get_or_404


def may_assess(course: TrainingCourse) -> bool:
    """The course's trainer, or whoever grades exams."""
    return course.trainer_id == current_user.id or can(current_user, EXAM_GRADE)


@bp.route("/courses/<int:course_id>/assess", methods=["GET", "POST"])
@require(COURSE_VIEW)
def assess(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    if not may_assess(course):
        abort(403)
    try:
        criteria = service.parse_rubric(course.rubric)
    except TrainingError:
        criteria = []
    error, status = None, 200
    if request.method == "POST":
        person = db.session.get(User, _person_id())
        if person is None:
            error = _("Choose the person assessed.")
        else:
            points = {name: request.form.get(f"c-{index}", "") for index, (name, _most) in enumerate(criteria)}
            try:
                assessment = service.record(db.session, course, person, current_user, points,
                                            request.form.get("note"))
            except TrainingError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                db.session.commit()
                flash(_("Assessment saved: %(score)s%%.", score=assessment.total), "success")
                return redirect(url_for("training.assessment", assessment_id=assessment.id))
        status = 422
    return render_template("training/assess.html", course=course, criteria=criteria, people=everyone_choices(),
                           error=error, form=request.form), status


def _person_id() -> int:
    from core.web.params import record_id

    return record_id(request.form.get("user_id")) or 0


@bp.get("/assessments/<int:assessment_id>")
@require(RECORD_VIEW)
def assessment(assessment_id: int):  # type: ignore[no-untyped-def]
    item = get_scoped_or_404(PracticalAssessment, assessment_id, RECORD_VIEW)
    return render_template("training/assessment.html", item=item)
