"""Data sets analytics can chart and export: order lines and deals, limited to the reader's scope."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.contracts import DatasetColumn, DatasetDef
from core.identity.models import Department, User
from core.security import scoped
from plugins.pipeline.labels import CHANNEL_LABELS, DEAL_STATUS_LABELS
from plugins.pipeline.models import Deal, Order, OrderLine, Product
from plugins.pipeline.services.stages import STAGE_LABELS


def all_order_lines() -> Any:
    """Every order line that counts as a sale (not cancelled), whoever owns it: what a reader's query scopes, and
    what analytics' summary job aggregates (DatasetDef.unscoped)."""
    from plugins.crm.models import Customer

    owner = aliased(User)
    return (select(Order.ordered_at.label("date"), Order.id.label("order_id"), Order.customer_id,
                   Product.name.label("product"), Product.category,
                   Order.channel, Order.shop, Customer.name.label("customer"), Customer.region,
                   Order.owner_id.label("representative_id"), owner.name.label("representative"),
                   Department.name.label("team"), OrderLine.quantity, OrderLine.revenue, OrderLine.cost)
            .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id)
            .join(Product, Product.id == OrderLine.product_id).join(Customer, Customer.id == Order.customer_id)
            .join(owner, owner.id == Order.owner_id).outerjoin(Department, Department.id == owner.department_id)
            .where(Order.status != "cancelled"))


def order_lines_query(user: Any) -> Any:
    # The scope is on the order's owner, which the data set shows as representative_id (owner_column below).
    return scoped(all_order_lines(), Order, "pipeline.order.view", user)


def deals_query(user: Any) -> Any:
    from plugins.crm.models import Customer

    owner = aliased(User)
    stmt = (select(Deal.id, Deal.title, Customer.name.label("customer"), owner.name.label("owner"), Deal.stage,
                   Deal.status, Deal.expected_value, Deal.expected_close, Deal.created_at, Deal.closed_at,
                   Deal.lost_to_competitor)
            .join(Customer, Customer.id == Deal.customer_id).join(owner, owner.id == Deal.owner_id))
    return scoped(stmt, Deal, "pipeline.deal.view", user)


def definitions() -> list[DatasetDef]:
    return [
        DatasetDef("pipeline.order_lines", _l("Order lines"), (
            DatasetColumn("date", _l("Date"), "datetime"), DatasetColumn("order_id", _l("Order"), "int", role="key"),
            DatasetColumn("customer_id", _l("Customer ID"), "int", role="key"),
            DatasetColumn("product", _l("Product")),
            DatasetColumn("category", _l("Category")),
            DatasetColumn("channel", _l("Channel"), value_labels=CHANNEL_LABELS),
            DatasetColumn("shop", _l("Online shop")),  # the shop's own name, as people call it: no code to label
            DatasetColumn("customer", _l("Customer")), DatasetColumn("region", _l("Region")),
            DatasetColumn("representative_id", _l("Representative ID"), "int", role="key"),
            DatasetColumn("representative", _l("Representative")),
            DatasetColumn("team", _l("Team")), DatasetColumn("quantity", _l("Quantity"), "decimal"),
            DatasetColumn("revenue", _l("Revenue (CNY)"), "decimal"), DatasetColumn("cost", _l("Cost (CNY)"), "decimal"),
        ), "pipeline.order.view", order_lines_query, date_column="date", owner_column="representative_id",
            unscoped=all_order_lines),
        DatasetDef("pipeline.deals", _l("Deals"), (
            DatasetColumn("id", _l("ID"), "int", role="key"), DatasetColumn("title", _l("Title")),
            DatasetColumn("customer", _l("Customer")), DatasetColumn("owner", _l("Owner")),
            DatasetColumn("stage", _l("Stage"), value_labels=STAGE_LABELS),
            DatasetColumn("status", _l("Status"), value_labels=DEAL_STATUS_LABELS),
            DatasetColumn("expected_value", _l("Expected value (CNY)"), "decimal"),
            DatasetColumn("expected_close", _l("Expected close"), "date"),
            DatasetColumn("created_at", _l("Created"), "datetime"), DatasetColumn("closed_at", _l("Closed"), "datetime"),
            DatasetColumn("lost_to_competitor", _l("Lost to")),
        ), "pipeline.deal.view", deals_query, date_column="created_at"),
    ]
