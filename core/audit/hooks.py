"""The audit trail's hooks: its permission (an auditor's) and its place in the admin menu."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

import core.audit  # noqa: F401  (installs the recorder's events when the core's hooks load)
from core.contracts import MenuItem, PermissionDef
from core.hookspecs import hookimpl


@hookimpl
def register_permissions() -> list[PermissionDef]:
    return [PermissionDef("core.audit.view", _l("Read the audit trail"))]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [MenuItem("core.audit", _l("Audit trail"), "core_audit.index", permission="core.audit.view",
                     icon="history", order=950, parent="admin")]
