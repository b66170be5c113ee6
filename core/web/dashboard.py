"""The dashboard: the widgets that enabled plugins offer the user."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from core.contracts import DashboardWidget
from core.security import authenticated, can

bp = Blueprint("core", __name__)


@bp.get("/")
@authenticated
def dashboard():  # type: ignore[no-untyped-def]
    engine = current_app.extensions["netsales"]
    widgets = [
        w for w in engine.collect("dashboard_widgets", DashboardWidget, user=current_user)
        if not w.permission or can(current_user, w.permission)
    ]
    widgets.sort(key=lambda w: (w.order, w.key))
    rendered = [(w, w.context(current_user) if w.context else {}) for w in widgets]
    return render_template("core/dashboard.html", widgets=rendered)
