"""A searchable select of the course catalogue, ``training.course`` (issue 12: no dropdown of a whole table): the
courses in use, found by title. Another module links a record to a course with it (a knowledge post, R8.1.2)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from core.contracts import LookupDef
from core.db.substring_index import contains_any_case
from core.extensions import db
from plugins.training.models import TrainingCourse
from plugins.training.permissions import COURSE_VIEW


def search_courses(query: str, user: Any, limit: int, offset: int) -> list[tuple[int, str]]:
    """Courses not archived whose title contains every word of ``query``, by title."""
    stmt = select(TrainingCourse.id, TrainingCourse.title).where(TrainingCourse.archived.is_(False))
    words = query.split()
    if words:
        stmt = stmt.where(and_(*(contains_any_case(TrainingCourse.title, word) for word in words)))
    rows = db.session.execute(stmt.order_by(TrainingCourse.title, TrainingCourse.id).limit(limit).offset(offset))
    return [(int(course_id), str(title)) for course_id, title in rows]


def course_labels(ids: list[int], user: Any) -> dict[int, str]:
    """Titles of the courses among ``ids``; an archived course keeps its title (a post written about it still
    names it), but cannot be found by a search."""
    if not ids:
        return {}
    rows = db.session.execute(select(TrainingCourse.id, TrainingCourse.title).where(TrainingCourse.id.in_(ids)))
    return {int(course_id): str(title) for course_id, title in rows}


def course_path(course_id: int) -> str:
    return url_for("training.course", course_id=course_id)


def lookup_definitions() -> list[LookupDef]:
    return [LookupDef("training.course", _l("Course"), search=search_courses, label_for=course_labels,
                      permission=COURSE_VIEW, url=course_path)]
