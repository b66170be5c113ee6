"""Contracts and orders (R6.5): an order from the accepted quotation, fulfilment steps confirmed → in production →
shipped → delivered → completed (or cancelled), each step telling the departments configured for it (R6.5.2) and
the customer (R6.5.3), with a record of who was told what and when; delivery schedules the follow-up of R6.6.1."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.timeutil import local_today, utcnow
from plugins.pipeline.models import (
    Contract,
    Deal,
    FollowUp,
    Order,
    OrderLine,
    OrderNotice,
    OrderStatusChange,
    Product,
    Quotation,
)
from plugins.pipeline.services import Conflict, PipelineError, flush_or_conflict
from plugins.pipeline.services.money import to_fen
from plugins.pipeline.services.numbering import next_in_sequence

#: Allowed next statuses of each status.
TRANSITIONS = {
    "confirmed": ("in_production", "shipped", "cancelled"),
    "in_production": ("shipped", "cancelled"),
    "shipped": ("delivered",),
    "delivered": ("completed",),
    "completed": (),
    "cancelled": (),
}
CHANGED = _l("Someone else changed this order meanwhile. Reload it and try again.")
STATUS_LABELS = {
    "confirmed": _l("Confirmed"), "in_production": _l("In production"), "shipped": _l("Shipped"),
    "delivered": _l("Delivered"), "completed": _l("Completed"), "cancelled": _l("Cancelled"),
}


def _setting(key: str) -> Any:
    from core.settings import get_setting

    return get_setting(key)


def next_number(session: Any, prefix: str = "SO") -> str:
    """SO-YYYY-NNNNNN (SH- for imported shop orders), one more than this year's highest."""
    return next_in_sequence(session, Order.number, f"{prefix}-{local_today().year}-", 6)


def record_contract(session: Any, deal: Deal, owner: Any, number: str, signed_on: date,
                    starts_on: date | None = None, ends_on: date | None = None, terms: str | None = None) -> Contract:
    number = (number or "").strip()
    if not number:
        raise PipelineError(_l("Enter the contract number."), "number")
    if session.scalar(select(Contract.id).where(Contract.number == number)) is not None:
        raise PipelineError(_l("Another contract already has this number."), "number")
    if starts_on and ends_on and ends_on < starts_on:
        raise PipelineError(_l("The contract cannot end before it starts."), "ends_on")
    contract = Contract(number=number, deal_id=deal.id, owner_id=owner.id, signed_on=signed_on,
                        starts_on=starts_on, ends_on=ends_on, terms=terms)
    session.add(contract)
    try:
        session.flush()
    except IntegrityError as exc:  # the same number recorded by someone else a moment ago (the check above raced)
        session.rollback()
        raise PipelineError(_l("Another contract already has this number."), "number") from exc
    return contract


#: R6.5.1: the contract is signed before the order is made.
NO_CONTRACT = _l("Record the signed sales contract on the deal first (R6.5.1): an order follows the contract.")


def has_contract(session: Any, deal: Deal) -> bool:
    """Whether the deal has a signed sales contract recorded (R6.5.1)."""
    return session.scalar(select(Contract.id).where(Contract.deal_id == deal.id).limit(1)) is not None


def order_from_quotation(session: Any, quotation: Quotation, user: Any) -> Order:
    """Create the order of an accepted quotation (once)."""
    if quotation.state != "accepted":
        raise PipelineError(_l("Only an accepted quotation becomes an order."))
    if session.scalar(select(Order.id).where(Order.quotation_id == quotation.id)) is not None:
        raise PipelineError(_l("This quotation already has an order."))
    deal = session.get(Deal, quotation.deal_id)
    if not has_contract(session, deal):
        raise PipelineError(NO_CONTRACT)
    order = Order(number=next_number(session), channel="direct", customer_id=deal.customer_id,
                  owner_id=deal.owner_id, deal_id=deal.id, quotation_id=quotation.id, status="confirmed")
    for line in quotation.lines:
        product = session.get(Product, line.product_id)
        order.lines.append(OrderLine(product_id=line.product_id, quantity=line.quantity,
                                     unit_price=line.unit_price, revenue=line.net,
                                     cost=to_fen(product.cost * line.quantity)))
    _totals(order)
    order.total = quotation.total  # what the customer pays, as quoted: discounts and tax included (issue 12)
    session.add(order)
    try:
        session.flush()  # the unique quotation_id: of two clicks at once, one order
    except IntegrityError as exc:
        session.rollback()  # then look: the order number may be what collided (both counted the same orders)
        if session.scalar(select(Order.id).where(Order.quotation_id == quotation.id)) is not None:
            raise Conflict(_l("This quotation became an order a moment ago. Reload it to see the order.")) from exc
        raise Conflict(_l("Someone else created an order at the same moment. Please try again.")) from exc
    _after_status(session, order, None, user)
    current_app.extensions["netsales"].call("order_confirmed", order=order)
    return order


def _totals(order: Order) -> None:
    order.total = sum((ln.revenue for ln in order.lines), Decimal("0"))
    order.cost_total = sum((ln.cost for ln in order.lines), Decimal("0"))


def change_status(session: Any, order: Order, to_status: str, user: Any, *, carrier: str | None = None,
                  tracking_number: str | None = None, expected_version: int | None = None) -> None:
    if to_status not in TRANSITIONS:
        raise PipelineError(_l("Unknown order status."), "status")
    if to_status not in TRANSITIONS[order.status]:
        raise PipelineError(_l("An order that is %(current)s cannot become %(target)s.",
                               current=STATUS_LABELS[order.status], target=STATUS_LABELS[to_status]), "status")
    if expected_version is not None and order.version != expected_version:
        raise Conflict(CHANGED)
    if to_status == "shipped":
        if not (carrier or "").strip() or not (tracking_number or "").strip():
            raise PipelineError(_l("Enter the carrier and the tracking number."), "tracking_number")
        order.carrier, order.tracking_number = carrier.strip(), tracking_number.strip()  # type: ignore[union-attr]
    old = order.status
    order.status = to_status
    if to_status == "delivered":
        order.delivered_at = utcnow()
    flush_or_conflict(session, CHANGED)  # versioned: of two changes at once, one wins
    _after_status(session, order, old, user)


def _after_status(session: Any, order: Order, old: str | None, user: Any) -> None:
    session.add(OrderStatusChange(order_id=order.id, from_status=old, to_status=order.status,
                                  user_id=getattr(user, "id", None)))
    notify_order_step(session, order)
    if order.status == "delivered":
        days = int(_setting("pipeline.follow_up_days"))
        session.add(FollowUp(order_id=order.id, owner_id=order.owner_id, due_on=local_today() + timedelta(days=days)))
    session.flush()
    if old is not None:
        current_app.extensions["netsales"].call("order_status_changed", order=order, old_status=old,
                                                new_status=order.status)


def record_follow_up(session: Any, follow_up: FollowUp, note: str | None) -> None:
    """Mark the after-delivery follow-up (R6.6.1) done, once: of two people recording it at once, one note is
    kept (a conditional UPDATE) and the other is told."""
    done = session.execute(
        update(FollowUp).where(FollowUp.id == follow_up.id, FollowUp.done_at.is_(None))
        .values(done_at=utcnow(), note=(note or "").strip()[:2000] or None)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        session.rollback()
        raise Conflict(_l("This follow-up was recorded already."))
    session.refresh(follow_up)


def notify_order_step(session: Any, order: Order) -> list[OrderNotice]:
    """Tell the configured departments (R6.5.2) and the customer (R6.5.3) about the order's new status."""
    from core.identity.models import Department, User
    from core.notifications import notify

    notices: list[OrderNotice] = []
    label = STATUS_LABELS[order.status]
    departments = [d.strip() for d in str(_setting(f"pipeline.notify_{order.status}") or "").split(",") if d.strip()]
    for department_name in departments:
        department = session.scalar(select(Department).where(Department.name == department_name))
        if department is None:
            continue
        members = session.scalars(select(User).where(User.department_id == department.id, User.active)).all()
        for member in members:
            notify(member, _l("Order %(number)s: %(status)s"), url=f"/pipeline/orders/{order.id}",
                   number=order.number, status=str(label))
        notices.append(OrderNotice(order_id=order.id, status=order.status, audience="department",
                                   channel="in_app", recipient=department_name))
    customer = order.customer
    if customer is not None:
        notices += _tell_customer(order, customer, label)
    session.add_all(notices)
    return notices


def notice_ref(order: Order, status: str) -> str:
    """The outbox's name for the customer's e-mail about one step: the order page reads whether it left."""
    return f"pipeline.order:{order.id}:{status}"


def _tell_customer(order: Order, customer: Any, label: Any) -> list[OrderNotice]:
    """Email and, when the SMS gateway is configured, SMS the customer in the company language (R6.5.3)."""
    from flask_babel import force_locale, gettext

    from core.notifications import queue_email
    from plugins.crm.services import sms

    notices = []
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        status = str(label)
        subject = gettext("Order %(number)s: %(status)s", number=order.number, status=status)
        text = gettext("Hello, your order %(number)s is now: %(status)s.", number=order.number, status=status)
        if order.tracking_number:
            text += " " + gettext("Carrier: %(carrier)s, tracking number: %(tracking)s.",
                                  carrier=order.carrier, tracking=order.tracking_number)
    if customer.email:
        queue_email(customer.email, subject, text, ref=notice_ref(order, order.status))
        notices.append(OrderNotice(order_id=order.id, status=order.status, audience="customer", channel="email",
                                   recipient=customer.email))
    if customer.phone and sms.configured() and _setting("pipeline.sms_order_updates"):
        try:
            sms.send_sms(customer.phone, text)
        except sms.GatewayError:  # must not undo the status change; no notice is recorded
            current_app.logger.warning("SMS to %s for order %s failed", customer.phone, order.number)
        else:
            notices.append(OrderNotice(order_id=order.id, status=order.status, audience="customer",
                                       channel="sms", recipient=customer.phone))
    return notices


def purchase_stats(session: Any, customer_ids: list[int], since: date) -> list[tuple[int, int, Decimal, Any]]:
    """(customer, orders, amount, last order date) since ``since``, from non-cancelled orders: one GROUP BY."""
    rows = session.execute(
        select(Order.customer_id, func.count(Order.id), func.coalesce(func.sum(Order.total), 0),
               func.max(Order.ordered_at))
        .where(Order.customer_id.in_(customer_ids), Order.status != "cancelled",
               Order.ordered_at >= datetime.combine(since, datetime.min.time()))
        .group_by(Order.customer_id)
    ).all()
    return [(cid, n, Decimal(str(amount)), last) for cid, n, amount, last in rows]
