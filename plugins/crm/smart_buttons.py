"""The CRM's smart buttons on a customer's page (issue 12: every main record is a hub, as in Odoo): its contacts,
its interactions, its open revisits (R5.3.1) and the customer events it was part of (R5.3.3), each a count that
opens the list behind it, filtered to the customer.

Counted only for a viewer who may see the customer (R2.1-R2.3) and, for the lists behind them, with the same rules
as those lists: revisits within the viewer's scope on their owner, events for those who organise them. All the
counts are one statement, whatever the customer's history."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import bindparam, func, select

from core.contracts import SmartButton
from core.extensions import db
from core.i18n import FixedWords, gettext_noop
from core.security import can, scope_condition, scope_for, scope_parameters
from core.timeutil import local_today
from plugins.crm.access import VIEW, may
from plugins.crm.models import Contact, Customer, EventAttendee, Interaction, Revisit

EVENT = "crm.event.manage"
#: The buttons' words, translated once per language and process (issue 18: a look-up each on every customer page).
WORDS = FixedWords(gettext_noop("Contacts"), gettext_noop("Interactions"), gettext_noop("Open revisits"),
                   gettext_noop("Customer events"), gettext_noop("%(n)s overdue"), gettext_noop("due %(date)s"))


def _count(stmt: Any) -> Any:
    return stmt.scalar_subquery()


#: The counts' statement for each (scope on VIEW, with events, PostgreSQL): the customer, the day and the viewer's
#: id or team are parameters, so it is built once per process instead of at every customer page (issue 18).
_STATEMENTS: dict[tuple[str | None, bool, bool], Any] = {}


def counts_statement(scope: str | None, with_events: bool, postgresql: bool) -> Any:
    """One row: contacts, interactions, open revisits, overdue ones, the next due date [, events], for the
    parameters ``customer_id``, ``today`` and those of ``scope_parameters`` (the open revisits within the viewer's
    ``scope`` on their owner, as the revisit list shows them: core.security.scope_condition, R2.2)."""
    key = (scope, with_events, postgresql)
    stmt = _STATEMENTS.get(key)
    if stmt is not None:
        return stmt
    customer = bindparam("customer_id")
    in_scope = scope_condition(scope, Revisit.owner_id, postgresql)
    open_revisits = (Revisit.customer_id == customer, Revisit.done_at.is_(None),
                     *(() if in_scope is None else (in_scope,)))
    columns = [
        _count(select(func.count(Contact.id)).where(Contact.customer_id == customer,
                                                    Contact.anonymised_at.is_(None))).label("contacts"),
        _count(select(func.count(Interaction.id)).where(Interaction.customer_id == customer)).label("interactions"),
        _count(select(func.count(Revisit.id)).where(*open_revisits)).label("revisits"),
        _count(select(func.count(Revisit.id)).where(*open_revisits, Revisit.due_on < bindparam("today")))
        .label("overdue"),
        _count(select(func.min(Revisit.due_on)).where(*open_revisits)).label("next_due"),
    ]
    if with_events:
        columns.append(_count(select(func.count(func.distinct(EventAttendee.event_id)))
                              .where(EventAttendee.customer_id == customer)).label("events"))
    stmt = _STATEMENTS[key] = select(*columns)
    return stmt


def buttons_for(obj: Any, user: Any) -> list[SmartButton]:
    if not isinstance(obj, Customer) or user is None or not getattr(user, "is_authenticated", False):
        return []
    if obj.merged_into_id is not None or not may(user, VIEW, obj):
        return []
    with_events = can(user, EVENT)
    scope = scope_for(user, VIEW)
    stmt = counts_statement(scope, with_events, db.session.get_bind().dialect.name == "postgresql")
    row = db.session.execute(stmt, {"customer_id": obj.id, "today": local_today(),
                                    **scope_parameters(user, scope)}).one()
    page = url_for("crm.customer", customer_id=obj.id)
    words = {word: str(text) for word, text in WORDS().items()}  # plain text, as gettext gives it
    buttons = [
        SmartButton("crm.contacts", words["Contacts"], page + "#contacts", count=row.contacts, icon="user", order=10),
        SmartButton("crm.interactions", words["Interactions"], url_for("crm.interactions", customer=obj.id),
                    count=row.interactions, icon="message-square", order=11),
        SmartButton("crm.revisits", words["Open revisits"], url_for("crm.revisits", customer=obj.id),
                    count=row.revisits, icon="calendar", order=12, figure=_revisit_figure(row, words)),
    ]
    if with_events:
        buttons.append(SmartButton("crm.events", words["Customer events"], url_for("crm.events", customer=obj.id),
                                   count=row.events, icon="users", order=13))
    return buttons


def _revisit_figure(row: Any, words: dict[str, str]) -> str:
    """"2 overdue", or when the next one is due; nothing without an open revisit."""
    from core.web.locale import date_filter

    if row.overdue:
        return words["%(n)s overdue"] % {"n": row.overdue}
    if row.next_due is not None:
        return words["due %(date)s"] % {"date": date_filter(row.next_due)}
    return ""
