"""Built-in roles (R1.2, R2.1–R2.3) and syncing declared permissions into the database."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.contracts import SCOPES, PermissionDef
from core.i18n import source_text
from core.identity.models import Grant, Permission, Role

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
