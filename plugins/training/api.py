"""JSON API of training (/api/v1/training), in the OpenAPI document: the catalogue, sessions, enrolling, and the
caller's own assignments. The same services and rules as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api import ApiError, ValidationError, api_endpoint, paginate
from core.extensions import db
from core.timeutil import utcnow
from plugins.training.models import (
    COURSE_KINDS,
    ENROLMENT_STATES,
    TrainingAssignment,
    TrainingCourse,
    TrainingSession,
)
from plugins.training.permissions import COURSE_VIEW
from plugins.training.services import TrainingError
from plugins.training.services import sessions as service

bp = Blueprint("training_api", __name__, url_prefix="/api/v1/training")
TAGS = ("Training",)
NULLABLE = {"type": ["string", "null"]}
STAMP = {"type": "string", "format": "date-time"}

COURSE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "kind": {"enum": list(COURSE_KINDS)},
    "description": NULLABLE, "duration_hours": {"type": "string"}, "archived": {"type": "boolean"},
    "mandatory_positions": {"type": "array", "items": {"type": "string"}}}}
SESSION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "course_id": {"type": "integer"}, "course": {"type": "string"},
    "starts_at": STAMP, "ends_at": STAMP, "place": NULLABLE, "online_url": NULLABLE,
    "capacity": {"type": "integer"}, "seats_taken": {"type": "integer"}, "cancelled": {"type": "boolean"}}}
ENROLMENT = {"type": "object", "properties": {
    "session_id": {"type": "integer"}, "state": {"enum": list(ENROLMENT_STATES)}}}
ASSIGNMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "course_id": {"type": "integer"}, "course": {"type": "string"},
    "source": {"type": "string"}, "due_date": {"type": ["string", "null"], "format": "date"},
    "completed_at": {"type": ["string", "null"], "format": "date-time"},
    "steps": {"type": "array", "items": {"type": "object", "properties": {
        "module_id": {"type": "integer"}, "title": {"type": "string"}, "due_date": {"type": "string", "format": "date"},
        "done": {"type": "boolean"}}}}}}


def _stamp(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def course_json(c: TrainingCourse) -> dict[str, Any]:
    return {"id": c.id, "title": c.title, "kind": c.kind, "description": c.description,
            "duration_hours": f"{c.duration_hours:.2f}", "archived": c.archived, "mandatory_positions": c.positions}


def session_json(s: TrainingSession) -> dict[str, Any]:
    return {"id": s.id, "course_id": s.course_id, "course": s.course.title, "starts_at": _stamp(s.starts_at),
            "ends_at": _stamp(s.ends_at), "place": s.place, "online_url": s.online_url, "capacity": s.capacity,
            "seats_taken": s.seats_taken, "cancelled": s.cancelled}


def assignment_json(a: TrainingAssignment) -> dict[str, Any]:
    return {"id": a.id, "course_id": a.course_id, "course": a.course.title, "source": a.source,
            "due_date": _stamp(a.due_date), "completed_at": _stamp(a.completed_at),
            "steps": [{"module_id": s.module_id, "title": s.module.title, "due_date": _stamp(s.due_date),
                       "done": s.done_at is not None} for s in a.steps]}


@bp.get("/courses")
@api_endpoint(COURSE_VIEW, summary=_l("List courses"), paginated=True, response=COURSE, tags=TAGS,
              query={"type": "object", "properties": {"kind": {"enum": list(COURSE_KINDS)}}})
def list_courses(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(TrainingCourse).where(TrainingCourse.archived.is_(False)).order_by(TrainingCourse.title,
                                                                                   TrainingCourse.id)
    if query.get("kind"):
        stmt = stmt.where(TrainingCourse.kind == query["kind"])
    return paginate(stmt, course_json)


@bp.get("/sessions")
@api_endpoint(COURSE_VIEW, summary=_l("List upcoming sessions"), paginated=True, response=SESSION, tags=TAGS,
              query={"type": "object", "properties": {"course_id": {"type": "integer", "minimum": 1,
                                                                     "maximum": 2**31 - 1}}})
def list_sessions(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(TrainingSession).where(TrainingSession.starts_at >= utcnow()).order_by(TrainingSession.starts_at,
                                                                                       TrainingSession.id)
    if query.get("course_id"):
        stmt = stmt.where(TrainingSession.course_id == query["course_id"])
    return paginate(stmt, session_json)


@bp.post("/sessions/<int:session_id>/enrol")
@api_endpoint(COURSE_VIEW, summary=_l("Enrol in a session"), response=ENROLMENT, tags=TAGS,
              description=_l("A seat while one is free, else a place on the waiting list (state \"waiting\"); "
                             "never more seats than the capacity, however many enrol at once."),
              rules={"session_id": _l("the session has not started and is not cancelled; you are not enrolled "
                                      "yet")})
def enrol(session_id: int):  # type: ignore[no-untyped-def]
    item = db.session.get(TrainingSession, session_id)
    if item is None:
        raise ApiError(404)
    try:
        enrolment = service.enrol(db.session, item, current_user)
    except TrainingError as exc:
        db.session.rollback()
        raise ValidationError({"session_id": [str(exc)]}) from None
    db.session.commit()
    return {"session_id": item.id, "state": enrolment.state}


@bp.get("/my/assignments")
@api_endpoint(COURSE_VIEW, summary=_l("My assigned courses and checklists"), paginated=True, response=ASSIGNMENT,
              tags=TAGS)
def my_assignments():  # type: ignore[no-untyped-def]
    stmt = (select(TrainingAssignment).where(TrainingAssignment.user_id == current_user.id,
                                             TrainingAssignment.cancelled.is_(False))
            .options(selectinload(TrainingAssignment.steps)).order_by(TrainingAssignment.id))
    return paginate(stmt, assignment_json)
