"""Access decisions: every view declares who may reach it, and ``can`` answers for one user and permission."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTRIBUTE = "_netsales_access"
ADMIN_ROLE = "admin"


def public(view: F) -> F:
    """Mark a view as reachable without logging in (login page, health check)."""
    setattr(view, ACCESS_ATTRIBUTE, ("public", None))
    return view


def authenticated(view: F) -> F:
    """Any signed-in user may reach this view (their own dashboard, profile, notifications)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, ("authenticated", None))
    return wrapper  # type: ignore[return-value]


def require(permission: str) -> Callable[[F], F]:
    """Only users granted ``permission`` reach this view; others get 403 (anonymous users go to the login page)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, ("permission", permission))
        return wrapper  # type: ignore[return-value]

    return decorate


def view_access(view: Callable[..., Any]) -> tuple[str, str | None] | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


def granted_scopes(user: Any) -> dict[str, str]:
    """{permission code: widest scope} over the user's roles, computed once per request."""
    cache = g.setdefault("_netsales_grants", {})
    if user.id not in cache:
        order = {"own": 0, "team": 1, "all": 2}
        scopes: dict[str, str] = {}
        for role in user.roles:
            for grant in role.grants:
                known = scopes.get(grant.permission_code)
                if known is None or order[grant.scope] > order[known]:
                    scopes[grant.permission_code] = grant.scope
        cache[user.id] = scopes
    return cache[user.id]


def is_admin(user: Any) -> bool:
    return any(role.code == ADMIN_ROLE for role in user.roles)


def can(user: Any, permission: str, obj: Any = None) -> bool:
    """True if ``user`` holds ``permission`` (administrators hold all) and no plugin's permission_check vetoes it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if not (is_admin(user) or permission in granted_scopes(user)):
        return False
    verdicts = current_app.extensions["netsales"].call("permission_check", user=user, permission=permission, obj=obj)
    return False not in verdicts
