"""Global search: courses of the catalogue whose title contains the text (the catalogue is small: one statement)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import SearchResult
from core.db.substring_index import contains_any_case
from core.extensions import db
from core.security import can
from plugins.training.labels import KIND_LABELS
from plugins.training.models import TrainingCourse
from plugins.training.permissions import COURSE_VIEW


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    if not text or not can(user, COURSE_VIEW):
        return []
    rows = db.session.execute(select(TrainingCourse.id, TrainingCourse.title, TrainingCourse.kind)
                              .where(TrainingCourse.archived.is_(False), contains_any_case(TrainingCourse.title, text))
                              .order_by(TrainingCourse.title, TrainingCourse.id).limit(limit))
    return [SearchResult(title=title, url=url_for("training.course", course_id=course_id), kind=_("Course"),
                         snippet=str(KIND_LABELS.get(kind, "")))
            for course_id, title, kind in rows]
