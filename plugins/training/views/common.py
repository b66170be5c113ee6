"""The training blueprint and what its page modules share: scoped look-ups (404 outside the user's scope),
labels for templates, choices of people, the static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, send_from_directory
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.identity.positions import POSITION_LABELS
from core.security import can, public, scope_for, team_condition, team_ids
from core.timeutil import local_to_utc, utcnow
from plugins.training import labels
from plugins.training.permissions import RECORD_VIEW

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("training", __name__, url_prefix="/training", template_folder=str(PLUGIN_DIR / "templates"))


@bp.app_context_processor
def training_template_helpers() -> dict[str, Any]:
    return {"training_labels": {
        "kind": labels.KIND_LABELS, "source": labels.SOURCE_LABELS, "enrolment": labels.ENROLMENT_LABELS,
        "attendance": labels.ATTENDANCE_LABELS, "plan_state": labels.PLAN_STATE_LABELS,
        "plan_source": labels.PLAN_SOURCE_LABELS, "item_kind": labels.ITEM_KIND_LABELS,
        "question_kind": labels.QUESTION_KIND_LABELS, "attempt_state": labels.ATTEMPT_STATE_LABELS,
        "position": POSITION_LABELS}}


@bp.get("/assets/<path:filename>")
@public
def asset(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's static files (no inline scripts or styles under the CSP)."""
    return send_from_directory(PLUGIN_DIR / "static" / "training", filename, max_age=3600)


def may(permission: str, obj: Any = None) -> bool:
    return can(current_user, permission, obj)


def get_or_404(model: Any, ident: int) -> Any:
    record = db.session.get(model, ident)
    if record is None:
        abort(404)
    return record


def person_in_scope_or_404(user_id: int | None, permission: str = RECORD_VIEW) -> User:
    """A person whose training records ``current_user`` may see through ``permission`` (own, team, all)."""
    person = db.session.get(User, user_id) if user_id else None
    if person is None or not in_scope(person.id, permission):
        abort(404)
    return person


def in_scope(user_id: int, permission: str = RECORD_VIEW) -> bool:
    scope = scope_for(current_user, permission)
    if scope == "all":
        return True
    if scope == "team":
        return user_id in team_ids(current_user)
    return scope == "own" and user_id == current_user.id


def people_in_scope(permission: str, limit: int = 1000) -> list[tuple[str, str]]:
    """(id, name) of the active people ``current_user`` may act on through ``permission``, for a select."""
    stmt = select(User.id, User.name).where(User.active)
    scope = scope_for(current_user, permission)
    if scope is None:
        return []
    if scope == "own":
        stmt = stmt.where(User.id == current_user.id)
    elif scope == "team":
        stmt = stmt.where(team_condition(User.id, current_user))
    return [(str(uid), name) for uid, name in db.session.execute(stmt.order_by(User.name).limit(limit))]


def everyone_choices(limit: int = 2000) -> list[tuple[str, str]]:
    return [(str(uid), name) for uid, name in db.session.execute(
        select(User.id, User.name).where(User.active).order_by(User.name).limit(limit))]


def to_utc(moment: Any) -> Any:
    """A wall-clock time typed in the company zone, as stored (naive UTC)."""
    return local_to_utc(moment) if moment is not None else None


def to_local(moment: Any) -> Any:
    """A stored (naive UTC) time as the company's wall clock, for a form field."""
    from datetime import UTC

    from core.timeutil import company_zone

    return moment.replace(tzinfo=UTC).astimezone(company_zone()).replace(tzinfo=None) if moment else None


def now() -> Any:
    return utcnow()
