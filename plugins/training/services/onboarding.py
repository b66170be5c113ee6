"""Onboarding (R3.2.1): a programme per position, assigned when someone is hired, a checklist for the new hire,
the team's progress for the supervisor, reminders of overdue modules, and "finished within N days"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select, update

from core.identity.models import User
from core.timeutil import local_date, local_today, utcnow
from plugins.training.models import (
    OnboardingProgramme,
    TrainingAssignment,
    TrainingCourse,
    TrainingModule,
    TrainingStep,
)
from plugins.training.services import TrainingError
from plugins.training.services.assignments import assign

#: The default programme (R3.2.1: company overview, culture, product knowledge, sales skills, platform operation),
#: each module due this many days after the hire date.
DEFAULT_MODULES = (
    (_l("Company overview"), 3),
    (_l("Corporate culture"), 7),
    (_l("Product knowledge"), 14),
    (_l("Sales skills"), 21),
    (_l("Platform operation"), 30),
)
SALES_POSITIONS = ("sales_rep", "sales_supervisor", "sales_manager")


def seed_programme(session: Any) -> None:
    """The default onboarding course and its programmes for the sales positions, once (idempotent). Written in the
    company's language: from then on it is company data that HR edits."""
    if session.scalar(select(func.count(OnboardingProgramme.id))) or session.scalar(
            select(func.count(TrainingCourse.id)).where(TrainingCourse.kind == "onboarding")):
        return
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        course = TrainingCourse(title=str(_l("New-hire onboarding")), kind="onboarding",
                                description=str(_l("Company overview, culture, product knowledge, sales skills and "
                                                   "platform operation for new online-sales staff (R3.2.1).")),
                                duration_hours=Decimal("16"), mandatory_positions=",".join(SALES_POSITIONS))
        session.add(course)
        session.flush()
        for position, (title, due_day) in enumerate(DEFAULT_MODULES, start=1):
            session.add(TrainingModule(course_id=course.id, position=position, title=str(title), due_day=due_day))
    for position in SALES_POSITIONS:
        session.add(OnboardingProgramme(position=position, course_id=course.id))
    session.flush()


def programme_for(session: Any, position: str | None) -> TrainingCourse | None:
    return session.scalar(select(TrainingCourse).join(OnboardingProgramme,
                                                      OnboardingProgramme.course_id == TrainingCourse.id)
                          .where(OnboardingProgramme.position == (position or ""),
                                 TrainingCourse.archived.is_(False)))


def set_programme(session: Any, position: str, course_id: int | None) -> None:
    """Choose the onboarding course of a position (None: no onboarding for it)."""
    row = session.scalar(select(OnboardingProgramme).where(OnboardingProgramme.position == position))
    if course_id is None:
        if row is not None:
            session.delete(row)
        session.flush()
        return
    course = session.get(TrainingCourse, course_id)
    if course is None or course.archived or course.kind != "onboarding":
        raise TrainingError(_l("Choose an onboarding course."), "course_id")
    if row is None:
        session.add(OnboardingProgramme(position=position, course_id=course_id))
    else:
        row.course_id = course_id
    session.flush()


def onboarding_of(session: Any, user_id: int) -> TrainingAssignment | None:
    return session.scalar(select(TrainingAssignment).where(TrainingAssignment.user_id == user_id,
                                                           TrainingAssignment.source == "onboarding")
                          .order_by(TrainingAssignment.id).limit(1))


def start_onboarding(session: Any, person: Any, by: Any = None) -> TrainingAssignment | None:
    """Assign the programme of the person's position, counted from their hire date. Someone already onboarding
    keeps their programme (employee_hired twice, or the sweep after the hook: no duplicate). Returns the new
    assignment, or None when there is nothing to do."""
    if not getattr(person, "active", True) or onboarding_of(session, person.id) is not None:
        return None
    course = programme_for(session, person.position)
    if course is None:
        return None
    try:
        assignment = assign(session, person, course, by=by, source="onboarding",
                            base_date=person.hire_date or local_today())
    except TrainingError:
        return None  # assigned meanwhile (by hand, or by a concurrent call)
    _tell_about_onboarding(person, assignment)
    return assignment


def _tell_about_onboarding(person: Any, assignment: TrainingAssignment) -> None:
    from core.notifications.service import notify

    # Fixed paths: this also runs in jobs and hooks, outside any request.
    notify(person, _l("Your onboarding programme %(course)s has started: see your checklist."), "/training/my",
           course=assignment.course.title)
    superior = person.superior
    if superior is not None and superior.active:
        notify(superior, _l("%(name)s started onboarding (%(course)s)."), "/training/team",
               name=person.name, course=assignment.course.title)


def catch_up_days() -> int:
    from core.settings import get_setting

    return int(get_setting("training.onboarding_catch_up_days"))


def sweep_new_hires(session: Any, today: date | None = None) -> int:
    """Start onboarding for active people hired in the last N days whose position has a programme and who have
    none yet: people created on the admin page or by import, where no employee_hired is sent. Returns how many."""
    today = today or local_today()
    positions = list(session.scalars(select(OnboardingProgramme.position)))
    if not positions:
        return 0
    hired = select(User).where(
        User.active, User.position.in_(positions), User.hire_date.is_not(None),
        User.hire_date >= today - timedelta(days=catch_up_days()),
        ~exists().where(TrainingAssignment.user_id == User.id, TrainingAssignment.source == "onboarding"))
    started = 0
    for person in session.scalars(hired).all():
        if start_onboarding(session, person) is not None:
            started += 1
    return started


# ---------------------------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ProgressRow:
    assignment_id: int
    user_id: int
    name: str
    course: str
    base_date: date
    steps: int
    done: int
    overdue: int
    next_due: date | None
    completed_at: Any

    @property
    def ratio(self) -> Decimal:
        return (Decimal(self.done) / self.steps).quantize(Decimal("0.01")) if self.steps else Decimal("1")


def progress_select(today: date) -> Any:
    """One row per assignment with its step counts: what the team progress page pages through (a fixed number of
    statements whatever the team's size). The counts are correlated subqueries on the steps' assignment index, so
    the database computes them for the rows of the page only, not for every assignment of the company."""

    def of_row(*columns: Any) -> Any:
        return select(*columns).where(TrainingStep.assignment_id == TrainingAssignment.id).correlate(
            TrainingAssignment).scalar_subquery()

    open_step = TrainingStep.done_at.is_(None)
    return (select(TrainingAssignment.id.label("assignment_id"), TrainingAssignment.user_id, User.name,
                   TrainingCourse.title.label("course"), TrainingAssignment.base_date,
                   of_row(func.count(TrainingStep.id)).label("steps"),
                   of_row(func.count(TrainingStep.done_at)).label("done"),
                   of_row(func.count(case((and_(open_step, TrainingStep.due_date < today), 1)))).label("overdue"),
                   of_row(func.min(case((open_step, TrainingStep.due_date)))).label("next_due"),
                   TrainingAssignment.completed_at)
            .select_from(TrainingAssignment)
            .join(User, User.id == TrainingAssignment.user_id)
            .join(TrainingCourse, TrainingCourse.id == TrainingAssignment.course_id)
            .where(TrainingAssignment.cancelled.is_(False)))


def remind_overdue(session: Any, today: date | None = None) -> int:
    """Tell each person with modules past their due date, and their superior, once per module (R3.2.1).
    Returns the number of people reminded."""
    from core.notifications.service import notify

    today = today or local_today()
    rows = session.execute(
        select(TrainingStep.id, TrainingAssignment.user_id, TrainingCourse.title)
        .join(TrainingAssignment, TrainingAssignment.id == TrainingStep.assignment_id)
        .join(TrainingCourse, TrainingCourse.id == TrainingAssignment.course_id)
        .where(TrainingStep.done_at.is_(None), TrainingStep.reminded_at.is_(None), TrainingStep.due_date < today,
               TrainingAssignment.cancelled.is_(False), TrainingAssignment.completed_at.is_(None))
    ).all()
    if not rows:
        return 0
    per_person: dict[int, tuple[int, str]] = {}
    for _step_id, user_id, course in rows:
        count, _title = per_person.get(user_id, (0, course))
        per_person[user_id] = (count + 1, course)
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(per_person))))}
    for user_id, (count, course) in per_person.items():
        person = people[user_id]
        if not person.active:
            continue
        notify(person, _l("%(count)s training modules of %(course)s are overdue."), "/training/my",
               count=count, course=course)
        if person.superior is not None and person.superior.active:
            notify(person.superior, _l("%(name)s has %(count)s overdue training modules (%(course)s)."),
                   "/training/team", name=person.name, count=count, course=course)
    session.execute(update(TrainingStep).where(TrainingStep.id.in_([r[0] for r in rows]))
                    .values(reminded_at=utcnow()).execution_options(synchronize_session=False))
    return len(per_person)


def onboarding_days(session: Any) -> int:
    from core.settings import get_setting

    return int(get_setting("training.onboarding_days"))


def finished_within(session: Any, days: int, today: date | None = None) -> tuple[int, int]:
    """(finished within ``days`` of the hire date, due by now): onboardings whose N days are over, or finished."""
    today = today or local_today()
    rows = session.execute(select(TrainingAssignment.base_date, TrainingAssignment.completed_at).where(
        TrainingAssignment.source == "onboarding", TrainingAssignment.cancelled.is_(False),
        (TrainingAssignment.completed_at.is_not(None)) | (TrainingAssignment.base_date <= today - timedelta(days=days))
    )).all()
    good = sum(1 for base, completed in rows if completed is not None and (local_date(completed) - base).days <= days)
    return good, len(rows)
