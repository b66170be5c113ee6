"""Global search: courses of the catalogue whose title contains the text (the catalogue is small: one statement).

The statement is built once per process for each shape (database, whether the text needs lower()) with the text
and the limit as parameters, and runs on the session's connection: building it at every search cost more than
running it (issue 18). The SQL is contains_any_case's with the text bound (core.db.substring_index)."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select

from core.contracts import SearchResult
from core.db.substring_index import bound_contains, contains_pattern, needs_lower
from core.extensions import db
from core.i18n import label_text
from core.security import can
from core.web.record_links import record_url_prefix
from plugins.training.labels import KIND_LABELS
from plugins.training.models import TrainingCourse
from plugins.training.permissions import COURSE_VIEW


# Built once for each shape (functools.cache): lower() or not, the same SQL on both databases otherwise.
@cache
def _statement(lower: bool) -> Select:
    """(id, title, kind) of the courses not archived whose title contains :title, by title (:limit)."""
    return (select(TrainingCourse.id, TrainingCourse.title, TrainingCourse.kind)
            .where(TrainingCourse.archived.is_(False), bound_contains(TrainingCourse.title, "title", lower))
            .order_by(TrainingCourse.title, TrainingCourse.id).limit(bindparam("limit")))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    if not text or not can(user, COURSE_VIEW):
        return []
    # Plain rows on the session's connection (nothing for the ORM to do); pending changes are flushed first, as
    # the ORM's autoflush did.
    db.session.flush()
    connection = db.session.connection()
    lower = needs_lower(text, connection.dialect.name == "postgresql")
    stmt = _statement(lower)
    rows = connection.execute(stmt, {"title": contains_pattern(text), "limit": limit}).all()
    if not rows:
        return []
    kind, url = _("Course"), record_url_prefix("training.course", "course_id")
    # Each course kind's words kept per locale (label_text); an unknown kind shows nothing, never its code.
    return [SearchResult(title=title, url=f"{url}{course_id}", kind=kind,
                         snippet=label_text(KIND_LABELS[course_kind]) if course_kind in KIND_LABELS else "")
            for course_id, title, course_kind in rows]
