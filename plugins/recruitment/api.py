"""JSON API of recruitment (/api/v1/recruitment), in the OpenAPI document: hiring plans and applications (read),
for dashboards and HR tools. The same record scopes as the pages: outside the caller's scope is a 404. Candidates'
contact data is not in it (R11: the API serves statistics and workflow, not personal files)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import api_endpoint, paginate
from core.security import get_scoped_or_404, scoped
from plugins.recruitment.models import (
    APPLICATION_STATUSES,
    CHANNELS,
    REQUISITION_STATES,
    STAGES,
    Application,
    Requisition,
)

bp = Blueprint("recruitment_api", __name__, url_prefix="/api/v1/recruitment")
TAGS = ("Recruitment",)
MONEY_OR_NULL = {"type": ["string", "null"], "pattern": r"^-?\d+\.\d{2}$", "description": "CNY, exact, two decimals"}
REQUISITION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "position": {"type": "string"},
    "department_id": {"type": ["integer", "null"]}, "headcount": {"type": "integer"}, "filled": {"type": "integer"},
    "reason": {"type": "string"}, "salary_min": MONEY_OR_NULL, "salary_max": MONEY_OR_NULL,
    "required_by": {"type": ["string", "null"], "format": "date"}, "state": {"enum": list(REQUISITION_STATES)},
    "requested_by_id": {"type": "integer"}, "approved_at": {"type": ["string", "null"], "format": "date-time"},
    "filled_at": {"type": ["string", "null"], "format": "date-time"},
    "requirements": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string"}, "text": {"type": "string"}}}}}}
APPLICATION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "requisition_id": {"type": "integer"}, "candidate_id": {"type": "integer"},
    "channel": {"enum": list(CHANNELS)}, "posting_id": {"type": ["integer", "null"]},
    "stage": {"enum": list(STAGES)}, "status": {"enum": list(APPLICATION_STATUSES)}, "on_hold": {"type": "boolean"},
    "applied_at": {"type": "string", "format": "date-time"},
    "stage_entered_at": {"type": "string", "format": "date-time"},
    "closed_at": {"type": ["string", "null"], "format": "date-time"}}}


def _stamp(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def requisition_json(r: Requisition) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "position": r.position, "department_id": r.department_id,
            "headcount": r.headcount, "filled": r.filled, "reason": r.reason, "salary_min": _money(r.salary_min),
            "salary_max": _money(r.salary_max), "required_by": _stamp(r.required_by), "state": r.state,
            "requested_by_id": r.requested_by_id, "approved_at": _stamp(r.approved_at),
            "filled_at": _stamp(r.filled_at),
            "requirements": [{"kind": q.kind, "text": q.text} for q in r.requirements]}


def application_json(a: Application) -> dict[str, Any]:
    return {"id": a.id, "requisition_id": a.requisition_id, "candidate_id": a.candidate_id, "channel": a.channel,
            "posting_id": a.posting_id, "stage": a.stage, "status": a.status, "on_hold": a.on_hold,
            "applied_at": _stamp(a.created_at), "stage_entered_at": _stamp(a.stage_entered_at),
            "closed_at": _stamp(a.closed_at)}


@bp.get("/requisitions")
@api_endpoint("recruitment.requisition.view", summary=_l("List hiring plans"), paginated=True,
              response=REQUISITION, tags=TAGS,
              query={"type": "object", "properties": {"state": {"enum": list(REQUISITION_STATES)}}})
def list_requisitions(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = scoped(select(Requisition), Requisition, "recruitment.requisition.view").order_by(Requisition.id)
    if query.get("state"):
        stmt = stmt.where(Requisition.state == query["state"])
    return paginate(stmt, requisition_json)


@bp.get("/requisitions/<int:requisition_id>")
@api_endpoint("recruitment.requisition.view", summary=_l("Read a hiring plan"), response=REQUISITION, tags=TAGS)
def get_requisition(requisition_id: int):  # type: ignore[no-untyped-def]
    return requisition_json(get_scoped_or_404(Requisition, requisition_id, "recruitment.requisition.view"))


@bp.get("/applications")
@api_endpoint("recruitment.application.view", summary=_l("List applications"), paginated=True,
              response=APPLICATION, tags=TAGS, query={"type": "object", "properties": {
                  "requisition_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                  "stage": {"enum": list(STAGES)}, "status": {"enum": list(APPLICATION_STATUSES)},
                  "channel": {"enum": list(CHANNELS)}}})
def list_applications(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = scoped(select(Application), Application, "recruitment.application.view").order_by(Application.id)
    for key, column in (("requisition_id", Application.requisition_id), ("stage", Application.stage),
                        ("status", Application.status), ("channel", Application.channel)):
        if query.get(key) is not None:
            stmt = stmt.where(column == query[key])
    return paginate(stmt, application_json)


@bp.get("/applications/<int:application_id>")
@api_endpoint("recruitment.application.view", summary=_l("Read an application"), response=APPLICATION, tags=TAGS)
def get_application(application_id: int):  # type: ignore[no-untyped-def]
    return application_json(get_scoped_or_404(Application, application_id, "recruitment.application.view"))
