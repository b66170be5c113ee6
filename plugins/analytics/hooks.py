"""Analytics' hook implementations: what it offers the core. It reads other plugins only through hooks."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import DashboardWidget, MenuItem
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.analytics.views import bp

    app.register_blueprint(bp)


@hookimpl
def register_permissions() -> list:
    from plugins.analytics.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    from plugins.analytics.permissions import MARKET_VIEW, VIEW

    return [
        MenuItem("analytics", _l("Analytics"), "analytics.sales", permission=VIEW, icon="chart-bar", order=600),
        MenuItem("analytics.sales", _l("Sales analysis"), "analytics.sales", permission=VIEW, order=601,
                 parent="analytics"),
        MenuItem("analytics.customers", _l("Customer behaviour"), "analytics.customers", permission=VIEW,
                 order=602, parent="analytics"),
        MenuItem("analytics.explore", _l("Explore data"), "analytics.explore", permission=VIEW, order=603,
                 parent="analytics"),
        MenuItem("analytics.reports", _l("Saved reports"), "analytics.reports", permission=VIEW, order=604,
                 parent="analytics"),
        MenuItem("analytics.market", _l("Competitors and prices"), "analytics.competitors", permission=MARKET_VIEW,
                 order=605, parent="analytics"),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.analytics import widgets
    from plugins.analytics.permissions import VIEW

    return [DashboardWidget("analytics.trend", _l("Revenue this year against last year"),
                            "analytics/widgets/trend.html", permission=VIEW, order=30, context=widgets.trend)]


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.analytics.demo import load

    load(session, rng)
