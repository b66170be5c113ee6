"""Practical assessments (R3.2.4): the trainer scores a person's practical task on the course's rubric; the
result goes to the person and their supervisor."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from plugins.training.models import PracticalAssessment, TrainingCourse
from plugins.training.services import TrainingError

MAX_CRITERIA = 20


def parse_rubric(text: str | None) -> list[tuple[str, int]]:
    """The rubric's criteria, one a line as "name: most points". Raises TrainingError on a malformed line."""
    criteria: list[tuple[str, int]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, points = line.replace("：", ":").rpartition(":")
        name = name.strip()
        try:
            most = int(points.strip())
        except ValueError:
            most = 0
        if not name or not 1 <= most <= 100 or len(name) > 100:
            raise TrainingError(_l("Write each criterion as “name: most points”, e.g. “开场白: 10”."), "rubric")
        criteria.append((name, most))
    if len(criteria) > MAX_CRITERIA:
        raise TrainingError(_l("Use at most 20 criteria."), "rubric")
    return criteria


def record(session: Any, course: TrainingCourse, person: Any, assessor: Any, points: dict[str, Any],
           note: str | None = None) -> PracticalAssessment:
    """Score every criterion of the rubric (0 to its most points); the total is a percent of the rubric."""
    from core.notifications.service import notify

    criteria = parse_rubric(course.rubric)
    if not criteria:
        raise TrainingError(_l("This course has no rubric yet: edit the course to write one."))
    if not getattr(person, "active", True):
        raise TrainingError(_l("This person is no longer active."), "user_id")
    scores = []
    for name, most in criteria:
        try:
            given = Decimal(str(points.get(name, "")).strip())
        except (InvalidOperation, ValueError):
            given = Decimal("-1")
        if not given.is_finite() or not 0 <= given <= most:
            raise TrainingError(_l("Give %(name)s between 0 and %(most)s points.", name=name, most=most))
        scores.append([name, str(given.quantize(Decimal("0.1"))), most])
    earned = sum((Decimal(given) for _name, given, _most in scores), Decimal("0"))
    total = (earned * 100 / sum(most for _name, most in criteria)).quantize(Decimal("0.01"))
    assessment = PracticalAssessment(course_id=course.id, user_id=person.id, assessor_id=assessor.id, scores=scores,
                                     total=total, note=(note or "").strip()[:5000] or None)
    session.add(assessment)
    session.flush()
    url = f"/training/assessments/{assessment.id}"
    notify(person, _l("Your practical assessment in %(course)s: %(score)s%%."), url, course=course.title,
           score=total)
    if person.superior is not None and person.superior.active:
        notify(person.superior, _l("%(name)s's practical assessment in %(course)s: %(score)s%%."), url,
               name=person.name, course=course.title, score=total)
    return assessment
