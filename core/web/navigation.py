"""The navigation menu, built from the menu_items hook and filtered by permission."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.routing import BuildError

from core.contracts import MenuItem
from core.security import can


def menu_for(user: Any) -> list[dict[str, Any]]:
    engine = current_app.extensions["netsales"]
    items = engine.collect("menu_items", MenuItem, user=user)
    visible = []
    for item in sorted(items, key=lambda i: (i.order, i.key)):
        if item.permission and not can(user, item.permission):
            continue
        try:
            url = url_for(item.endpoint)
        except BuildError:
            continue
        visible.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon,
                        "parent": item.parent})
    return visible


def register(app: Flask) -> None:
    @app.context_processor
    def inject_menu() -> dict[str, Any]:
        def menu() -> list[dict[str, Any]]:
            return menu_for(current_user) if current_user.is_authenticated else []

        return {"netsales_menu": menu, "company_name": current_app.config["COMPANY_NAME"], "get_locale": get_locale}
