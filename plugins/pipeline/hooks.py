"""The pipeline's hook implementations: what it offers the core and the other plugins."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import (
    DashboardWidget,
    DatasetDef,
    LookupDef,
    MenuItem,
    PurchaseStats,
    ScheduledJob,
    SearchResult,
    SmartButton,
    TimelineEntry,
)
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.pipeline.api import bp as api_bp
    from plugins.pipeline.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("pipeline", _l("Sales pipeline"), "pipeline.board", permission="pipeline.deal.view",
                 icon="kanban", order=200),
        MenuItem("pipeline.deals", _l("Deals"), "pipeline.deals", permission="pipeline.deal.view", order=201,
                 parent="pipeline"),
        MenuItem("pipeline.quotations", _l("Quotations"), "pipeline.quotations", permission="pipeline.deal.view",
                 order=202, parent="pipeline"),
        MenuItem("pipeline.approvals", _l("Discount approvals"), "pipeline.approvals",
                 permission="pipeline.discount.approve", order=202, parent="pipeline"),
        MenuItem("pipeline.orders", _l("Orders"), "pipeline.orders", permission="pipeline.order.view", order=203,
                 parent="pipeline"),
        MenuItem("pipeline.tickets", _l("Service tickets"), "pipeline.tickets", permission="pipeline.ticket.view",
                 order=204, parent="pipeline"),
        MenuItem("pipeline.products", _l("Products"), "pipeline.products", permission="pipeline.product.view",
                 order=205, parent="pipeline"),
        MenuItem("pipeline.targets", _l("Sales targets"), "pipeline.targets", permission="pipeline.deal.view",
                 order=206, parent="pipeline"),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.pipeline import widgets

    return widgets.dashboard_widgets(user)  # by what the user does in sales (issue 12)


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from plugins.pipeline.search import search

    return search(query, user, limit)


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.pipeline.models import Contract, Deal, Order, Product, Quotation, Ticket

    if isinstance(obj, Deal):
        return url_for("pipeline.deal", deal_id=obj.id)
    if isinstance(obj, Contract):
        return url_for("pipeline.deal", deal_id=obj.deal_id)
    if isinstance(obj, Quotation):
        return url_for("pipeline.quotation", quotation_id=obj.id)
    if isinstance(obj, Order):
        return url_for("pipeline.order", order_id=obj.id)
    if isinstance(obj, Product):
        return url_for("pipeline.product", product_id=obj.id)
    if isinstance(obj, Ticket):
        return url_for("pipeline.ticket", ticket_id=obj.id)
    return None


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.pipeline.timeline import entries_for

    return entries_for(obj, user)


@hookimpl
def record_smart_buttons(obj: Any, user: Any) -> list[SmartButton]:
    from plugins.pipeline.smart_buttons import buttons_for

    return buttons_for(obj, user)


@hookimpl
def register_lookups() -> list[LookupDef]:
    from plugins.pipeline.lookups import lookup_definitions

    return lookup_definitions()


@hookimpl
def register_datasets() -> list[DatasetDef]:
    from plugins.pipeline.datasets import definitions

    return definitions()


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.pipeline.demo import load

    load(session, rng)


@hookimpl
def register_permissions() -> list:
    from plugins.pipeline.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def register_settings() -> list:
    from plugins.pipeline.settings import setting_definitions

    return setting_definitions()


@hookimpl
def register_kpis() -> list:
    from plugins.pipeline.kpis import kpi_definitions

    return kpi_definitions()


@hookimpl
def compliance_checks() -> list:
    from plugins.pipeline.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def customer_purchase_stats(customer_ids: list, since: Any) -> list[PurchaseStats]:
    """Purchase frequency and amount per customer for the CRM's A/B/C grading (R5.2.1)."""
    from core.extensions import db
    from plugins.pipeline.services.orders import purchase_stats

    if not customer_ids:
        return []
    return [
        PurchaseStats(customer_id=cid, orders=n, amount=amount,
                      last_purchase=last.date() if hasattr(last, "date") else last)
        for cid, n, amount, last in purchase_stats(db.session, list(customer_ids), since or date(1970, 1, 1))
    ]


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    def escalate() -> None:
        from core.extensions import db
        from plugins.pipeline.services.tickets import escalate_overdue

        escalate_overdue(db.session)
        db.session.commit()

    return [ScheduledJob("pipeline.escalate_tickets", escalate, 900,
                         _l("Escalate service tickets past their deadline to the supervisor (R6.6.2)"))]
