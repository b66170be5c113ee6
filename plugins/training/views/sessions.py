"""Periodic training (R3.2.2): the plan of sessions, a session's page (enrolment, waiting list, attendance),
planning a session, hours per person against the yearly minimum."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.identity.positions import position_choices
from core.security import require, scope_for, team_condition
from core.timeutil import local_midnight_utc, local_today
from core.web.listing import ListQuery
from core.web.params import whole_number
from plugins.training import forms
from plugins.training.labels import ATTENDANCE_LABELS
from plugins.training.models import ATTENDANCE, TrainingCourse, TrainingEnrolment, TrainingSession
from plugins.training.permissions import COURSE_VIEW, RECORD_VIEW, SESSION_MANAGE
from plugins.training.services import TrainingError
from plugins.training.services import sessions as service
from plugins.training.views.common import bp, everyone_choices, get_or_404, may, now, to_local, to_utc


def session_listing(past: bool) -> ListQuery:
    stmt = select(TrainingSession).join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
    stmt = stmt.where(TrainingSession.starts_at < now()) if past else stmt.where(TrainingSession.starts_at >= now())
    return ListQuery(stmt, sorts={"starts": TrainingSession.starts_at, "course": TrainingCourse.title},
                     default_sort="-starts" if past else "starts", search=[TrainingCourse.title, TrainingSession.place],
                     per_page=25)


@bp.get("/sessions")
@require(COURSE_VIEW)
def sessions():  # type: ignore[no-untyped-def]
    past = request.args.get("when") == "past"
    page = session_listing(past).page()
    mine = {e.session_id: e for e in db.session.scalars(select(TrainingEnrolment).where(
        TrainingEnrolment.user_id == current_user.id,
        TrainingEnrolment.session_id.in_([s.id for s in page.items] or [-1])))}
    return render_template("training/sessions.html", page=page, past=past, mine=mine,
                           planning=may(SESSION_MANAGE))


@bp.get("/sessions/<int:session_id>")
@require(COURSE_VIEW)
def session(session_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingSession, session_id)
    mine = service.enrolment_of(db.session, item.id, current_user.id)
    taking = service.may_take_attendance(current_user, item)
    enrolments = []
    if taking:
        enrolments = list(db.session.scalars(select(TrainingEnrolment).join(User, User.id == TrainingEnrolment.user_id)
                                             .where(TrainingEnrolment.session_id == item.id,
                                                    TrainingEnrolment.state != "cancelled")
                                             .order_by(TrainingEnrolment.state, TrainingEnrolment.enrolled_at)))
    return render_template("training/session.html", item=item, mine=mine, taking=taking, enrolments=enrolments,
                           started=item.starts_at <= now(), attendance_choices=ATTENDANCE_LABELS,
                           planning=may(SESSION_MANAGE))


def _fill_session_form(form: forms.SessionForm) -> None:
    people = everyone_choices()
    form.trainer_id.choices = [("", _("(the course's trainer)"))] + people
    form.audience_positions.choices = position_choices()
    form.audience_team_of_id.choices = [("", _("(nobody in particular)"))] + people


@bp.route("/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@require(SESSION_MANAGE)
def new_session(course_id: int):  # type: ignore[no-untyped-def]
    course = get_or_404(TrainingCourse, course_id)
    form = forms.SessionForm()
    _fill_session_form(form)
    if form.validate_on_submit():
        try:
            item = service.save_session(
                db.session, course, starts_at=to_utc(form.starts_at.data), ends_at=to_utc(form.ends_at.data),
                capacity=form.capacity.data, place=form.place.data, online_url=form.online_url.data,
                trainer_id=forms.optional_id(form.trainer_id.data), trainer_name=form.trainer_name.data,
                audience_positions=form.audience_positions.data or [],
                audience_team_of_id=forms.optional_id(form.audience_team_of_id.data))
            invited = service.invite(db.session, item)
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Session planned; %(n)s people invited.", n=invited), "success")
            return redirect(url_for("training.session", session_id=item.id))
    return render_template("training/form.html", form=form, title=_("Plan a session"), subtitle=course.title,
                           back=url_for("training.course", course_id=course.id)), 422 if form.errors else 200


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@require(SESSION_MANAGE)
def edit_session(session_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingSession, session_id)
    form = forms.SessionForm()
    _fill_session_form(form)
    if request.method == "GET":
        form.starts_at.data, form.ends_at.data = to_local(item.starts_at), to_local(item.ends_at)
        form.capacity.data, form.place.data, form.online_url.data = item.capacity, item.place, item.online_url
        form.trainer_id.data, form.trainer_name.data = str(item.trainer_id or ""), item.trainer_name
        form.audience_positions.data = [p for p in item.audience_positions.split(",") if p]
        form.audience_team_of_id.data = str(item.audience_team_of_id or "")
    if form.validate_on_submit():
        try:
            service.save_session(
                db.session, item.course, item, starts_at=to_utc(form.starts_at.data), ends_at=to_utc(form.ends_at.data),
                capacity=form.capacity.data, place=form.place.data, online_url=form.online_url.data,
                trainer_id=forms.optional_id(form.trainer_id.data), trainer_name=form.trainer_name.data,
                audience_positions=form.audience_positions.data or [],
                audience_team_of_id=forms.optional_id(form.audience_team_of_id.data))
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Session saved."), "success")
            return redirect(url_for("training.session", session_id=item.id))
    return render_template("training/form.html", form=form, title=_("Edit session"), subtitle=item.course.title,
                           back=url_for("training.session", session_id=item.id)), 422 if form.errors else 200


@bp.post("/sessions/<int:session_id>/cancel")
@require(SESSION_MANAGE)
def cancel_session(session_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingSession, session_id)
    try:
        told = service.cancel_session(db.session, item)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Session cancelled; %(n)s people told.", n=told), "success")
    return redirect(url_for("training.session", session_id=session_id))


@bp.post("/sessions/<int:session_id>/enrol")
@require(COURSE_VIEW)
def enrol(session_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingSession, session_id)
    try:
        enrolment = service.enrol(db.session, item, current_user)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if enrolment.state == "enrolled":
            flash(_("You are enrolled."), "success")
        else:
            flash(_("The session is full: you are on the waiting list and get the first free seat."), "warning")
    return redirect(url_for("training.session", session_id=session_id))


@bp.post("/sessions/<int:session_id>/leave")
@require(COURSE_VIEW)
def leave(session_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingSession, session_id)
    mine = service.enrolment_of(db.session, item.id, current_user.id)
    if mine is None or mine.state == "cancelled":
        flash(_("You are not enrolled in this session."), "warning")
        return redirect(url_for("training.session", session_id=session_id))
    try:
        service.cancel_enrolment(db.session, mine)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("You left the session."), "success")
    return redirect(url_for("training.session", session_id=session_id))


@bp.post("/sessions/<int:session_id>/attendance")
@require(COURSE_VIEW)
def attendance(session_id: int):  # type: ignore[no-untyped-def]
    item = get_or_404(TrainingSession, session_id)
    if not service.may_take_attendance(current_user, item):
        abort(403)
    marks = {}
    for key, value in request.form.items():
        if key.startswith("mark-") and value:
            enrolment_id = whole_number(key[5:], minimum=1)
            if enrolment_id is None or value not in ATTENDANCE:
                flash(_("Choose present, late, absent or excused."), "error")
                return redirect(url_for("training.session", session_id=session_id))
            marks[enrolment_id] = value
    try:
        count = service.record_attendance(db.session, current_user, item, marks)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Attendance saved for %(n)s people.", n=count), "success")
    return redirect(url_for("training.session", session_id=session_id))


def hours_listing(user: object) -> ListQuery:
    stmt = select(User.id, User.name, User.position).where(User.active)
    scope = scope_for(user, RECORD_VIEW)
    if scope == "own":
        stmt = stmt.where(User.id == user.id)  # type: ignore[attr-defined]
    elif scope == "team":
        stmt = stmt.where(team_condition(User.id, user))
    return ListQuery(stmt, sorts={"name": User.name}, default_sort="name", search=[User.name], per_page=25)


@bp.get("/hours")
@require(RECORD_VIEW)
def hours():  # type: ignore[no-untyped-def]
    """Hours per person in a year against the required minimum (R3.2.2): one page of people, one sum."""
    year = whole_number(request.args.get("year"), minimum=2000, maximum=2100) or local_today().year
    page = hours_listing(current_user).page()
    done = service.hours_by_person(db.session, [p.id for p in page.items], local_midnight_utc(date(year, 1, 1)),
                                   local_midnight_utc(date(year + 1, 1, 1)))
    return render_template("training/hours.html", page=page, done=done, year=year,
                           required=service.required_hours(), title=_l("Training hours"))
