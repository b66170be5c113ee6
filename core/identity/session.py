"""Flask-Login's user loader: the session carries "<id>:<session token>"."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, undefer

from core.extensions import db
from core.identity.models import Role, User, user_roles


def load_user(identity: str) -> User | None:
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit():
        return None
    user = signed_in_user(int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None  # deactivated, or the password changed since this session began
    return user


def signed_in_user(user_id: int) -> User | None:
    """The user with everything every page asks of them (roles, whether they have a team) in one statement; the
    roles' grants come from the process's copy (core/identity/grant_cache.py), so the shell's permission checks
    and menu run without further queries."""
    return db.session.execute(_SIGNED_IN_USER, {"user_id": user_id}).unique().scalar_one_or_none()


# Built once (every request runs it). Flat outer joins: joinedload would nest "user_role JOIN role", which SQLite
# materialises over every user's roles.
_SIGNED_IN_USER = (
    select(User).where(User.id == bindparam("user_id"))
    .outerjoin(user_roles, user_roles.c.user_id == User.id)
    .outerjoin(Role, Role.id == user_roles.c.role_id)
    # Role.grants is eager ("selectin") elsewhere; here it loads only if asked for (grant_cache.py answers instead).
    .options(contains_eager(User.roles).lazyload(Role.grants), undefer(User.has_subordinates))
)
