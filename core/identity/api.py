"""People and roles over the JSON API (/api/v1/users, /api/v1/roles): the same services as the admin pages, so the
same rules (core/identity/access.py, issue 11 F1): a caller grants only what they hold, manages only accounts within
their own rights, only administrators manage administrators, and the last administrator stays.

Refusals: 403 with the reason (beyond the caller's rights), 409 (the last administrator, deactivating oneself),
422 (a field at fault), 404 (no such person or role)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.api import ApiError, ValidationError, api_endpoint
from core.api.validation import SOME_TEXT, WHITESPACE
from core.extensions import db
from core.identity.access import ROLES_PERMISSION, USERS_PERMISSION, AccessRefused
from core.identity.models import POSITIONS, Role, User
from core.identity.roles import RoleError, set_grants
from core.identity.users import (
    LOGIN_PATTERN,
    LastAdministrator,
    UserError,
    create_user,
    deactivate_user,
    generate_password,
    reactivate_user,
    set_password,
    update_user,
)
from core.security import clear_access_cache

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_ID = 2_147_483_647
ROLE_CODES: dict[str, Any] = {"type": "array", "maxItems": 50, "uniqueItems": True,
                              "items": {"type": "string", "minLength": 1, "maxLength": 40}}
USER: dict[str, Any] = {
    "type": "object",
    "required": ["id", "login", "name", "active", "roles"],
    "properties": {
        "id": {"type": "integer"},
        "login": {"type": "string"},
        "name": {"type": "string"},
        "active": {"type": "boolean"},
        "position": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string"}},
        "password": {"type": "string", "description": "Only when the server generated it: shown this once."},
    },
}
# What the identity service accepts, said in the schemas (issue 11 F7); what they cannot say is in ``rules``.
_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": SOME_TEXT},
    "email": {"type": ["string", "null"], "maxLength": 200,
              "pattern": f"^$|^[^@{WHITESPACE}\\x00]+@[^@{WHITESPACE}\\x00]+\\.[^@{WHITESPACE}\\x00]+$"},
    "phone": {"type": ["string", "null"], "maxLength": 40},
    "position": {"enum": list(POSITIONS)},
    "roles": ROLE_CODES,
}
NEW_USER: dict[str, Any] = {
    "type": "object", "required": ["login", "name"], "additionalProperties": False,
    "properties": {"login": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": LOGIN_PATTERN.pattern},
                   "password": {"type": "string", "maxLength": 200,
                                "description": "Left out: one is generated and answered once."}, **_FIELDS},
}
USER_CHANGE: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": _FIELDS}
PASSWORD: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"password": {"type": "string", "maxLength": 200,
                                "description": "Left out: one is generated and answered once."}},
}
GRANTS: dict[str, Any] = {
    "type": "object", "required": ["grants"], "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "grants": {"type": "object", "maxProperties": 500,
                   "propertyNames": {"maxLength": 100},
                   "additionalProperties": {"enum": ["own", "team", "all"]},
                   "description": "Every grant the role keeps: {permission code: scope}."},
    },
}
ROLE: dict[str, Any] = {
    "type": "object", "required": ["id", "code", "grants"],
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
                   "grants": {"type": "object", "additionalProperties": {"enum": ["own", "team", "all"]}}},
}


def user_json(user: User, password: str | None = None) -> dict[str, Any]:
    data = {"id": user.id, "login": user.login, "name": user.name, "active": user.active,
            "position": user.position, "roles": sorted(role.code for role in user.roles)}
    if password is not None:
        data["password"] = password
    return data


def _refusal(exc: UserError | RoleError, body: dict[str, Any] | None = None) -> ApiError:
    """403 for what is beyond the caller, 422 for a field of the request at fault, 409 for a rule of the current
    state (the last administrator, oneself)."""
    db.session.rollback()
    if isinstance(exc, AccessRefused):
        return ApiError(403, str(exc))
    if isinstance(exc, LastAdministrator):  # the company's state, not the request's form
        return ApiError(409, str(exc))
    if exc.field and body is not None and (exc.field in body or exc.field in ("login", "name", "password")):
        return ValidationError({exc.field: [str(exc)]})
    return ApiError(409, str(exc))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError(404)
    return user


@bp.post("/users")
@api_endpoint(USERS_PERMISSION, summary=_l("Create a person"), tags=["people"], body=NEW_USER, response=USER,
              status=201, description=_l("Only roles whose every grant the caller holds as widely can be given."),
              rules={"login": _l("not taken by another person"), "password": _l("the password policy"),
                     "roles": _l("existing role codes")})
def create(body: dict[str, Any]) -> Any:
    generated = None if body.get("password") else generate_password()
    try:
        user = create_user(db.session, login=body["login"], name=body["name"],
                           password=body.get("password") or generated, email=body.get("email"),
                           phone=body.get("phone"), position=body.get("position", "other"),
                           roles=body.get("roles", []), actor=current_user)
    except UserError as exc:
        raise _refusal(exc, body) from None
    db.session.commit()
    return user_json(user, generated)


@bp.patch(f"/users/<int(max={MAX_ID}):user_id>")
@api_endpoint(USERS_PERMISSION, summary=_l("Change a person's details or roles"), tags=["people"],
              body=USER_CHANGE, response=USER,
              description=_l("Refused (403) for an account with rights beyond the caller's own."),
              rules={"roles": _l("existing role codes")})
def change(user_id: int, body: dict[str, Any]) -> Any:
    user = _user_or_404(user_id)
    fields = {key: value for key, value in body.items() if key != "roles"}
    try:
        update_user(db.session, user, roles=body.get("roles"), actor=current_user, **fields)
    except UserError as exc:
        raise _refusal(exc, body) from None
    db.session.commit()
    clear_access_cache()
    return user_json(user)


@bp.post(f"/users/<int(max={MAX_ID}):user_id>/password")
@api_endpoint(USERS_PERMISSION, summary=_l("Reset a person's password"), tags=["people"], body=PASSWORD,
              response=USER, rules={"password": _l("the password policy")})
def reset_password(user_id: int, body: dict[str, Any]) -> Any:
    user = _user_or_404(user_id)
    generated = None if body.get("password") else generate_password()
    try:
        set_password(user, body.get("password") or generated, actor=current_user)
    except UserError as exc:
        raise _refusal(exc, {"password": None}) from None
    db.session.commit()
    return user_json(user, generated)


@bp.post(f"/users/<int(max={MAX_ID}):user_id>/deactivate")
@api_endpoint(USERS_PERMISSION, summary=_l("Deactivate a person"), tags=["people"], response=USER)
def deactivate(user_id: int) -> Any:
    user = _user_or_404(user_id)
    try:
        deactivate_user(db.session, user, actor=current_user)
    except UserError as exc:
        raise _refusal(exc) from None
    db.session.commit()
    return user_json(user)


@bp.post(f"/users/<int(max={MAX_ID}):user_id>/reactivate")
@api_endpoint(USERS_PERMISSION, summary=_l("Reactivate a person"), tags=["people"], response=USER)
def reactivate(user_id: int) -> Any:
    user = _user_or_404(user_id)
    try:
        reactivate_user(db.session, user, actor=current_user)
    except UserError as exc:
        raise _refusal(exc) from None
    db.session.commit()
    return user_json(user)


@bp.put(f"/roles/<int(max={MAX_ID}):role_id>/grants")
@api_endpoint(ROLES_PERMISSION, summary=_l("Replace a role's grants"), tags=["people"], body=GRANTS,
              response=ROLE, description=_l("The caller adds or widens only grants they hold themselves."),
              rules={"grants": _l("declared permission codes")})
def replace_grants(role_id: int, body: dict[str, Any]) -> Any:
    role = db.session.get(Role, role_id)
    if role is None:
        raise ApiError(404)
    try:
        set_grants(db.session, role, body.get("name") or role.name, body["grants"], actor=current_user)
    except (UserError, RoleError) as exc:
        raise _refusal(exc, body) from None
    db.session.commit()
    clear_access_cache()
    return {"id": role.id, "code": role.code, "name": role.name,
            "grants": {grant.permission_code: grant.scope for grant in role.grants}}
