"""Assigning a course to a person: one assignment per person and course, a checklist step per module with its
due date, completion when every step is done."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.timeutil import local_today, utcnow
from plugins.training.models import TrainingAssignment, TrainingCourse, TrainingStep
from plugins.training.services import TrainingError


def existing(session: Any, user_id: int, course_id: int) -> TrainingAssignment | None:
    return session.scalar(select(TrainingAssignment).where(TrainingAssignment.user_id == user_id,
                                                           TrainingAssignment.course_id == course_id))


def assign(session: Any, person: Any, course: TrainingCourse, *, by: Any = None, source: str = "manual",
           base_date: date | None = None, due_date: date | None = None) -> TrainingAssignment:
    """Assign ``course`` to ``person``, with a step per module due ``due_day`` days after ``base_date``.

    A second assignment of the same course is refused (TrainingError), also when two arrive at once: the unique
    key decides, inside a savepoint, so the caller's transaction survives."""
    if course.archived:
        raise TrainingError(_l("This course is archived: restore it before assigning it."), "course_id")
    if not getattr(person, "active", True):
        raise TrainingError(_l("This person is no longer active."), "user_id")
    found = existing(session, person.id, course.id)
    if found is not None and not found.cancelled:
        raise TrainingError(_l("%(name)s already has this course.", name=person.name), "user_id")
    base = base_date or local_today()
    if found is not None:  # cancelled before: take it up again, keeping what was done
        found.cancelled, found.source, found.base_date, found.due_date = False, source, base, due_date
        session.flush()
        return found
    assignment = TrainingAssignment(user_id=person.id, course_id=course.id, source=source, base_date=base,
                                    due_date=due_date, assigned_by_id=getattr(by, "id", None))
    try:
        with session.begin_nested():
            session.add(assignment)
            session.flush()
            for module in course.modules:
                session.add(TrainingStep(assignment_id=assignment.id, module_id=module.id,
                                         due_date=base + timedelta(days=module.due_day)))
            session.flush()
    except IntegrityError:
        raise TrainingError(_l("%(name)s already has this course.", name=person.name), "user_id") from None
    if not course.modules and due_date is None:
        assignment.due_date = base + timedelta(days=30)
    return assignment


def cancel(session: Any, assignment: TrainingAssignment) -> None:
    assignment.cancelled = True
    session.flush()


def _finish_if_complete(session: Any, assignment: TrainingAssignment) -> None:
    open_steps = session.scalar(select(func.count(TrainingStep.id)).where(
        TrainingStep.assignment_id == assignment.id, TrainingStep.done_at.is_(None)))
    if not open_steps and assignment.completed_at is None:
        assignment.completed_at = utcnow()


def set_step_done(session: Any, person: Any, step: TrainingStep, done: bool = True) -> None:
    """The person ticks a line of their checklist (or un-ticks it); the assignment completes with its last line."""
    assignment = step.assignment
    if assignment.user_id != person.id:
        raise TrainingError(_l("Only the person in training ticks their checklist."))
    if assignment.cancelled:
        raise TrainingError(_l("This course was withdrawn."))
    if done:
        # Conditional: ticking twice (two tabs) records the first time only.
        session.execute(update(TrainingStep).where(TrainingStep.id == step.id, TrainingStep.done_at.is_(None))
                        .values(done_at=utcnow()).execution_options(synchronize_session="fetch"))
        session.flush()
        _finish_if_complete(session, assignment)
    else:
        step.done_at = None
        assignment.completed_at = None
    session.flush()


def complete(session: Any, assignment: TrainingAssignment) -> None:
    """Mark a whole assignment done (a course without modules, or attended in a session)."""
    now = utcnow()
    session.execute(update(TrainingStep).where(TrainingStep.assignment_id == assignment.id,
                                               TrainingStep.done_at.is_(None)).values(done_at=now)
                    .execution_options(synchronize_session="fetch"))
    if assignment.completed_at is None:
        assignment.completed_at = now
    session.flush()


def complete_course_for(session: Any, user_ids: list[int], course_id: int) -> None:
    """Whoever of ``user_ids`` has an open assignment of the course completes it (attendance, a passed exam)."""
    if not user_ids:
        return
    open_ids = list(session.scalars(select(TrainingAssignment.id).where(
        TrainingAssignment.course_id == course_id, TrainingAssignment.user_id.in_(user_ids),
        TrainingAssignment.completed_at.is_(None), TrainingAssignment.cancelled.is_(False))))
    if not open_ids:
        return
    now = utcnow()
    session.execute(update(TrainingStep).where(TrainingStep.assignment_id.in_(open_ids),
                                               TrainingStep.done_at.is_(None)).values(done_at=now)
                    .execution_options(synchronize_session=False))
    session.execute(update(TrainingAssignment).where(TrainingAssignment.id.in_(open_ids))
                    .values(completed_at=now).execution_options(synchronize_session=False))
    session.expire_all()


def assign_to_mandatory_positions(session: Any, course: TrainingCourse, by: Any, days: int = 30) -> int:
    """Assign the course to every active person of the positions it is mandatory for who does not have it yet, due
    in ``days`` days; set-based (two INSERTs and a SELECT, whatever the number of people). Returns how many."""
    from core.identity.models import User
    from core.notifications.service import notify

    if course.archived:
        raise TrainingError(_l("This course is archived: restore it before assigning it."))
    if not course.positions:
        raise TrainingError(_l("This course is mandatory for no position."))
    today = local_today()
    due = today + timedelta(days=days)
    missing = select(User.id).where(User.active, User.position.in_(course.positions), ~exists().where(
        TrainingAssignment.user_id == User.id, TrainingAssignment.course_id == course.id))
    people = list(session.scalars(missing))
    if not people:
        return 0
    now = utcnow()
    try:
        with session.begin_nested():  # the unique (person, course) key decides between two clicks at once
            session.execute(insert(TrainingAssignment), [
                {"user_id": uid, "course_id": course.id, "source": "mandatory", "base_date": today, "due_date": due,
                 "assigned_by_id": getattr(by, "id", None), "assigned_at": now, "cancelled": False}
                for uid in people])
    except IntegrityError:
        raise TrainingError(_l("Someone assigned this course meanwhile: look at the page again.")) from None
    new = dict(session.execute(select(TrainingAssignment.user_id, TrainingAssignment.id).where(
        TrainingAssignment.course_id == course.id, TrainingAssignment.user_id.in_(people))).all())
    steps = [{"assignment_id": new[uid], "module_id": module.id, "due_date": today + timedelta(days=module.due_day)
              if module.due_day else due} for uid in people for module in course.modules]
    if steps:
        session.execute(insert(TrainingStep), steps)
    for person in session.scalars(select(User).where(User.id.in_(people))):
        notify(person, _l("The course %(course)s is mandatory for your position: it is on your list, due %(day)s."),
               "/training/my", course=course.title, day=due)
    return len(people)
