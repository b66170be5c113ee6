"""The identity service's hooks: its permissions and menu items (registered through CORE_HOOK_MODULES)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, PermissionDef
from core.hookspecs import hookimpl


@hookimpl
def register_permissions() -> list[PermissionDef]:
    return [
        # HR keeps the staff records (R2.3.2: recruiting and staffing the team goes through HR).
        PermissionDef("core.users.manage", _l("Manage users and departments"), default_grants=(("hr", "all"),)),
        PermissionDef("core.roles.manage", _l("Edit roles and their permissions")),
    ]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    items = [
        MenuItem("core.orgchart", _l("Org chart"), "core_identity.orgchart", icon="sitemap", order=800),
        MenuItem("core.users", _l("Users"), "core_identity.users", permission="core.users.manage",
                 icon="users", order=910, parent="admin"),
        MenuItem("core.departments", _l("Departments"), "core_identity.departments",
                 permission="core.users.manage", icon="building", order=911, parent="admin"),
        MenuItem("core.roles", _l("Roles"), "core_identity.roles", permission="core.roles.manage",
                 icon="key", order=912, parent="admin"),
    ]
    from core.security import has_team

    if has_team(user):  # only people with subordinates have a team to look at (R2.2.2)
        items.append(MenuItem("core.team", _l("My team"), "core_identity.team", icon="team", order=790))
    return items
