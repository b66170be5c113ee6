"""Live compliance measures of the pipeline, shown on the regulation page next to their clauses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from core.timeutil import utcnow
from plugins.pipeline.models import DealStageChange, OrderNotice, OrderStatusChange, Quotation, Ticket


def _ratio(good: int, total: int) -> Decimal | None:
    return (Decimal(good) / total).quantize(Decimal("0.0001")) if total else None


def _result(good: int, total: int, text: str) -> ComplianceResult:
    ratio = _ratio(good, total)
    return ComplianceResult(ratio=ratio, text=text % {"good": good, "total": total}, ok=ratio is None or ratio >= 1)


def quotations_sent_in_time() -> ComplianceResult:
    """R6.3.1: deals that entered the quotation stage had a quotation sent within N days."""
    from core.settings import get_setting

    days = int(get_setting("pipeline.quotation_days"))
    entries = select(DealStageChange.deal_id, DealStageChange.at).where(
        DealStageChange.to_stage == "quotation", DealStageChange.backwards.is_(False)).subquery()
    # The first quotation sent after each entry into the stage, for all entries in one query.
    sent = db.session.execute(
        select(entries.c.deal_id, entries.c.at, func.min(Quotation.sent_at))
        .join(Quotation, Quotation.deal_id == entries.c.deal_id)
        .where(Quotation.sent_at.is_not(None), Quotation.sent_at >= entries.c.at)
        .group_by(entries.c.deal_id, entries.c.at)
    ).all()
    # An entry counts once a quotation went out or its deadline passed: one still within its days is not late.
    open_since = utcnow() - timedelta(days=days)
    recent = db.session.scalar(select(func.count()).select_from(entries).where(entries.c.at > open_since)) or 0
    waiting = recent - sum(1 for _deal, entered, _first in sent if entered > open_since)
    total = (db.session.scalar(select(func.count()).select_from(entries)) or 0) - waiting
    good = sum(1 for _deal, entered, first_sent in sent if first_sent - entered <= timedelta(days=days))
    return _result(good, total, _("%(good)s of %(total)s quotations sent within the deadline"))


def customers_informed() -> ComplianceResult:
    """R6.5.3: every order status change was told to the customer."""
    told = exists().where(and_(OrderNotice.order_id == OrderStatusChange.order_id,
                               OrderNotice.status == OrderStatusChange.to_status,
                               OrderNotice.audience == "customer"))
    total = db.session.scalar(select(func.count(OrderStatusChange.id))) or 0
    good = db.session.scalar(select(func.count(OrderStatusChange.id)).where(told)) or 0
    return _result(good, total, _("%(good)s of %(total)s order status changes told to the customer"))


def complaints_within_sla() -> ComplianceResult:
    """R6.6.2: complaints resolved within their SLA."""
    base = select(func.count(Ticket.id)).where(Ticket.kind == "complaint", Ticket.resolved_at.is_not(None))
    total = db.session.scalar(base) or 0
    good = db.session.scalar(base.where(Ticket.resolved_at <= Ticket.sla_due_at)) or 0
    return _result(good, total, _("%(good)s of %(total)s complaints resolved within the service deadline"))


def compliance_definitions() -> list[ComplianceCheck]:
    return [
        ComplianceCheck("pipeline.quotation_in_time", "R6.3.1", _l("Quotations sent in time"),
                        quotations_sent_in_time),
        ComplianceCheck("pipeline.customer_informed", "R6.5.3", _l("Customers informed of order status"),
                        customers_informed),
        ComplianceCheck("pipeline.complaints_sla", "R6.6.2", _l("Complaints resolved within SLA"),
                        complaints_within_sla),
    ]
