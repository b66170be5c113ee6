"""The dashboard: a grid of the widgets that enabled plugins offer the user."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from markupsafe import Markup

from core.contracts import DashboardWidget
from core.extensions import db
from core.security import authenticated, can

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)


def widgets_for(user: Any) -> list[tuple[DashboardWidget, Markup | None]]:
    """(widget, its rendered HTML) for each widget ``user`` may see, in order. A widget whose context function
    or template raises gets None: the dashboard shows it as unavailable and the other widgets still work."""
    engine = current_app.extensions["netsales"]
    widgets = [
        w for w in engine.collect("dashboard_widgets", DashboardWidget, user=user)
        if not w.permission or can(user, w.permission)
    ]
    widgets.sort(key=lambda w: (w.order, w.key))
    rendered: list[tuple[DashboardWidget, Markup | None]] = []
    for widget in widgets:
        try:
            context = widget.context(user) if widget.context else {}
            html: Markup | None = Markup(render_template(widget.template, widget=widget, **context))
        except Exception:  # noqa: BLE001 - one plugin's failure must not take the dashboard down
            log.exception("dashboard widget %s failed", widget.key)
            db.session.rollback()
            html = None
        rendered.append((widget, html))
    return rendered


@bp.get("/")
@authenticated
def dashboard():  # type: ignore[no-untyped-def]
    return render_template("core/dashboard.html", widgets=widgets_for(current_user))
