"""Dashboard widgets and profile sections: one or two statements each, never one per row."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from core.timeutil import local_today
from plugins.team.services import actions, notices, recognition


def my_action_items(user: Any) -> dict[str, Any]:
    return {"items": actions.open_items_of(db.session, user), "today": local_today()}


def required_reading(user: Any) -> dict[str, Any]:
    return {"notices": notices.unread_required(db.session, user)}


def profile_recognition(user: Any) -> dict[str, Any]:
    return {"awards": recognition.awards_of(db.session, user.id),
            "kudos": recognition.kudos_count(db.session, user.id)}
