"""Access decisions: every view declares who may reach it, ``can`` answers for one user and permission, and
``scoped`` limits a query to the records a user may see (own / team / all, DESIGN.md "Access", R2.1–R2.3)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy import Select, bindparam, false, select
from sqlalchemy.orm import InstrumentedAttribute

from core.identity.grant_cache import role_grants

F = TypeVar("F", bound=Callable[..., Any])
Q = TypeVar("Q", bound=Select)

ACCESS_ATTRIBUTE = "_netsales_access"
ADMIN_ROLE = "admin"
#: Scopes from narrowest to widest: a representative's own records, a supervisor's team, everything (R2).
SCOPE_ORDER = {"own": 0, "team": 1, "all": 2}


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


# ---------------------------------------------------------------------------------------------------- request cache


def _cache(name: str) -> dict[Any, Any]:
    """A dict on flask.g: lives for one request (or one CLI command), so role edits apply on the next request."""
    return g.setdefault(name, {})


def clear_access_cache() -> None:
    """Forget this request's cached grants and teams, after changing roles, grants or superiors."""
    for name in ("_netsales_grants", "_netsales_teams", "_netsales_record_level"):
        g.pop(name, None)


def granted_scopes(user: Any) -> dict[str, str]:
    """{permission code: widest scope} over the user's roles, computed once per request: from the process's copy
    of every role's grants (core/identity/grant_cache.py, kept under the "roles" counter) when this request may
    trust it, else from the ORM."""
    cache = _cache("_netsales_grants")
    if user.id not in cache:
        roles = user.roles
        kept = role_grants([role.id for role in roles])
        per_role = [kept[role.id].items() for role in roles] if kept is not None else \
            [((grant.permission_code, grant.scope) for grant in role.grants) for role in roles]
        scopes: dict[str, str] = {}
        for grants in per_role:
            for code, scope in grants:
                known = scopes.get(code)
                if known is None or SCOPE_ORDER[scope] > SCOPE_ORDER[known]:
                    scopes[code] = scope
        cache[user.id] = scopes
    return cache[user.id]


def team_ids(user: Any) -> set[int]:
    """The user and everyone below them in the reporting lines, recursively (R2.2.2: a supervisor's team).

    One recursive query, cached for the request."""
    from core.extensions import db
    from core.identity.org import team_member_ids

    cache = _cache("_netsales_teams")
    if user.id not in cache:
        cache[user.id] = team_member_ids(db.session, user.id)
    return cache[user.id]


def has_team(user: Any) -> bool:
    """Whether anyone reports to ``user`` (R2.2.2): from the team this request already computed, else from the flag
    loaded with the signed-in user (User.has_subordinates), so that the menu costs no query."""
    known = _cache("_netsales_teams").get(user.id)
    return len(known) > 1 if known is not None else bool(user.has_subordinates)


def _record_level_codes() -> frozenset[str]:
    """Permissions synced from the declarations (at start-up and when plugins change): kept per process."""
    from core.cache import PLUGINS_COUNTER, shared
    from core.extensions import db
    from core.identity.models import Permission

    cache = _cache("_netsales_record_level")
    if "codes" not in cache:
        cache["codes"] = shared("security.record_level", PLUGINS_COUNTER, lambda: frozenset(
            db.session.scalars(select(Permission.code).where(Permission.record_level))))
    return cache["codes"]


def is_admin(user: Any) -> bool:
    return any(role.code == ADMIN_ROLE for role in user.roles)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and bool(user.active)


def scope_for(user: Any, permission: str) -> str | None:
    """The widest scope ``user`` holds ``permission`` with ("own", "team", "all"), or None without a grant.

    Administrators hold every permission with scope "all"; a grant on a permission that is not record-level
    counts as "all" whatever scope it carries."""
    if not _signed_in(user):
        return None
    if is_admin(user):
        return "all"
    scope = granted_scopes(user).get(permission)
    if scope is None:
        return None
    return scope if permission in _record_level_codes() else "all"


def owner_column(model: Any) -> InstrumentedAttribute:
    """The model's owner column, named by its ``__owner__`` class attribute (e.g. ``__owner__ = "owner_id"``)."""
    name = getattr(model, "__owner__", None)
    if not name:
        raise TypeError(f"{model.__name__} declares no __owner__ column; record scopes need one")
    return getattr(model, name)


class StatementScope(NamedTuple):
    """A user's scope on a permission as a statement built once per scope needs it: the scope, whether its
    condition is written for PostgreSQL (only a team's differs: one array parameter) and its parameters."""

    scope: str | None
    postgresql: bool
    parameters: dict[str, Any]


def statement_scope(user: Any, permission: str) -> StatementScope:
    """``user``'s scope on ``permission`` for ``scope_condition(scope, column, postgresql)`` in a statement built
    once per (scope, postgresql), run with ``parameters`` (scope_parameters)."""
    scope = scope_for(user, permission)
    return StatementScope(scope, scope == "team" and _postgresql(), scope_parameters(user, scope))


def within_scope(query: Q, scope: str | None, column: Any, postgresql: bool = False,
                 values: Mapping[str, Any] | None = None) -> Q:
    """``query`` where the owner ``column`` is within ``scope`` (scope_condition; unchanged for "all"): for a
    statement built once per scope, or with ``values`` bound for one request."""
    condition = scope_condition(scope, column, postgresql, values)
    return query if condition is None else query.where(condition)


def scoped(query: Q, model: Any, permission: str, user: Any = None) -> Q:
    """Restrict ``query`` (a select over ``model``) to the rows ``user`` may reach through ``permission``:
    own → rows they own, team → rows their team owns, all → every row, no grant → no row (scope_condition's
    rule, the user's id or team bound)."""
    scope, postgresql, parameters = statement_scope(current_user if user is None else user, permission)
    return within_scope(query, scope, owner_column(model), postgresql, parameters)


def _postgresql() -> bool:
    from core.extensions import db

    return db.session.get_bind().dialect.name == "postgresql"


def team_condition(column: Any, user: Any) -> Any:
    """``column`` (an owner column) is one of ``user``'s team (R2.2.2), the team bound (scope_condition). On
    PostgreSQL one array parameter (``= ANY``), planned as the IN list is: an IN list is an expanding parameter that
    SQLAlchemy writes into the statement again at every execution of every statement a page runs with it (a list's
    count and rows)."""
    return scope_condition("team", column, _postgresql(), scope_parameters(user, "team"))


def scope_condition(scope: str | None, column: Any, postgresql: bool = False,
                    values: Mapping[str, Any] | None = None) -> Any:
    """``column`` (an owner column) within ``scope`` (R2.2): the one statement of the record scopes' rule, with the
    user's id or team as parameters (``scope_parameters``), for a statement built once per scope and run at every
    request. None for "all" (no condition). With ``values`` (scope_parameters' for a user) the parameters are
    bound to them, each unique in its statement (two users' scopes may meet in one), for a statement built for
    one request (``scoped``)."""
    from core.db.parameters import one_of

    if scope == "all":
        return None
    if scope == "own":
        return column == (bindparam("scope_user_id", values["scope_user_id"], unique=True) if values
                          else bindparam("scope_user_id"))
    if scope == "team":
        return one_of(column, "scope_team_ids", postgresql, values["scope_team_ids"] if values else None)
    return false()


def scope_parameters(user: Any, scope: str | None) -> dict[str, Any]:
    """The parameters of ``scope_condition(scope, …)`` for ``user``."""
    if scope == "own":
        return {"scope_user_id": user.id}
    if scope == "team":
        return {"scope_team_ids": sorted(team_ids(user))}
    return {}


def _owner_in_scope(user: Any, permission: str, obj: Any) -> bool:
    if permission not in _record_level_codes() or not getattr(type(obj), "__owner__", None):
        return True
    scope = scope_for(user, permission)
    owner = getattr(obj, type(obj).__owner__)
    if scope == "all":
        return True
    if scope == "own":
        return owner == user.id
    return scope == "team" and owner in team_ids(user)


def can(user: Any, permission: str, obj: Any = None) -> bool:
    """True if ``user`` holds ``permission`` (administrators hold all), ``obj`` (if given, with an ``__owner__``
    and a record-level permission) lies within their scope, and no plugin's permission_check vetoes it."""
    if not _signed_in(user):
        return False
    if not (is_admin(user) or permission in granted_scopes(user)):
        return False
    if obj is not None and not is_admin(user) and not _owner_in_scope(user, permission, obj):
        return False
    engine = current_app.extensions["netsales"]
    if not engine.implements("permission_check"):
        return True  # nobody can veto (the common case: skip the hook call)
    verdicts = engine.call("permission_check", user=user, permission=permission, obj=obj)
    return False not in verdicts


def get_scoped_or_404(model: Any, ident: Any, permission: str, user: Any = None, options: Sequence[Any] = ()) -> Any:
    """The ``model`` record ``ident`` if ``user`` may reach it through ``permission``; otherwise 404, not 403, so
    that nobody learns whether another person's record exists (IDOR). ``options``: loader options for the record
    (e.g. ``lazyload("*")`` for a page that draws none of its eager relationships)."""
    from core.extensions import db

    user = current_user if user is None else user
    key = model.__mapper__.primary_key[0]
    try:
        query = select(model).options(*options).where(key == key.type.python_type(ident))
    except (TypeError, ValueError):
        abort(404)
    record = db.session.scalar(scoped(query, model, permission, user))
    if record is None or not can(user, permission, record):
        abort(404)
    return record
