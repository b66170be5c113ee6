"""Smart buttons (issue 12: every main record is a hub, as in Odoo): counts at the top of a customer's, a deal's, a
quotation's and an order's page that open the list narrowed to them (views/narrowing.py), and "New deal" on a
customer, which opens the deal form with the customer chosen and their needs brought over (R6.2.1).

Each count is of what the viewer may see, through the same scope as the list it opens, in one aggregate statement
per button; a button whose permission the viewer lacks is not shown at all."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.contracts import SmartButton
from core.extensions import db
from core.security import can, scoped
from plugins.pipeline.models import Deal, Order, Quotation, Ticket

DEAL_VIEW, DEAL_EDIT = "pipeline.deal.view", "pipeline.deal.edit"
ORDER_VIEW, TICKET_VIEW = "pipeline.order.view", "pipeline.ticket.view"


def buttons_for(obj: Any, user: Any) -> list[SmartButton]:
    from plugins.crm.models import Customer

    if isinstance(obj, Customer):
        return customer_buttons(obj, user)
    if isinstance(obj, Deal):
        return deal_buttons(obj, user)
    if isinstance(obj, Quotation):
        return quotation_buttons(obj, user)
    if isinstance(obj, Order):
        return order_buttons(obj, user)
    return []


def _money(amount: Any) -> str:
    from core.web.locale import money

    return money(amount or 0)


def customer_buttons(customer: Any, user: Any) -> list[SmartButton]:
    buttons: list[SmartButton] = []
    cid = customer.id
    if can(user, DEAL_VIEW):
        n, open_value = db.session.execute(scoped(select(
            func.count(Deal.id), func.sum(Deal.expected_value).filter(Deal.status == "open")
        ).where(Deal.customer_id == cid), Deal, DEAL_VIEW, user)).one()
        buttons.append(SmartButton("pipeline.deals", _("Deals"), f"/pipeline/deals?customer={cid}", count=n,
                                   figure=_("%(amount)s open", amount=_money(open_value)) if open_value else "",
                                   icon="kanban", order=20))
        quotations = db.session.scalar(scoped(select(func.count(Quotation.id)).join(
            Deal, Deal.id == Quotation.deal_id).where(Deal.customer_id == cid), Deal, DEAL_VIEW, user))
        buttons.append(SmartButton("pipeline.quotations", _("Quotations"), f"/pipeline/quotations?customer={cid}",
                                   count=quotations, icon="file-text", order=21))
    if can(user, ORDER_VIEW):
        n, total = db.session.execute(scoped(select(func.count(Order.id), func.sum(Order.total).filter(
            Order.status != "cancelled")).where(Order.customer_id == cid), Order, ORDER_VIEW, user)).one()
        buttons.append(SmartButton("pipeline.orders", _("Orders"), f"/pipeline/orders?customer={cid}", count=n,
                                   figure=_money(total) if total else "", icon="shopping-cart", order=22))
    if can(user, TICKET_VIEW):
        n = db.session.scalar(scoped(select(func.count(Ticket.id)).where(Ticket.customer_id == cid), Ticket,
                                     TICKET_VIEW, user))
        buttons.append(SmartButton("pipeline.tickets", _("Service tickets"), f"/pipeline/tickets?customer={cid}",
                                   count=n, icon="life-buoy", order=23))
    if can(user, DEAL_EDIT):
        buttons.append(SmartButton("pipeline.new_deal", _("New deal"), f"/pipeline/deals/new?customer_id={cid}",
                                   icon="plus", order=90))
    return buttons


def deal_buttons(deal: Deal, user: Any) -> list[SmartButton]:
    """Quotations of the deal (seen through the deal, as its page is), its orders and their tickets."""
    buttons = [SmartButton("pipeline.quotations", _("Quotations"), f"/pipeline/quotations?deal={deal.id}",
                           count=db.session.scalar(select(func.count(Quotation.id))
                                                   .where(Quotation.deal_id == deal.id)),
                           icon="file-text", order=21)]
    if can(user, ORDER_VIEW):
        n, total = db.session.execute(scoped(select(func.count(Order.id), func.sum(Order.total).filter(
            Order.status != "cancelled")).where(Order.deal_id == deal.id), Order, ORDER_VIEW, user)).one()
        buttons.append(SmartButton("pipeline.orders", _("Orders"), f"/pipeline/orders?deal={deal.id}", count=n,
                                   figure=_money(total) if total else "", icon="shopping-cart", order=22))
    if can(user, TICKET_VIEW):
        n = db.session.scalar(scoped(select(func.count(Ticket.id)).where(Ticket.order_id.in_(
            select(Order.id).where(Order.deal_id == deal.id))), Ticket, TICKET_VIEW, user))
        buttons.append(SmartButton("pipeline.tickets", _("Service tickets"), f"/pipeline/tickets?deal={deal.id}",
                                   count=n, icon="life-buoy", order=23))
    return buttons


def quotation_buttons(quotation: Quotation, user: Any) -> list[SmartButton]:
    """The deal the quotation belongs to, and the quotations of that deal (revisions included)."""
    n = db.session.scalar(select(func.count(Quotation.id)).where(Quotation.deal_id == quotation.deal_id))
    return [SmartButton("pipeline.deal", _("Deal"), f"/pipeline/deals/{quotation.deal_id}", icon="kanban",
                        order=20),
            SmartButton("pipeline.quotations", _("Quotations of the deal"),
                        f"/pipeline/quotations?deal={quotation.deal_id}", count=n, icon="file-text", order=21)]


def order_buttons(order: Order, user: Any) -> list[SmartButton]:
    """The order's service tickets (R6.6.2), and its deal."""
    buttons = []
    if order.deal_id and can(user, DEAL_VIEW):
        buttons.append(SmartButton("pipeline.deal", _("Deal"), f"/pipeline/deals/{order.deal_id}", icon="kanban",
                                   order=20))
    if can(user, TICKET_VIEW):
        n = db.session.scalar(scoped(select(func.count(Ticket.id)).where(Ticket.order_id == order.id), Ticket,
                                     TICKET_VIEW, user))
        buttons.append(SmartButton("pipeline.tickets", _("Service tickets"), f"/pipeline/tickets?order={order.id}",
                                   count=n, icon="life-buoy", order=23))
    return buttons
