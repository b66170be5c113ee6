"""Onboarding (R3.2.1) for supervisors and HR: the team's progress, the programme of each position, assigning a
course (or the programme) to someone by hand."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import POSITIONS, User
from core.identity.positions import POSITION_LABELS
from core.security import require, scoped
from core.timeutil import local_today
from core.web.listing import Filter, ListQuery
from plugins.training import forms
from plugins.training.labels import SOURCE_LABELS
from plugins.training.models import OnboardingProgramme, TrainingAssignment, TrainingCourse
from plugins.training.permissions import ONBOARDING_MANAGE, RECORD_VIEW
from plugins.training.services import TrainingError
from plugins.training.services.assignments import assign
from plugins.training.services.courses import course_choices
from plugins.training.services.onboarding import (
    ProgressRow,
    progress_select,
    set_programme,
    start_onboarding,
)
from plugins.training.views.common import bp, everyone_choices, may

STATUS_CHOICES = [("open", _l("In progress")), ("overdue", _l("With overdue modules")), ("done", _l("Finished"))]


def progress_listing(user: object) -> ListQuery:
    stmt = scoped(progress_select(local_today()), TrainingAssignment, RECORD_VIEW, user)
    status = request.args.get("status")
    if status == "open":
        stmt = stmt.where(TrainingAssignment.completed_at.is_(None))
    elif status == "done":
        stmt = stmt.where(TrainingAssignment.completed_at.is_not(None))
    elif status == "overdue":
        stmt = stmt.where(TrainingAssignment.completed_at.is_(None), stmt.selected_columns.overdue > 0)
    return ListQuery(stmt, sorts={"name": User.name, "start": TrainingAssignment.base_date,
                                  "course": TrainingCourse.title},
                     default_sort="-start", search=[User.name, TrainingCourse.title],
                     filters=[Filter.choice("source", _l("From"), TrainingAssignment.source,
                                            list(SOURCE_LABELS.items()))],
                     per_page=25)


@bp.get("/team")
@require(RECORD_VIEW)
def team():  # type: ignore[no-untyped-def]
    """The progress of everyone in the user's scope: one row per assignment, a fixed number of statements."""
    page = progress_listing(current_user).page()
    rows = [ProgressRow(*row) for row in page.items]
    return render_template("training/team.html", page=page, rows=rows, today=local_today(),
                           status=request.args.get("status", ""), status_choices=STATUS_CHOICES,
                           assigning=may(ONBOARDING_MANAGE))


@bp.route("/programmes", methods=["GET", "POST"])
@require(ONBOARDING_MANAGE)
def programmes():  # type: ignore[no-untyped-def]
    choices = [("", _("(no onboarding)"))] + [(str(i), t) for i, t in course_choices(db.session, "onboarding")]
    if request.method == "POST":
        form = forms.ProgrammeForm()
        form.course_id.choices = choices
        if form.validate_on_submit() and form.position.data in POSITIONS:
            try:
                set_programme(db.session, form.position.data, forms.optional_id(form.course_id.data))
            except TrainingError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Programme saved."), "success")
        else:
            flash(_("Choose a position and a course."), "error")
        return redirect(url_for("training.programmes"))
    current = {p.position: p.course_id for p in db.session.scalars(select(OnboardingProgramme))}
    rows = []
    for position in POSITIONS:
        form = forms.ProgrammeForm(prefix=position, formdata=None, position=position,
                                   course_id=str(current.get(position) or ""))
        form.course_id.choices = choices
        rows.append((position, POSITION_LABELS[position], form))
    assign_form = forms.AssignForm()
    assign_form.user_id.choices = everyone_choices()
    assign_form.course_id.choices = [("programme", _("The onboarding programme of their position"))] + \
        [(str(i), t) for i, t in course_choices(db.session)]
    return render_template("training/programmes.html", rows=rows, assign_form=assign_form)


@bp.post("/assign")
@require(ONBOARDING_MANAGE)
def assign_course():  # type: ignore[no-untyped-def]
    """HR assigns a course, or starts the onboarding programme of someone (e.g. a user created by hand)."""
    form = forms.AssignForm()
    form.user_id.choices = everyone_choices()
    form.course_id.choices = []
    person = db.session.get(User, forms.optional_id(form.user_id.data) or 0)
    if not form.validate_on_submit() or person is None or not person.active:
        flash(_("Choose a person and a course."), "error")
        return redirect(url_for("training.programmes"))
    if form.course_id.data == "programme":
        started = start_onboarding(db.session, person, by=current_user)
        if started is None:
            flash(_("%(name)s is onboarding already, or their position has no programme.", name=person.name),
                  "warning")
        else:
            db.session.commit()
            flash(_("Onboarding started for %(name)s.", name=person.name), "success")
        return redirect(url_for("training.programmes"))
    course = db.session.get(TrainingCourse, forms.optional_id(form.course_id.data) or 0)
    if course is None:
        flash(_("Choose a person and a course."), "error")
        return redirect(url_for("training.programmes"))
    try:
        assign(db.session, person, course, by=current_user, due_date=form.due_date.data)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("%(course)s assigned to %(name)s.", course=course.title, name=person.name), "success")
    return redirect(url_for("training.programmes"))
