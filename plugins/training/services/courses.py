"""The course catalogue: courses by kind, their modules and material, archived rather than deleted once
assigned (issue 15 "Bad input and edge cases")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from core.identity.models import POSITIONS, User
from plugins.training.models import (
    COURSE_KINDS,
    BankQuestion,
    IndicatorCourse,
    OnboardingProgramme,
    PracticalAssessment,
    TrainingAssignment,
    TrainingCourse,
    TrainingExam,
    TrainingModule,
    TrainingPlanItem,
    TrainingSession,
)
from plugins.training.services import TrainingError

MAX_HOURS = Decimal("9999")


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value if value is not None else "0"))
    except (InvalidOperation, ValueError):
        raise TrainingError(_l("Enter a number of hours."), "duration_hours") from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
        raise TrainingError(_l("Enter a number of hours between 0 and 9999."), "duration_hours")
    return hours.quantize(Decimal("0.01"))


def check_link(url: str | None, field: str = "link_url") -> str | None:
    """Only http(s) links: a javascript: or file: link in a course page would run or leak in a colleague's browser."""
    url = (url or "").strip()
    if not url:
        return None
    parsed = urlparse(url)
    # No spaces or control characters: a line break would end the link in the calendar file and start a field.
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500 \
            or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise TrainingError(_l("Enter a web address starting with http:// or https://."), field)
    return url


def _trainer(session: Any, trainer_id: int | None, trainer_name: str | None) -> tuple[int | None, str | None]:
    name = (trainer_name or "").strip() or None
    if trainer_id is not None:
        if session.get(User, trainer_id) is None:
            raise TrainingError(_l("This person does not exist."), "trainer_id")
        return trainer_id, None
    return None, name


def save_course(session: Any, user: Any, course: TrainingCourse | None = None, *, title: str, kind: str,
                description: str | None = None, duration_hours: Any = 0, trainer_id: int | None = None,
                trainer_name: str | None = None, mandatory_positions: list[str] | tuple[str, ...] = (),
                rubric: str | None = None) -> TrainingCourse:
    """Create a course, or change ``course``. Validates everything before changing anything."""
    title = (title or "").strip()
    if not title:
        raise TrainingError(_l("A title is required."), "title")
    if len(title) > 200:
        raise TrainingError(_l("Use at most %(n)d characters.", n=200), "title")
    if kind not in COURSE_KINDS:
        raise TrainingError(_l("Choose a kind of course."), "kind")
    hours = _hours(duration_hours)
    unknown = [p for p in mandatory_positions if p not in POSITIONS]
    if unknown:
        raise TrainingError(_l("Choose positions from the list."), "mandatory_positions")
    trainer_id, trainer_name = _trainer(session, trainer_id, trainer_name)
    from plugins.training.services.assessments import parse_rubric

    parse_rubric(rubric)  # refuses a malformed rubric before anything changes
    if course is None:
        course = TrainingCourse(created_by_id=getattr(user, "id", None))
        session.add(course)
    course.title, course.kind, course.description = title, kind, (description or "").strip() or None
    course.duration_hours, course.trainer_id, course.trainer_name = hours, trainer_id, trainer_name
    course.mandatory_positions = ",".join(p for p in POSITIONS if p in mandatory_positions)
    course.rubric = (rubric or "").strip() or None
    session.flush()
    return course


def save_module(session: Any, course: TrainingCourse, module: TrainingModule | None = None, *, title: str,
                body: str | None = None, link_url: str | None = None, due_day: int | None = 0) -> TrainingModule:
    title = (title or "").strip()
    if not title:
        raise TrainingError(_l("A title is required."), "title")
    if len(title) > 200:
        raise TrainingError(_l("Use at most %(n)d characters.", n=200), "title")
    if due_day is None or not 0 <= due_day <= 365:
        raise TrainingError(_l("Enter a number of days between 0 and 365."), "due_day")
    link = check_link(link_url)
    if module is None:
        position = session.scalar(select(func.coalesce(func.max(TrainingModule.position), 0))
                                  .where(TrainingModule.course_id == course.id)) + 1
        module = TrainingModule(course_id=course.id, position=position)
        session.add(module)
    module.title, module.body, module.link_url, module.due_day = title, (body or "").strip() or None, link, due_day
    session.flush()
    return module


def is_in_use(session: Any, course: TrainingCourse) -> bool:
    """Whether anyone was assigned, or a session, programme, plan, exam, question or mapping refers to it."""
    return bool(session.scalar(select(
        exists().where(TrainingAssignment.course_id == course.id)
        | exists().where(TrainingSession.course_id == course.id)
        | exists().where(OnboardingProgramme.course_id == course.id)
        | exists().where(TrainingPlanItem.course_id == course.id)
        | exists().where(TrainingExam.course_id == course.id)
        | exists().where(BankQuestion.course_id == course.id)
        | exists().where(IndicatorCourse.course_id == course.id)
        | exists().where(PracticalAssessment.course_id == course.id))))


def archive_course(session: Any, course: TrainingCourse) -> None:
    """Hide the course from the catalogue and new assignments; everything recorded about it stays."""
    course.archived = True
    session.flush()


def restore_course(session: Any, course: TrainingCourse) -> None:
    course.archived = False
    session.flush()


def delete_course(session: Any, course: TrainingCourse) -> None:
    """Only a course nobody was ever assigned to (nor a session, nor a programme) is deleted; others are archived."""
    if is_in_use(session, course):
        raise TrainingError(_l("People were assigned to this course or it has sessions: archive it instead, so "
                               "that their records stay."))
    session.delete(course)
    session.flush()


def active_courses(kind: str | None = None) -> Any:
    stmt = select(TrainingCourse).where(TrainingCourse.archived.is_(False))
    return stmt.where(TrainingCourse.kind == kind) if kind else stmt


def course_choices(session: Any, kind: str | None = None) -> list[tuple[int, str]]:
    stmt = select(TrainingCourse.id, TrainingCourse.title).where(TrainingCourse.archived.is_(False))
    if kind:
        stmt = stmt.where(TrainingCourse.kind == kind)
    return [(cid, title) for cid, title in session.execute(stmt.order_by(TrainingCourse.title))]
