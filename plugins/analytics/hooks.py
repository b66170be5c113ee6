"""Analytics' hook implementations: what it offers the core. It reads other plugins only through hooks."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import DashboardWidget, MenuItem, ScheduledJob
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
    from plugins.analytics.permissions import MARKET_VIEW, MONTHLY, VIEW

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
        MenuItem("analytics.changes", _l("Notable changes"), "analytics.changes", permission=VIEW, order=605,
                 parent="analytics"),
        MenuItem("analytics.monthly", _l("Monthly reports"), "analytics.monthly_reports", permission=MONTHLY,
                 order=606, parent="analytics"),
        MenuItem("analytics.market", _l("Competitors and prices"), "analytics.competitors", permission=MARKET_VIEW,
                 order=607, parent="analytics"),
        MenuItem("analytics.research", _l("Market research"), "analytics.research", permission=MARKET_VIEW,
                 order=608, parent="analytics"),
        MenuItem("analytics.needs", _l("Customer needs"), "analytics.needs", permission=MARKET_VIEW,
                 order=609, parent="analytics"),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.analytics import widgets
    from plugins.analytics.permissions import VIEW

    # No sales chart here: a year of order lines on every dashboard view would make the shell pay for analytics
    # (issue 18); the notable changes are one indexed read.
    return [DashboardWidget("analytics.changes", _l("Notable changes in your team"),
                            "analytics/widgets/changes.html", permission=VIEW, order=31, context=widgets.changes)]


@hookimpl
def register_settings() -> list:
    from plugins.analytics.settings import setting_definitions

    return setting_definitions()


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.analytics import jobs
    from plugins.analytics.services.summary import REFRESH_SECONDS

    day = 24 * 3600
    return [
        ScheduledJob("analytics.notable_changes", jobs.notable_changes, day,
                     _l("Find KPIs that moved notably last month and tell the superiors (R7.1.3)")),
        ScheduledJob("analytics.monthly_report", jobs.monthly_report, day,
                     _l("Write and send last month's sales report on the 1st (R2.3.6)")),
        ScheduledJob("analytics.sales_summary", jobs.refresh_summary, REFRESH_SECONDS,
                     _l("Sum the order lines per day for the sales dashboards")),
    ]


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.analytics.demo import load

    load(session, rng)


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.analytics.models import Competitor, ResearchActivity

    if isinstance(obj, ResearchActivity):
        return url_for("analytics.activity", activity_id=obj.id)
    if isinstance(obj, Competitor):
        return url_for("analytics.competitor", competitor_id=obj.id)
    return None


@hookimpl
def register_datasets() -> list:
    from plugins.analytics.datasets import definitions

    return definitions()
