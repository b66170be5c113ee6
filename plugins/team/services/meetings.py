"""Sales meetings (R8.2.2): recurring series with an agenda template, invitations with an iCalendar file, the
team's KPIs for the period put into the agenda, minutes (progress, problems, solutions, priorities), decisions,
and the minutes e-mailed to the attendees when they are closed. Action items are in services/actions.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.orm.exc import StaleDataError

from core.contracts import Period
from core.identity.models import User
from core.identity.org import team_member_ids
from core.security import can, team_condition
from core.timeutil import company_zone, local_to_utc, utcnow
from plugins.team.models import RECURRENCES, ActionItem, Meeting, MeetingAttendee, MeetingSeries
from plugins.team.services import TeamError, robots
from plugins.team.services.kpi_values import team_figures

MANAGE = "team.meeting.manage"
MINUTES_FIELDS = ("progress", "problems", "solutions", "priorities", "decisions")


def meeting_path(meeting_id: int) -> str:
    return f"/team/meetings/{meeting_id}"


# ---------------------------------------------------------------------------------------------------- series


def _parse_time(text: str) -> tuple[int, int]:
    try:
        hours, minutes = (int(part) for part in (text or "").strip().split(":"))
    except ValueError:
        raise TeamError(_l("Write the time as hours:minutes, e.g. 09:30."), "start_time") from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise TeamError(_l("Write the time as hours:minutes, e.g. 09:30."), "start_time")
    return hours, minutes


def create_series(session: Any, user: Any, *, title: str, recurrence: str, day: int, start_time: str,
                  duration_minutes: int, location: str | None = None, agenda_template: str | None = None,
                  kpi_keys: list[str] | None = None) -> MeetingSeries:
    """A recurring meeting of ``user``'s team (the user and everyone below them)."""
    if not (title or "").strip():
        raise TeamError(_l("Give the meeting a title."), "title")
    if recurrence not in RECURRENCES:
        raise TeamError(_l("Choose how often the meeting takes place."), "recurrence")
    if recurrence == "weekly" and not 0 <= day <= 6:
        raise TeamError(_l("Choose the day of the week."), "day")
    if recurrence == "monthly" and not 1 <= day <= 28:
        raise TeamError(_l("Choose a day of the month from 1 to 28."), "day")
    _parse_time(start_time)
    if not 10 <= (duration_minutes or 0) <= 600:
        raise TeamError(_l("A meeting lasts from 10 minutes to 10 hours."), "duration_minutes")
    series = MeetingSeries(title=title.strip(), recurrence=recurrence, day=day, start_time=start_time.strip(),
                           duration_minutes=duration_minutes, location=(location or "").strip() or None,
                           agenda_template=(agenda_template or "").strip() or None,
                           kpi_keys=",".join(kpi_keys or []) or None, leader_id=user.id)
    session.add(series)
    session.flush()
    return series


def next_occurrence(series: MeetingSeries, after_local: datetime) -> datetime:
    """The series' first start (naive, company-local wall clock) strictly after ``after_local``."""
    hours, minutes = _parse_time(series.start_time)
    day = after_local.date()
    for _attempt in range(400):
        matches = day.weekday() == series.day if series.recurrence == "weekly" else day.day == series.day
        if matches:
            start = datetime(day.year, day.month, day.day, hours, minutes)
            if start > after_local:
                return start
        day += timedelta(days=1)
    raise TeamError(_l("No next date found for this meeting."))  # unreachable with a valid series


def kpi_period(series: MeetingSeries | None, start_local: date) -> Period:
    """The period the agenda's KPIs cover: the week, or the calendar month, before the meeting."""
    if series is not None and series.recurrence == "monthly":
        first = start_local.replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        return Period(previous, first)
    return Period(start_local - timedelta(days=7), start_local)


def attendee_ids(session: Any, leader_id: int) -> list[int]:
    """The team's active people: the leader and everyone below them."""
    ids = team_member_ids(session, leader_id)
    return sorted(session.scalars(select(User.id).where(User.id.in_(sorted(ids)), User.active)))


def schedule_next(session: Any, series: MeetingSeries, user: Any) -> Meeting:
    """Create the series' next meeting after its latest one (or after now), with the agenda and the KPIs, and
    invite the team."""
    latest = session.scalar(select(Meeting.starts_at).where(Meeting.series_id == series.id)
                            .order_by(Meeting.starts_at.desc()).limit(1))
    zone = company_zone()
    base = max(latest or utcnow(), utcnow())
    after_local = base.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    start_local = next_occurrence(series, after_local)
    starts_at = local_to_utc(start_local, zone)
    return create_meeting(session, user, title=series.title, starts_at=starts_at,
                          duration_minutes=series.duration_minutes, location=series.location,
                          agenda=series.agenda_template, series=series, leader_id=series.leader_id,
                          kpi_keys=[k for k in (series.kpi_keys or "").split(",") if k],
                          start_local_day=start_local.date())


def create_meeting(session: Any, user: Any, *, title: str, starts_at: datetime, duration_minutes: int,
                   location: str | None, agenda: str | None, leader_id: int, series: MeetingSeries | None = None,
                   kpi_keys: list[str] | None = None, start_local_day: date | None = None,
                   invite: bool = True) -> Meeting:
    meeting = Meeting(series_id=series.id if series else None, title=title, starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=duration_minutes), location=location,
                      organizer_id=user.id, agenda=agenda)
    people = attendee_ids(session, leader_id)
    if kpi_keys:
        period = kpi_period(series, start_local_day or starts_at.date())
        meeting.kpi_snapshot = team_figures(kpi_keys, people, period)
        meeting.kpi_period_start, meeting.kpi_period_end = period.start, period.end
    session.add(meeting)
    session.flush()
    session.add_all(MeetingAttendee(meeting_id=meeting.id, user_id=uid) for uid in people)
    session.flush()
    if invite:
        send_invitations(session, meeting, user)
    return meeting


def attendees_of(session: Any, meeting: Meeting) -> list[User]:
    """The meeting's attendees by name."""
    return list(session.scalars(select(User).join(MeetingAttendee, MeetingAttendee.user_id == User.id)
                                .where(MeetingAttendee.meeting_id == meeting.id).order_by(User.name, User.id)))


#: How an invitation's calendar file is sent: METHOD:REQUEST makes mail and calendar programs offer to accept it.
ICS_TYPE = "text/calendar; method=REQUEST; charset=utf-8"


def invitation_ics(meeting: Meeting, attendees: list[User]) -> str:
    """The meeting as an iCalendar invitation (RFC 5545); its SEQUENCE follows the meeting's version."""
    from plugins.team.services import ical

    return ical.invitation(uid=f"team-meeting-{meeting.id}@netsales", title=meeting.title,
                           starts_at=meeting.starts_at, ends_at=meeting.ends_at, location=meeting.location,
                           description=meeting.agenda, organizer=meeting.organizer, attendees=attendees,
                           sequence=meeting.version, now=utcnow())


def send_invitations(session: Any, meeting: Meeting, sender: Any) -> int:
    """In-app notice, and an e-mail with the iCalendar file attached, to each attendee; the team's robots too."""
    from flask import current_app

    from core.notifications.outbox import queue_email, valid_address
    from core.notifications.service import absolute_url, notify
    from core.web.locale import datetime_filter

    people = attendees_of(session, meeting)
    path = meeting_path(meeting.id)
    calendar = (f"meeting-{meeting.id}.ics", ICS_TYPE, invitation_ics(meeting, people).encode())
    for person in people:
        if person.id != sender.id:
            notify(person, _l("You are invited to %(title)s"), path, email=False, title=meeting.title)
        if person.email and valid_address(person.email):
            locale = person.locale if person.locale in current_app.config["LOCALES"] \
                else current_app.config["DEFAULT_LOCALE"]
            with force_locale(locale):
                when = datetime_filter(meeting.starts_at, "medium")
                subject = _("Invitation: %(title)s, %(when)s", title=meeting.title, when=when)
                body = "\n".join([
                    _("Hello %(name)s,", name=person.name), "",
                    _("You are invited to %(title)s.", title=meeting.title),
                    _("When: %(when)s", when=when),
                    _("Where: %(where)s", where=meeting.location or "-"), "",
                    _("The invitation is attached: open it to add the meeting to your calendar."),
                    _("Agenda and minutes: %(link)s", link=absolute_url(path))])
            queue_email(person.email, subject, body + "\n", attachments=[calendar])
    for row in session.scalars(select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting.id)):
        row.invited_at = utcnow()
    leader = meeting.series.leader_id if meeting.series else meeting.organizer_id
    robots.queue(session, audience="team", department_id=None, team_leader_id=leader,
                 title=str(_l("Meeting")) + ": " + meeting.title, text=meeting.location or "", url=path,
                 sender=sender)
    session.flush()
    return len(people)


# ---------------------------------------------------------------------------------------------------- access


def leader_of(meeting: Meeting) -> int:
    return meeting.series.leader_id if meeting.series is not None else meeting.organizer_id


def may_edit(user: Any, meeting: Meeting) -> bool:
    """The organizer, the team's leader, or a manager of meetings."""
    return user.id in (meeting.organizer_id, leader_of(meeting)) or can(user, MANAGE)


def visible(user: Any) -> Any:
    """The condition on Meeting for what ``user`` may see: their meetings, their team's, or all for managers."""
    if can(user, MANAGE):
        return Meeting.id.is_not(None)
    invited = exists().where(MeetingAttendee.meeting_id == Meeting.id, MeetingAttendee.user_id == user.id)
    return or_(invited, team_condition(Meeting.organizer_id, user))


def may_see(session: Any, user: Any, meeting: Meeting) -> bool:
    return session.scalar(select(Meeting.id).where(Meeting.id == meeting.id, visible(user))) is not None


# ---------------------------------------------------------------------------------------------------- minutes


def save_minutes(session: Any, meeting: Meeting, user: Any, expected_version: int | None = None,
                 **fields: str | None) -> None:
    if not may_edit(user, meeting):
        raise TeamError(_l("Only the organizer or the team's leader takes the minutes."))
    if meeting.state != "scheduled":
        raise TeamError(_l("The minutes are closed."))
    if expected_version is not None and meeting.version != expected_version:
        raise TeamError(_l("Someone else changed the minutes meanwhile. Reload the page and try again."))
    for name in MINUTES_FIELDS:
        if name in fields:
            setattr(meeting, name, (fields[name] or "").strip() or None)
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise TeamError(_l("Someone else changed the minutes meanwhile. Reload the page and try again.")) from exc


def close_minutes(session: Any, meeting: Meeting, user: Any, expected_version: int | None = None) -> int:
    """Close the minutes and e-mail them (with the PDF's link) to the attendees; returns how many were told."""
    if not may_edit(user, meeting):
        raise TeamError(_l("Only the organizer or the team's leader takes the minutes."))
    if meeting.state != "scheduled":
        raise TeamError(_l("The minutes are already closed."))
    if not any((getattr(meeting, name) or "").strip() for name in MINUTES_FIELDS):
        raise TeamError(_l("Write the minutes (progress, problems, solutions, priorities) before closing them."))
    if expected_version is not None and meeting.version != expected_version:
        raise TeamError(_l("Someone else changed the minutes meanwhile. Reload the page and try again."))
    meeting.state, meeting.closed_at = "closed", utcnow()
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise TeamError(_l("Someone else changed the minutes meanwhile. Reload the page and try again.")) from exc
    return _send_minutes(session, meeting, user)


def items_of(session: Any, meeting: Meeting) -> list[ActionItem]:
    return list(session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                .order_by(ActionItem.due_on, ActionItem.id)).unique())


def minutes_pdf(session: Any, meeting: Meeting) -> bytes:
    """The minutes as PDF in the current language (the core's PDF service, CJK font). Raises the core's
    FontNotFoundError when no Chinese font is installed."""
    from core.pdf import render_pdf
    from plugins.team.services.kpi_values import labels

    return render_pdf("team/minutes_pdf.html", meeting=meeting, attendees=attendees_of(session, meeting),
                      items=items_of(session, meeting), kpi_labels=labels())


def _minutes_file(session: Any, meeting: Meeting, cache: dict[str, Any]) -> tuple[str, str, bytes] | None:
    """The minutes PDF in the current language, printed once per language; None without a Chinese font, when the
    PDF process fails, or when it is larger than the outbox takes (the mail then links to it)."""
    from flask import current_app
    from flask_babel import get_locale

    from core.notifications.outbox import AttachmentRefused, check_attachments
    from core.pdf import FontNotFoundError
    from core.pdf_worker import PdfWorkerError

    locale = str(get_locale())
    if locale not in cache:
        try:
            file = (f"minutes-{meeting.id}.pdf", "application/pdf", minutes_pdf(session, meeting))
            check_attachments([file])  # larger than mail allows (photos pasted into the minutes?): the link instead
            cache[locale] = file
        except (FontNotFoundError, PdfWorkerError, AttachmentRefused) as exc:  # the PDF process busy or failed too
            current_app.logger.warning("minutes %s e-mailed without the PDF: %s", meeting.id, exc)
            cache[locale] = None
    return cache[locale]


def _send_minutes(session: Any, meeting: Meeting, sender: Any) -> int:
    from flask import current_app

    from core.notifications.outbox import queue_email, valid_address
    from core.notifications.service import absolute_url, notify
    from plugins.team.labels import ACTION_STATE_LABELS

    people = attendees_of(session, meeting)
    items = items_of(session, meeting)
    path = meeting_path(meeting.id)
    printed: dict[str, Any] = {}
    labels = {"progress": _l("Progress"), "problems": _l("Problems"), "solutions": _l("Solutions"),
              "priorities": _l("Priorities"), "decisions": _l("Decisions")}
    for person in people:
        if person.id != sender.id:
            notify(person, _l("The minutes of %(title)s are ready."), path, email=False, title=meeting.title)
        if not (person.email and valid_address(person.email)):
            continue
        locale = person.locale if person.locale in current_app.config["LOCALES"] \
            else current_app.config["DEFAULT_LOCALE"]
        with force_locale(locale):
            lines = [_("Hello %(name)s,", name=person.name), "",
                     _("The minutes of %(title)s:", title=meeting.title), ""]
            for name in MINUTES_FIELDS:
                if getattr(meeting, name):
                    lines += [f"{labels[name]}:", getattr(meeting, name), ""]
            if items:
                lines.append(str(_l("Action items")) + ":")
                lines += [f"- {item.title} · {item.owner.name} · {item.due_on.isoformat()} · "
                          f"{ACTION_STATE_LABELS[item.state]}" for item in items]
                lines.append("")
            pdf = _minutes_file(session, meeting, printed)
            if pdf is not None:
                lines.append(_("The minutes are attached as a PDF."))
            else:
                lines.append(_("The minutes as PDF: %(link)s", link=absolute_url(path + "/minutes.pdf")))
            subject = _("Minutes: %(title)s", title=meeting.title)
        queue_email(person.email, subject, "\n".join(lines) + "\n", attachments=[pdf] if pdf else None)
    return len(people)


def open_items_before(session: Any, meeting: Meeting) -> list[ActionItem]:
    """The open action items of the series' earlier meetings: the next meeting lists them (R8.2.2)."""
    if meeting.series_id is None:
        return []
    earlier = select(Meeting.id).where(Meeting.series_id == meeting.series_id, Meeting.starts_at < meeting.starts_at)
    return list(session.scalars(select(ActionItem).where(ActionItem.meeting_id.in_(earlier),
                                                         ActionItem.state == "open")
                                .order_by(ActionItem.due_on, ActionItem.id)).unique())
