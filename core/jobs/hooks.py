"""The jobs service's hooks: its permission and its admin menu item."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, PermissionDef
from core.hookspecs import hookimpl


@hookimpl
def register_permissions() -> list[PermissionDef]:
    return [PermissionDef("core.jobs.manage", _l("See scheduled jobs and the email outbox, and run jobs now"))]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [MenuItem("core.jobs", _l("Jobs"), "core_jobs.index", permission="core.jobs.manage", icon="clock",
                     order=920, parent="admin")]
