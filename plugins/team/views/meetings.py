"""Sales meetings (R8.2.2): series, a meeting's agenda with the team's KPIs and the open items of earlier
meetings, the minutes, action items, the invitation as an iCalendar file, the minutes as PDF."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import require, team_condition, team_ids
from core.timeutil import local_today, utcnow
from plugins.team import forms
from plugins.team.models import ActionItem, Meeting, MeetingAttendee, MeetingSeries, people_without_roles
from plugins.team.services import TeamError, actions
from plugins.team.services import meetings as service
from plugins.team.services.kpi_values import definitions as kpi_definitions
from plugins.team.services.kpi_values import labels as kpi_labels
from plugins.team.views.common import bp, may, or_404, page_number

VIEW, RUN = "team.meeting.view", "team.meeting.run"
PER_PAGE = 20


def meeting_or_404(meeting_id: int) -> Meeting:
    meeting = or_404(db.session.get(Meeting, meeting_id))
    if not service.may_see(db.session, current_user, meeting):
        abort(404)
    return meeting


def series_or_404(series_id: int) -> MeetingSeries:
    series = or_404(db.session.get(MeetingSeries, series_id))
    if series.leader_id not in team_ids(current_user) and not may(service.MANAGE):
        abort(404)
    return series


@bp.get("/meetings")
@require(VIEW)
def meetings():  # type: ignore[no-untyped-def]
    page = page_number()
    rows = list(db.session.scalars(select(Meeting).where(service.visible(current_user))
                                   .options(*people_without_roles(Meeting.organizer))
                                   .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
                                   .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).unique())
    series_stmt = select(MeetingSeries).where(MeetingSeries.active)
    if not may(service.MANAGE):
        series_stmt = series_stmt.where(team_condition(MeetingSeries.leader_id, current_user))
    series = list(db.session.scalars(series_stmt.order_by(MeetingSeries.title).limit(100)).unique())
    return render_template("team/meetings.html", meetings=rows[:PER_PAGE], page=page, has_next=len(rows) > PER_PAGE,
                           series=series, may_run=may(RUN), now=utcnow())


@bp.route("/meetings/series/new", methods=["GET", "POST"])
@require(RUN)
def new_series():  # type: ignore[no-untyped-def]
    form = forms.SeriesForm()
    form.kpi_keys.choices = [(key, str(kpi.label)) for key, kpi in sorted(kpi_definitions().items())]
    if form.validate_on_submit():
        try:
            series = service.create_series(
                db.session, current_user, title=form.title.data, recurrence=form.recurrence.data, day=form.day.data,
                start_time=form.start_time.data, duration_minutes=form.duration_minutes.data,
                location=form.location.data, agenda_template=form.agenda_template.data,
                kpi_keys=[k for k in form.kpi_keys.data or [] if k in dict(form.kpi_keys.choices)])
            meeting = service.schedule_next(db.session, series, current_user)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Meeting series created; the first meeting is scheduled and the team invited."), "success")
            return redirect(url_for("team.meeting", meeting_id=meeting.id))
    return render_template("team/form.html", form=form, title=_("New meeting series"),
                           cancel_url=url_for("team.meetings"),
                           crumbs=[(_("Sales meetings"), url_for("team.meetings"))]), 422 if form.errors else 200


@bp.post("/meetings/series/<int:series_id>/schedule")
@require(RUN)
def schedule(series_id: int):  # type: ignore[no-untyped-def]
    series = series_or_404(series_id)
    try:
        meeting = service.schedule_next(db.session, series, current_user)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("team.meetings"))
    db.session.commit()
    flash(_("Next meeting scheduled and the team invited."), "success")
    return redirect(url_for("team.meeting", meeting_id=meeting.id))


def _page(meeting: Meeting, minutes_form: forms.MinutesForm | None = None,
          item_form: forms.ActionItemForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    editable = service.may_edit(current_user, meeting) and meeting.state == "scheduled"
    minutes_form = minutes_form or forms.MinutesForm(obj=meeting)
    item_form = item_form or forms.ActionItemForm()
    attendee_ids = select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == meeting.id)
    item_form.owner_id.choices = [(uid, name) for uid, name in db.session.execute(
        select(User.id, User.name).where(User.id.in_(attendee_ids), User.active).order_by(User.name))]
    attendees = list(db.session.scalars(select(User).where(User.id.in_(attendee_ids)).order_by(User.name)))
    items = list(db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                    .order_by(ActionItem.due_on, ActionItem.id)).unique())
    return render_template("team/meeting.html", meeting=meeting, editable=editable, minutes_form=minutes_form,
                           item_form=item_form, attendees=attendees, items=items,
                           earlier_items=service.open_items_before(db.session, meeting), today=local_today(),
                           kpi_labels=kpi_labels(),
                           may_complete={i.id: actions.may_complete(current_user, i) for i in items}), status


@bp.get("/meetings/<int:meeting_id>")
@require(VIEW)
def meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    return _page(meeting_or_404(meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes")
@require(VIEW)
def save_minutes(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = meeting_or_404(meeting_id)
    form = forms.MinutesForm()
    if not form.validate_on_submit():
        return _page(meeting, minutes_form=form, status=422)
    close = request.form.get("close") == "1"
    try:
        service.save_minutes(db.session, meeting, current_user, expected_version=form.version.data,
                             **{name: form[name].data for name in service.MINUTES_FIELDS})
        if close:
            told = service.close_minutes(db.session, meeting, current_user)
    except TeamError as exc:
        db.session.rollback()
        meeting = meeting_or_404(meeting_id)
        forms.attach_error(form, exc)
        return _page(meeting, minutes_form=form, status=422)
    db.session.commit()
    if close:
        flash(_("Minutes closed and sent to %(count)s attendees.", count=told), "success")
    else:
        flash(_("Minutes saved."), "success")
    return redirect(url_for("team.meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/actions")
@require(VIEW)
def add_action(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = meeting_or_404(meeting_id)
    form = forms.ActionItemForm()
    if form.validate_on_submit():
        try:
            actions.add_item(db.session, meeting, current_user, title=form.title.data, owner_id=form.owner_id.data,
                             due_on=form.due_on.data)
        except TeamError as exc:
            db.session.rollback()
            meeting = meeting_or_404(meeting_id)
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Action item added; its owner is told."), "success")
            return redirect(url_for("team.meeting", meeting_id=meeting.id) + "#actions")
    return _page(meeting, item_form=form, status=422)


@bp.post("/actions/<int:item_id>/done")
@require(VIEW)
def action_done(item_id: int):  # type: ignore[no-untyped-def]
    item = or_404(db.session.get(ActionItem, item_id))
    if not (item.owner_id == current_user.id or service.may_see(db.session, current_user, item.meeting)):
        abort(404)
    try:
        actions.complete(db.session, item, current_user)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("Action item done."), "success")
    target = request.form.get("next")
    if target == "mine":
        return redirect(url_for("team.my_actions"))
    if target == "dashboard":
        return redirect(url_for("core.dashboard"))
    return redirect(url_for("team.meeting", meeting_id=item.meeting_id) + "#actions")


@bp.get("/actions")
@require(VIEW)
def my_actions():  # type: ignore[no-untyped-def]
    page = page_number()
    rows = list(db.session.scalars(
        select(ActionItem).where(ActionItem.owner_id == current_user.id)
        .order_by((ActionItem.state == "done"), ActionItem.due_on, ActionItem.id)
        .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).unique())
    return render_template("team/my_actions.html", items=rows[:PER_PAGE], page=page, has_next=len(rows) > PER_PAGE,
                           today=local_today())


@bp.get("/meetings/<int:meeting_id>/invite.ics")
@require(VIEW)
def invitation(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = meeting_or_404(meeting_id)
    text = service.invitation_ics(meeting, service.attendees_of(db.session, meeting))
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@require(VIEW)
def minutes_pdf(meeting_id: int):  # type: ignore[no-untyped-def]
    from core.pdf import FontNotFoundError

    meeting = meeting_or_404(meeting_id)
    try:
        pdf = service.minutes_pdf(db.session, meeting)
    except FontNotFoundError:
        flash(_("PDFs cannot be printed here: no Chinese font is installed. Ask the administrator."), "danger")
        return redirect(url_for("team.meeting", meeting_id=meeting.id))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="minutes-{meeting.id}.pdf"'})
