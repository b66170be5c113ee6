"""Built-in roles (R1.2, R2.1–R2.3) and syncing declared permissions into the database."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import SCOPES, PermissionDef
from core.i18n import source_text
from core.identity.models import Grant, Permission, Role, user_roles

#: code -> (name, the scope its record-level grants get by default)
BUILTIN_ROLES: dict[str, tuple[Any, str]] = {
    "sales_rep": (_l("Sales representative"), "own"),  # R2.1: works on their own customers and deals
    "sales_supervisor": (_l("Sales supervisor"), "team"),  # R2.2.2: manages the team
    "sales_manager": (_l("Sales manager"), "all"),  # R2.3.1: owns all online sales
    "hr": (_l("HR"), "all"),
    "finance": (_l("Finance"), "all"),
    "department_head": (_l("Department head"), "team"),
    "admin": (_l("Administrator"), "all"),
}


def ensure_builtin_roles(session: Any) -> None:
    existing = set(session.scalars(select(Role.code)))
    for code, (name, _scope) in BUILTIN_ROLES.items():
        if code not in existing:
            session.add(Role(code=code, name=source_text(name), builtin=True))
    session.flush()


def sync_permissions(session: Any, declared: dict[str, list[PermissionDef]]) -> None:
    """Insert or update the declared permissions; a permission seen for the first time gets its default grants.

    ``declared`` maps an owner (core or a plugin name) to what it declared. Permissions of plugins that are no
    longer installed stay, so that their grants come back with the plugin.
    """
    ensure_builtin_roles(session)
    roles = {role.code: role for role in session.scalars(select(Role))}
    known = {p.code: p for p in session.scalars(select(Permission))}
    for owner, definitions in declared.items():
        for definition in definitions:
            if owner != "core" and not definition.code.startswith(f"{owner}."):
                raise ValueError(f"permission {definition.code} of plugin {owner} must start with '{owner}.'")
            permission = known.get(definition.code)
            if permission is None:
                permission = Permission(code=definition.code, owner=owner, label=source_text(definition.label))
                session.add(permission)
                session.flush()
                for role_code, scope in definition.default_grants:
                    if role_code in roles and scope in SCOPES:
                        roles[role_code].grants.append(Grant(permission_code=definition.code, scope=scope))
            permission.label = source_text(definition.label)
            permission.record_level = definition.record_level
    session.flush()


# ---------------------------------------------------------------------------------------------------- editing roles

ROLE_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class RoleError(ValueError):
    """The role cannot be changed as asked; ``field`` names the form field the message belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


def create_role(session: Any, code: str, name: str) -> Role:
    """A custom role, with no grants yet."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not re.match(ROLE_CODE_PATTERN, code):
        raise RoleError(_l("Use 2 to 40 lower-case letters, digits or _, starting with a letter."), "code")
    if session.scalar(select(Role.id).where(Role.code == code)) is not None:
        raise RoleError(_l("A role with this code exists already."), "code")
    if not name or len(name) > 120:
        raise RoleError(_l("A name of 1 to 120 characters is required."), "name")
    role = Role(code=code, name=name, builtin=False)
    session.add(role)
    session.flush()
    return role


def set_grants(session: Any, role: Role, name: str, grants: dict[str, str], actor: Any = None) -> None:
    """Replace the role's grants with ``grants`` ({permission code: scope}); scopes matter for record-level
    permissions only ("all" is stored for the others). Takes effect on everyone's next request.

    ``actor`` (None: trusted caller) adds or widens only grants they hold themselves as widely, and only an
    administrator changes the administrator role (core/identity/access.py, issue 11 F1): raises AccessRefused."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise RoleError(_l("A name of 1 to 120 characters is required."), "name")
    permissions = {p.code: p for p in session.scalars(select(Permission).where(Permission.code.in_(list(grants))))}
    unknown = set(grants) - set(permissions)
    if unknown:
        raise RoleError(_l("Unknown permissions: %(codes)s.", codes=", ".join(sorted(unknown))), "grants")
    for scope in grants.values():
        if scope not in SCOPES:
            raise RoleError(_l("Unknown scope %(scope)s.", scope=scope), "grants")
    from core.identity.access import check_role_edit  # access.py imports this package's users module

    check_role_edit(session, actor, role, grants)
    role.name = name
    current = {grant.permission_code: grant for grant in role.grants}
    for code, grant in current.items():
        if code not in grants:
            role.grants.remove(grant)
    for code, scope in grants.items():
        stored = scope if permissions[code].record_level else "all"
        if code in current:
            current[code].scope = stored
        else:
            role.grants.append(Grant(permission_code=code, scope=stored))
    session.flush()


def role_user_count(session: Any, role: Role) -> int:
    return session.scalar(select(func.count()).select_from(user_roles).where(user_roles.c.role_id == role.id)) or 0


def delete_role(session: Any, role: Role) -> None:
    """Built-in roles are never deleted; a custom role is deleted only while nobody holds it."""
    if role.builtin:
        raise RoleError(_l("Built-in roles cannot be deleted; edit their permissions instead."))
    if role_user_count(session, role):
        raise RoleError(_l("People still hold this role; take it from them first."))
    session.delete(role)
    session.flush()
