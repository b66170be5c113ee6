"""Smart buttons at the top of a record page (issue 12: every main record is a hub, as in Odoo).

Plugins answer ``record_smart_buttons(obj, user)``; a record page includes ``core/_smart_buttons.html`` with the
record in ``obj``. The core keeps only buttons whose URL stays inside NetSales and sorts them by ``order``."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from core.contracts import SmartButton


def smart_buttons_for(obj: Any, user: Any) -> list[SmartButton]:
    """The buttons enabled plugins offer on ``obj``'s page for ``user``, in display order."""
    engine = current_app.extensions["netsales"]
    buttons = engine.collect("record_smart_buttons", SmartButton, obj=obj, user=user)
    # A path inside NetSales only: a plugin's bug must not turn a record page into an open redirect.
    inside = [b for b in buttons if b.url.startswith("/") and not b.url.startswith("//")]
    return sorted(inside, key=lambda b: (b.order, b.key))


def _template_smart_buttons(obj: Any) -> list[SmartButton]:
    return smart_buttons_for(obj, current_user._get_current_object())


def init_app(app: Flask) -> None:
    app.jinja_env.globals["smart_buttons"] = _template_smart_buttons
