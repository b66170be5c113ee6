"""The CRM's smart buttons on a customer's page (issue 12: every main record is a hub, as in Odoo): its contacts,
its interactions, its open revisits (R5.3.1) and the customer events it was part of (R5.3.3), each a count that
opens the list behind it, filtered to the customer.

Counted only for a viewer who may see the customer (R2.1-R2.3) and, for the lists behind them, with the same rules
as those lists: revisits within the viewer's scope on their owner, events for those who organise them. All the
counts are one statement, whatever the customer's history."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.contracts import SmartButton
from core.extensions import db
from core.security import can
from core.timeutil import local_today
from plugins.crm.access import VIEW, may, owner_condition
from plugins.crm.models import Contact, Customer, EventAttendee, Interaction, Revisit

EVENT = "crm.event.manage"


def _count(stmt: Any) -> Any:
    return stmt.scalar_subquery()


def counts_statement(customer: Customer, user: Any, with_events: bool) -> Any:
    """One row: contacts, interactions, open revisits, overdue ones, the next due date [, events]."""
    open_revisits = (Revisit.customer_id == customer.id, Revisit.done_at.is_(None),
                     owner_condition(user, VIEW, Revisit.owner_id))
    columns = [
        _count(select(func.count(Contact.id)).where(Contact.customer_id == customer.id,
                                                    Contact.anonymised_at.is_(None))).label("contacts"),
        _count(select(func.count(Interaction.id)).where(Interaction.customer_id == customer.id)).label("interactions"),
        _count(select(func.count(Revisit.id)).where(*open_revisits)).label("revisits"),
        _count(select(func.count(Revisit.id)).where(*open_revisits, Revisit.due_on < local_today())).label("overdue"),
        _count(select(func.min(Revisit.due_on)).where(*open_revisits)).label("next_due"),
    ]
    if with_events:
        columns.append(_count(select(func.count(func.distinct(EventAttendee.event_id)))
                              .where(EventAttendee.customer_id == customer.id)).label("events"))
    return select(*columns)


def buttons_for(obj: Any, user: Any) -> list[SmartButton]:
    if not isinstance(obj, Customer) or user is None or not getattr(user, "is_authenticated", False):
        return []
    if obj.merged_into_id is not None or not may(user, VIEW, obj):
        return []
    with_events = can(user, EVENT)
    row = db.session.execute(counts_statement(obj, user, with_events)).one()
    page = url_for("crm.customer", customer_id=obj.id)
    buttons = [
        SmartButton("crm.contacts", _("Contacts"), page + "#contacts", count=row.contacts, icon="user", order=10),
        SmartButton("crm.interactions", _("Interactions"), url_for("crm.interactions", customer=obj.id),
                    count=row.interactions, icon="message-square", order=11),
        SmartButton("crm.revisits", _("Open revisits"), url_for("crm.revisits", customer=obj.id),
                    count=row.revisits, icon="calendar", order=12, figure=_revisit_figure(row)),
    ]
    if with_events:
        buttons.append(SmartButton("crm.events", _("Customer events"), url_for("crm.events", customer=obj.id),
                                   count=row.events, icon="users", order=13))
    return buttons


def _revisit_figure(row: Any) -> str:
    """"2 overdue", or when the next one is due; nothing without an open revisit."""
    from core.web.locale import date_filter

    if row.overdue:
        return _("%(n)s overdue", n=row.overdue)
    if row.next_due is not None:
        return _("due %(date)s", date=date_filter(row.next_due))
    return ""
