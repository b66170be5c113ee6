"""Flask-Login's user loader: the session carries "<id>:<session token>"."""

from __future__ import annotations

from core.extensions import db
from core.identity.models import User


def load_user(identity: str) -> User | None:
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None  # deactivated, or the password changed since this session began
    return user
