"""JSON API of the appraisal (/api/v1/appraisal), in the OpenAPI document: appraisals with their scores, read-only,
within the caller's scope (outside it: 404), for payroll and HR systems."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.api import ApiError, ValidationError, api_endpoint, paginate
from core.extensions import db
from core.security import can, scoped
from core.web.params import record_id
from plugins.appraisal.models import CYCLE_KINDS, GRADES, STATES, Appraisal, light
from plugins.appraisal.permissions import VIEW

bp = Blueprint("appraisal_api", __name__, url_prefix="/api/v1/appraisal")
TAGS = ("Appraisal",)
SCORE = {"type": ["string", "null"], "description": "0-150, two decimals"}
APPRAISAL = {"type": "object", "properties": {
    "id": {"type": "integer"}, "employee_id": {"type": "integer"}, "reviewer_id": {"type": ["integer", "null"]},
    "kind": {"enum": list(CYCLE_KINDS)}, "period_start": {"type": "string", "format": "date"},
    "due_on": {"type": "string", "format": "date"}, "state": {"enum": list(STATES)},
    "result_score": SCORE, "self_score": SCORE, "superior_score": SCORE, "customer_score": SCORE,
    "final_score": SCORE, "grade": {"enum": [*GRADES, None]},
    "missing_sources": {"type": "array", "items": {"enum": ["self", "superior", "customer"]}},
    "finalized_at": {"type": ["string", "null"], "format": "date-time"}, "version": {"type": "integer"}}}


def _stamp(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def _score(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def appraisal_json(a: Appraisal) -> dict[str, Any]:
    return {"id": a.id, "employee_id": a.employee_id, "reviewer_id": a.reviewer_id, "kind": a.kind,
            "period_start": a.period_start.isoformat(), "due_on": a.due_on.isoformat(), "state": a.state,
            "result_score": _score(a.result_score), "self_score": _score(a.self_score),
            "superior_score": _score(a.superior_score), "customer_score": _score(a.customer_score),
            "final_score": _score(a.final_score), "grade": a.grade,
            "missing_sources": a.missing_sources.split(",") if a.missing_sources else [],
            "finalized_at": _stamp(a.finalized_at), "version": a.version}


@bp.get("/appraisals")
@api_endpoint(VIEW, summary=_l("List appraisals"), paginated=True, response=APPRAISAL, tags=TAGS,
              query={"type": "object", "properties": {
                  "state": {"enum": list(STATES)}, "kind": {"enum": list(CYCLE_KINDS)},
                  "employee_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                  "period_start": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                   "description": "the first day of the period, YYYY-MM-DD"}}},
              rules={"period_start": _l("must be a real date")})
def list_appraisals(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = scoped(select(Appraisal).options(*light()), Appraisal, VIEW, current_user) \
        .order_by(Appraisal.period_start.desc(), Appraisal.id)
    for key, column in (("state", Appraisal.state), ("kind", Appraisal.kind), ("employee_id", Appraisal.employee_id)):
        if query.get(key) is not None:
            stmt = stmt.where(column == query[key])
    if query.get("period_start"):
        try:
            stmt = stmt.where(Appraisal.period_start == date.fromisoformat(query["period_start"]))
        except ValueError:
            raise ValidationError({"period_start": [_l("Enter a date as YYYY-MM-DD.")]}) from None
    return paginate(stmt, appraisal_json)


@bp.get("/appraisals/<appraisal_id>")
@api_endpoint(VIEW, summary=_l("Read an appraisal"), response=APPRAISAL, tags=TAGS)
def get_appraisal(appraisal_id: str):  # type: ignore[no-untyped-def]
    ident = record_id(appraisal_id)
    appraisal = db.session.get(Appraisal, ident) if ident else None
    if appraisal is None or not can(current_user, VIEW, appraisal):
        raise ApiError(404)
    return appraisal_json(appraisal)
