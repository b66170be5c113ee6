"""The regulation page's permission and menu entry."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, PermissionDef
from core.hookspecs import hookimpl


@hookimpl
def register_permissions() -> list[PermissionDef]:
    # Administrators hold every permission; no other built-in role edits the company's regulation.
    return [PermissionDef("core.regulation.edit", _l("Edit the company's copy of the regulation"))]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [MenuItem("core.regulation", _l("Regulation"), "core_regulation.index", icon="book-open", order=850)]
