"""Timeline entries of the pipeline's records (the core timeline adds comments, files and audited field changes).

A deal's timeline tells its story (issue 12: approval, sending, acceptance and order creation never appeared):
stage moves (R6.1–R6.6), each quotation created, submitted for discount approval, approved or refused and by whom
(R6.4.2), sent with the e-mail's real state (queued, sent, failed), accepted or rejected (R6.3.2), the contract
recorded (R6.5.1), orders created (R6.5.2) and after-sales tickets opened and closed (R6.6.2). A quotation's own
timeline shows its part of that story, an order's its fulfilment steps.

Texts are labels in the reader's language; times stay UTC here and the timeline shows them in the company zone.
Each source is one query whatever the number of entries; orders and tickets are those the reader may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import TimelineEntry
from core.extensions import db
from core.identity.models import User
from plugins.pipeline.models import (
    Contract,
    Deal,
    DealStageChange,
    DiscountDecision,
    Order,
    OrderStatusChange,
    Quotation,
    Ticket,
)
from plugins.pipeline.services.stages import STAGE_LABELS

LIMIT = 100
QUOTATION_TABLE, TICKET_TABLE = "pipeline_quotation", "pipeline_ticket"


def entries_for(obj: Any, user: Any = None) -> list[TimelineEntry]:
    if isinstance(obj, Deal):
        return deal_entries(obj, user)
    if isinstance(obj, Quotation):
        return quotation_entries([obj]) + order_created_entries(_visible_orders(
            select(Order).where(Order.quotation_id == obj.id), user))
    if isinstance(obj, Order):
        return order_entries(obj)
    return []


# ---------------------------------------------------------------------------------------------------- the deal


def deal_entries(deal: Deal, user: Any) -> list[TimelineEntry]:
    quotations = db.session.scalars(select(Quotation).where(Quotation.deal_id == deal.id)
                                    .order_by(Quotation.id.desc()).limit(LIMIT)).all()
    orders = _visible_orders(select(Order).where(Order.deal_id == deal.id), user)
    tickets = _visible_tickets(select(Ticket).where(Ticket.order_id.in_([o.id for o in orders])), user) \
        if orders else []
    contracts = db.session.scalars(select(Contract).where(Contract.deal_id == deal.id)
                                   .order_by(Contract.id.desc()).limit(LIMIT)).all()
    entries = stage_entries(deal)
    entries += quotation_entries(quotations)
    entries += [TimelineEntry(at=c.created_at, kind="contract", user_id=c.owner_id,
                              text=_("Sales contract %(number)s signed on %(day)s recorded", number=c.number,
                                     day=_day(c.signed_on)))
                for c in contracts]
    entries += order_created_entries(orders)
    entries += ticket_entries(tickets)
    return entries


def stage_entries(deal: Deal) -> list[TimelineEntry]:
    changes = db.session.scalars(select(DealStageChange).where(DealStageChange.deal_id == deal.id)
                                 .order_by(DealStageChange.at.desc()).limit(LIMIT)).all()
    entries = []
    for change in changes:
        if change.from_stage is None:
            text = _("Deal opened at %(stage)s", stage=STAGE_LABELS[change.to_stage])
        elif change.backwards:
            text = _("Moved back from %(old)s to %(new)s", old=STAGE_LABELS[change.from_stage],
                     new=STAGE_LABELS[change.to_stage])
        else:
            text = _("Moved from %(old)s to %(new)s", old=STAGE_LABELS[change.from_stage],
                     new=STAGE_LABELS[change.to_stage])
        if change.note:
            text += f" — {change.note}"
        entries.append(TimelineEntry(at=change.at, kind="stage", text=text, user_id=change.user_id))
    return entries


# ---------------------------------------------------------------------------------------------------- quotations


def quotation_entries(quotations: Iterable[Quotation]) -> list[TimelineEntry]:
    """Created, submitted for approval, approved / refused (by whom), sent (and the e-mail's state), answered."""
    from core.notifications.outbox import delivery_states
    from plugins.pipeline.services.sending import email_ref

    quotations = list(quotations)
    if not quotations:
        return []
    by_id = {q.id: q for q in quotations}
    entries: list[TimelineEntry] = []
    for q in quotations:
        name = _quotation_name(q)
        url = f"/pipeline/quotations/{q.id}"
        entries.append(TimelineEntry(at=q.created_at, kind="quotation", user_id=q.owner_id, url=url,
                                     text=_("Quotation %(name)s created", name=name)))
        if q.responded_at is not None and q.state in ("accepted", "rejected", "superseded"):
            accepted = q.state == "accepted"  # a superseded one was rejected: accepted ones are never revised
            text = _("The customer accepted quotation %(name)s", name=name) if accepted else \
                _("The customer rejected quotation %(name)s", name=name)
            if q.response_note:
                text += f" — {q.response_note}"
            entries.append(TimelineEntry(at=q.responded_at, kind="quotation", text=text, url=url))
    deliveries = delivery_states([email_ref(q) for q in quotations if q.sent_at is not None])
    for q in quotations:
        if q.sent_at is None:
            continue
        delivery = deliveries.get(email_ref(q))
        entries.append(TimelineEntry(at=q.sent_at, kind="quotation", text=_sent_text(q, delivery),
                                     url=f"/pipeline/quotations/{q.id}"))
    decider = db.session.execute(
        select(DiscountDecision, User.name).join(User, User.id == DiscountDecision.decided_by_id)
        .where(DiscountDecision.quotation_id.in_(by_id)).order_by(DiscountDecision.at.desc()).limit(LIMIT)).all()
    for decision, who in decider:
        name = _quotation_name(by_id[decision.quotation_id])
        if decision.approved:
            text = _("Discount of quotation %(name)s approved by %(who)s", name=name, who=who)
        else:
            text = _("Discount of quotation %(name)s refused by %(who)s", name=name, who=who)
            if decision.reason:
                text += f" — {decision.reason}"
        entries.append(TimelineEntry(at=decision.at, kind="approval", text=text, user_id=decision.decided_by_id,
                                     url=f"/pipeline/quotations/{decision.quotation_id}"))
    for at, user_id, record_id in _state_changes(QUOTATION_TABLE, by_id, "pending_approval"):
        q = by_id[record_id]
        entries.append(TimelineEntry(at=at, kind="approval", user_id=user_id, url=f"/pipeline/quotations/{q.id}",
                                     text=_("Quotation %(name)s submitted for discount approval",
                                            name=_quotation_name(q))))
    return entries


def _sent_text(q: Quotation, delivery: Any) -> str:
    name = _quotation_name(q)
    if delivery is None:
        return _("Quotation %(name)s handed to the customer (no e-mail address)", name=name)
    return _("Quotation %(name)s sent to %(email)s: %(state)s", name=name, email=delivery.to,
             state=mail_state(delivery))


def mail_state(delivery: Any) -> str:
    """Where an e-mail is, as the reader says it (issue 12: "sent" only once it has left), with the error."""
    if delivery is None:
        return _("e-mail queued, not sent yet")
    state = {"sent": _("e-mail sent"), "caught": _("e-mail kept by the mail catcher, not sent"),
             "failed": _("e-mail failed"), "retrying": _("e-mail failed, will try again"),
             }.get(delivery.state, _("e-mail queued, not sent yet"))
    if delivery.error and delivery.state in ("failed", "retrying"):
        state += f" ({delivery.error})"
    return state


def _quotation_name(q: Quotation) -> str:
    return _("%(number)s revision %(revision)s", number=q.number, revision=q.revision)


def _state_changes(table: str, ids: Iterable[int], state: str) -> list[tuple[datetime, int | None, int]]:
    """(when, who, record id) of the audited changes of ``table``'s records ``ids`` into ``state`` (one query)."""
    from core.audit.models import AuditLog

    keys = [str(i) for i in ids]
    if not keys:
        return []
    rows = db.session.scalars(select(AuditLog).where(AuditLog.table_name == table, AuditLog.record_id.in_(keys),
                                                     AuditLog.action.in_(("update", "state")))
                              .order_by(AuditLog.id.desc()).limit(LIMIT * 5)).all()
    found = []
    for row in rows:
        pair = (row.changes or {}).get("state")
        if isinstance(pair, list | tuple) and len(pair) == 2 and pair[1] == state:
            found.append((row.at, row.user_id, int(row.record_id)))
    return found


# ---------------------------------------------------------------------------------------------------- orders, tickets


def _visible_orders(stmt: Any, user: Any) -> list[Order]:
    from core.security import scoped

    if user is None:
        return []
    return list(db.session.scalars(scoped(stmt, Order, "pipeline.order.view", user)
                                   .order_by(Order.id.desc()).limit(LIMIT)))


def _visible_tickets(stmt: Any, user: Any) -> list[Ticket]:
    from core.security import scoped

    if user is None:
        return []
    return list(db.session.scalars(scoped(stmt, Ticket, "pipeline.ticket.view", user)
                                   .order_by(Ticket.id.desc()).limit(LIMIT)))


def order_created_entries(orders: Iterable[Order]) -> list[TimelineEntry]:
    return [TimelineEntry(at=o.ordered_at, kind="order", url=f"/pipeline/orders/{o.id}",
                          text=_("Order %(number)s created", number=o.number)) for o in orders]


def ticket_entries(tickets: list[Ticket]) -> list[TimelineEntry]:
    from plugins.pipeline.labels import TICKET_KIND_LABELS

    entries = []
    for t in tickets:
        url = f"/pipeline/tickets/{t.id}"
        entries.append(TimelineEntry(at=t.created_at, kind="ticket", url=url, text=_(
            "%(kind)s ticket “%(subject)s” opened", kind=TICKET_KIND_LABELS[t.kind], subject=t.subject)))
        if t.resolved_at is not None:
            entries.append(TimelineEntry(at=t.resolved_at, kind="ticket", url=url,
                                         text=_("Ticket “%(subject)s” resolved", subject=t.subject)))
    closed = {t.id: t for t in tickets if t.state == "closed"}
    for at, user_id, record_id in _state_changes(TICKET_TABLE, closed, "closed"):
        entries.append(TimelineEntry(at=at, kind="ticket", user_id=user_id, url=f"/pipeline/tickets/{record_id}",
                                     text=_("Ticket “%(subject)s” closed", subject=closed[record_id].subject)))
    return entries


def order_entries(order: Order) -> list[TimelineEntry]:
    """The order's steps (R6.5.2); who was told of each, and whether the e-mail left, is the page's own list."""
    from plugins.pipeline.services.orders import STATUS_LABELS

    entries = []
    for change in db.session.scalars(select(OrderStatusChange).where(OrderStatusChange.order_id == order.id)
                                     .order_by(OrderStatusChange.id.desc()).limit(LIMIT)):
        if change.from_status is None:
            text = _("Order created: %(status)s", status=STATUS_LABELS[change.to_status])
        else:
            text = _("Order step: %(old)s → %(new)s", old=STATUS_LABELS[change.from_status],
                     new=STATUS_LABELS[change.to_status])
        entries.append(TimelineEntry(at=change.at, kind="order", text=text, user_id=change.user_id))
    return entries


def _day(value: Any) -> str:
    from core.web.locale import date_filter

    return date_filter(value)
