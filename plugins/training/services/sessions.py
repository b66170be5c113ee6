"""Periodic training (R3.2.2): an annual plan of sessions, invitations, enrolment with a waiting list, attendance
taken by the trainer, hours per person per year against the required minimum.

Seats are counted in the session row and changed only by conditional UPDATEs (``seats_taken < capacity``): of
two enrolments for the last seat, on any database and in any number of processes, one gets it and the other goes
on the waiting list."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.identity.models import POSITIONS, User
from core.timeutil import local_date, utcnow
from plugins.training.models import ATTENDANCE, TrainingCourse, TrainingEnrolment, TrainingSession
from plugins.training.permissions import SESSION_MANAGE
from plugins.training.services import TrainingError
from plugins.training.services.courses import check_link

MAX_CAPACITY = 10000
COUNTED = ("present", "late")


def save_session(session: Any, course: TrainingCourse, training_session: TrainingSession | None = None, *,
                 starts_at: datetime, ends_at: datetime, capacity: int | None, place: str | None = None,
                 online_url: str | None = None, trainer_id: int | None = None, trainer_name: str | None = None,
                 audience_positions: list[str] | tuple[str, ...] = (), audience_team_of_id: int | None = None
                 ) -> TrainingSession:
    """Create or change a session; ``starts_at``/``ends_at`` are naive UTC."""
    if course.archived:
        raise TrainingError(_l("This course is archived: restore it before planning sessions."), "course_id")
    if starts_at is None:
        raise TrainingError(_l("Enter the start."), "starts_at")
    if ends_at is None or ends_at <= starts_at:
        raise TrainingError(_l("The end must come after the start."), "ends_at")
    if ends_at - starts_at > timedelta(days=14):
        raise TrainingError(_l("A session lasts at most two weeks; plan several sessions instead."), "ends_at")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        raise TrainingError(_l("Enter a capacity between 1 and 10000."), "capacity")
    place = (place or "").strip() or None
    online_url = check_link(online_url, "online_url")
    if not place and not online_url:
        raise TrainingError(_l("Give a place or an online link."), "place")
    if any(p not in POSITIONS for p in audience_positions):
        raise TrainingError(_l("Choose positions from the list."), "audience_positions")
    if audience_team_of_id is not None and session.get(User, audience_team_of_id) is None:
        raise TrainingError(_l("This person does not exist."), "audience_team_of_id")
    if trainer_id is not None and session.get(User, trainer_id) is None:
        raise TrainingError(_l("This person does not exist."), "trainer_id")
    if training_session is None:
        training_session = TrainingSession(course_id=course.id, seats_taken=0)
        session.add(training_session)
    elif capacity < training_session.seats_taken:
        raise TrainingError(_l("%(n)s people are enrolled already: the capacity cannot be lower.",
                               n=training_session.seats_taken), "capacity")
    training_session.starts_at, training_session.ends_at, training_session.capacity = starts_at, ends_at, capacity
    training_session.place, training_session.online_url = place, online_url
    if trainer_id is None and not (trainer_name or "").strip():
        trainer_id, trainer_name = course.trainer_id, course.trainer_name
    training_session.trainer_id = trainer_id
    training_session.trainer_name = None if trainer_id else ((trainer_name or "").strip() or None)
    training_session.audience_positions = ",".join(p for p in POSITIONS if p in audience_positions)
    training_session.audience_team_of_id = audience_team_of_id
    session.flush()
    session.execute(update(TrainingEnrolment).where(TrainingEnrolment.session_id == training_session.id)
                    .values(session_starts_at=starts_at).execution_options(synchronize_session=False))
    return training_session


def cancel_session(session: Any, training_session: TrainingSession) -> int:
    """Call a session off before it starts; everyone enrolled or waiting is told. Returns how many were told."""
    from core.notifications.service import notify

    if training_session.starts_at <= utcnow():
        raise TrainingError(_l("This session has started: it cannot be cancelled any more."))
    changed = session.execute(update(TrainingSession).where(TrainingSession.id == training_session.id,
                                                            TrainingSession.cancelled.is_(False))
                              .values(cancelled=True).execution_options(synchronize_session=False))
    session.refresh(training_session)
    if changed.rowcount != 1:
        return 0
    told = 0
    for enrolment in session.scalars(select(TrainingEnrolment).where(
            TrainingEnrolment.session_id == training_session.id, TrainingEnrolment.state != "cancelled")):
        notify(enrolment.user, _l("The session of %(course)s on %(day)s is cancelled."),
               f"/training/sessions/{training_session.id}", course=training_session.course.title,
               day=local_date(training_session.starts_at))
        told += 1
    return told


def audience(session: Any, training_session: TrainingSession) -> list[User]:
    """Active people the session is meant for: its positions and/or a supervisor's team."""
    from core.identity.org import team_member_ids

    conditions = []
    positions = [p for p in training_session.audience_positions.split(",") if p]
    if positions:
        conditions.append(User.position.in_(positions))
    if training_session.audience_team_of_id:
        conditions.append(User.id.in_(sorted(team_member_ids(session, training_session.audience_team_of_id))))
    if not conditions:
        return []
    return list(session.scalars(select(User).where(User.active, or_(*conditions)).order_by(User.name)))


def invite(session: Any, training_session: TrainingSession) -> int:
    """Notify the audience of a session (R3.2.2 invitations). Returns how many were invited."""
    from core.notifications.service import notify

    people = audience(session, training_session)
    for person in people:
        notify(person, _l("You are invited to %(course)s on %(day)s: enrol on the session's page."),
               f"/training/sessions/{training_session.id}", course=training_session.course.title,
               day=local_date(training_session.starts_at))
    return len(people)


def enrolment_of(session: Any, session_id: int, user_id: int) -> TrainingEnrolment | None:
    return session.scalar(select(TrainingEnrolment).where(TrainingEnrolment.session_id == session_id,
                                                          TrainingEnrolment.user_id == user_id))


def _take_seat(session: Any, session_id: int) -> bool:
    """One conditional UPDATE: a seat is taken only while one is free (no overbooking, whatever runs at once)."""
    taken = session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.seats_taken < TrainingSession.capacity,
               TrainingSession.cancelled.is_(False))
        .values(seats_taken=TrainingSession.seats_taken + 1)
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def enrol(session: Any, training_session: TrainingSession, person: Any) -> TrainingEnrolment:
    """A seat if one is free, else a place on the waiting list. Enrolling twice is refused."""
    if training_session.cancelled:
        raise TrainingError(_l("This session was cancelled."))
    if training_session.starts_at <= utcnow():
        raise TrainingError(_l("This session has started: enrolment is closed."))
    found = enrolment_of(session, training_session.id, person.id)
    if found is not None and found.state != "cancelled":
        raise TrainingError(_l("You are enrolled already.") if found.state == "enrolled"
                            else _l("You are on the waiting list already."))
    state = "enrolled" if _take_seat(session, training_session.id) else "waiting"
    if found is not None:
        found.state, found.enrolled_at = state, utcnow()
        session.flush()
        return found
    enrolment = TrainingEnrolment(session_id=training_session.id, user_id=person.id, state=state,
                                  session_starts_at=training_session.starts_at, enrolled_at=utcnow())
    try:
        with session.begin_nested():
            session.add(enrolment)
            session.flush()
    except IntegrityError:
        # The same person twice at once (two tabs): the other request holds the place; give the seat back.
        if state == "enrolled":
            _release_seat(session, training_session.id)
        raise TrainingError(_l("You are enrolled already.")) from None
    return enrolment


def _release_seat(session: Any, session_id: int) -> None:
    session.execute(update(TrainingSession).where(TrainingSession.id == session_id, TrainingSession.seats_taken > 0)
                    .values(seats_taken=TrainingSession.seats_taken - 1).execution_options(synchronize_session=False))


def _promote_first_waiting(session: Any, training_session: TrainingSession) -> TrainingEnrolment | None:
    """The longest-waiting person gets the freed seat (conditional: two cancellations at once promote two people,
    never the same one twice)."""
    from core.notifications.service import notify

    for candidate in session.scalars(select(TrainingEnrolment).where(
            TrainingEnrolment.session_id == training_session.id, TrainingEnrolment.state == "waiting")
            .order_by(TrainingEnrolment.enrolled_at, TrainingEnrolment.id).limit(5)):
        moved = session.execute(update(TrainingEnrolment).where(TrainingEnrolment.id == candidate.id,
                                                                TrainingEnrolment.state == "waiting")
                                .values(state="enrolled").execution_options(synchronize_session=False))
        if moved.rowcount == 1:
            session.refresh(candidate)
            notify(candidate.user, _l("A seat became free: you are now enrolled in %(course)s on %(day)s."),
                   f"/training/sessions/{training_session.id}", course=training_session.course.title,
                   day=local_date(training_session.starts_at))
            return candidate
    return None


def cancel_enrolment(session: Any, enrolment: TrainingEnrolment) -> None:
    """Leave a session or its waiting list; a freed seat goes to the first person waiting."""
    training_session = enrolment.session
    if training_session.starts_at <= utcnow():
        raise TrainingError(_l("This session has started: ask the trainer to mark you excused instead."))
    was = enrolment.state
    changed = session.execute(update(TrainingEnrolment).where(TrainingEnrolment.id == enrolment.id,
                                                              TrainingEnrolment.state == was)
                              .values(state="cancelled").execution_options(synchronize_session=False))
    session.refresh(enrolment)
    if changed.rowcount != 1 or was != "enrolled":
        return
    if _promote_first_waiting(session, training_session) is None:
        _release_seat(session, training_session.id)


def may_take_attendance(user: Any, training_session: TrainingSession) -> bool:
    """The session's trainer, or whoever plans sessions."""
    from core.security import can

    return training_session.trainer_id == user.id or can(user, SESSION_MANAGE)


def record_attendance(session: Any, user: Any, training_session: TrainingSession, marks: dict[int, str]) -> int:
    """Set attendance for enrolled people ({enrolment id: present/late/absent/excused}); hours follow (R3.2.2).
    Returns how many changed."""
    from plugins.training.services.assignments import complete_course_for

    if not may_take_attendance(user, training_session):
        raise TrainingError(_l("Only the trainer takes attendance."))
    if training_session.starts_at > utcnow():
        raise TrainingError(_l("Attendance is taken once the session has started."))
    if any(mark not in ATTENDANCE for mark in marks.values()):
        raise TrainingError(_l("Choose present, late, absent or excused."))
    enrolments = {e.id: e for e in session.scalars(select(TrainingEnrolment).where(
        TrainingEnrolment.session_id == training_session.id, TrainingEnrolment.state == "enrolled"))}
    if set(marks) - set(enrolments):
        raise TrainingError(_l("Someone in the list is not enrolled in this session."))
    hours = training_session.hours
    attended = []
    for enrolment_id, mark in marks.items():
        enrolment = enrolments[enrolment_id]
        enrolment.attendance = mark
        enrolment.hours = hours if mark in COUNTED else Decimal("0")
        if mark in COUNTED:
            attended.append(enrolment.user_id)
    session.flush()
    complete_course_for(session, attended, training_session.course_id)
    return len(marks)


def hours_by_person(session: Any, user_ids: list[int], year_start: datetime, year_end: datetime) -> dict[int, Decimal]:
    """Hours attended per person between two UTC instants: one statement."""
    if not user_ids:
        return {}
    rows = session.execute(select(TrainingEnrolment.user_id, func.sum(TrainingEnrolment.hours))
                           .where(TrainingEnrolment.user_id.in_(user_ids),
                                  TrainingEnrolment.attendance.in_(COUNTED),
                                  TrainingEnrolment.session_starts_at >= year_start,
                                  TrainingEnrolment.session_starts_at < year_end)
                           .group_by(TrainingEnrolment.user_id))
    found = {uid: Decimal(str(total or 0)) for uid, total in rows}
    return {uid: found.get(uid, Decimal("0")) for uid in user_ids}


def required_hours() -> Decimal:
    from core.settings import get_setting

    return Decimal(str(get_setting("training.min_hours_per_year")))
