"""The core's own hook implementations: registered with pluggy as the plugin "core", always active.

Each core service with hooks of its own (its permissions, menu items, jobs) keeps them in its own hooks module and
is listed in CORE_HOOK_MODULES; they are registered beside this one and are always active too.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, PermissionDef
from core.hookspecs import hookimpl


@hookimpl
def register_permissions() -> list[PermissionDef]:
    return [
        PermissionDef("core.plugins.manage", _l("Enable and disable modules")),
    ]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("core.dashboard", _l("Dashboard"), "core.dashboard", icon="home", order=0),
        MenuItem("core.plugins", _l("Modules"), "core_admin.plugins", permission="core.plugins.manage",
                 icon="puzzle", order=900, parent="admin"),
    ]



#: Core service hook modules, registered after this one. Add yours here (one line).
CORE_HOOK_MODULES: list[str] = [
    "core.jobs.hooks", "core.notifications.hooks", "core.settings.hooks",
    "core.identity.hooks",
    "core.regulation.hooks",
    "core.audit.hooks", "core.auth.hooks",
]
