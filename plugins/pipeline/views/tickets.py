"""After-sales service tickets (R6.6.2): list with SLA due times and overdue marking, the ticket page and its
state changes; closing asks the customer for a satisfaction rating through the CRM when it offers surveys."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import get_scoped_or_404, require, scoped
from core.timeutil import utcnow
from core.web.listing import Filter, ListQuery
from core.web.params import record_id
from plugins.pipeline import forms
from plugins.pipeline.labels import PRIORITY_LABELS, TICKET_KIND_LABELS, TICKET_STATE_LABELS
from plugins.pipeline.models import Order, Ticket
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services import tickets as service
from plugins.pipeline.views.common import (
    TICKET_EDIT,
    TICKET_VIEW,
    bp,
    may,
    order_or_404,
)
from plugins.pipeline.views.narrowing import by_customer, by_deal, by_order, narrowed


def ticket_listing(narrowing: list[Any] | None = None) -> ListQuery:
    """The tickets the user may see; ``narrowing`` narrows them to a customer's, a deal's or an order's."""
    from plugins.crm.models import Customer

    stmt = scoped(select(Ticket).join(Customer, Customer.id == Ticket.customer_id), Ticket, TICKET_VIEW)
    if narrowing is not None:
        stmt, chips = narrowed(stmt, request.args, [
            by_customer(Ticket.customer_id),
            by_deal(lambda did: Ticket.order_id.in_(select(Order.id).where(Order.deal_id == did))),
            by_order(Ticket.order_id)], current_user)
        narrowing.extend(chips)
    return ListQuery(
        stmt, sorts={"due": Ticket.sla_due_at, "created": Ticket.created_at, "priority": Ticket.priority},
        default_sort="due", search=[Ticket.subject, Customer.name],
        filters=[Filter.choice("state", _l("State"), Ticket.state, lambda: [(k, str(v)) for k, v in
                                                                           TICKET_STATE_LABELS.items()]),
                 Filter.choice("kind", _l("Kind"), Ticket.kind, lambda: [(k, str(v)) for k, v in
                                                                        TICKET_KIND_LABELS.items()]),
                 Filter.choice("priority", _l("Priority"), Ticket.priority,
                               lambda: [(k, str(v)) for k, v in PRIORITY_LABELS.items()])],
    )


@bp.get("/tickets")
@require(TICKET_VIEW)
def tickets():  # type: ignore[no-untyped-def]
    chips: list[Any] = []
    page = ticket_listing(chips).page()
    return render_template("pipeline/tickets.html", page=page, now=utcnow(), chips=chips,
                           may_create=may(TICKET_EDIT))


@bp.route("/tickets/new", methods=["GET", "POST"])
@require(TICKET_EDIT)
def new_ticket():  # type: ignore[no-untyped-def]
    order = None
    if order_id := record_id(request.args.get("order_id")):
        order = order_or_404(order_id)
    form = forms.TicketForm()
    if order is not None:  # a ticket about an order is the order's customer's, whatever was posted
        form.customer_id.data = order.customer_id
    if form.validate_on_submit():
        try:
            ticket = service.open_ticket(db.session, customer_id=order.customer_id if order else form.customer_id.data,
                                         kind=form.kind.data,
                                         priority=form.priority.data, subject=form.subject.data,
                                         assignee_id=order.owner_id if order else current_user.id,
                                         description=form.description.data or None,
                                         order_id=order.id if order else None)
        except PipelineError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            from core.web.locale import datetime_filter

            # In the company time zone, as every time on a page (never UTC).
            flash(_("Ticket opened; due %(due)s.", due=datetime_filter(ticket.sla_due_at, "short")), "success")
            return redirect(url_for("pipeline.ticket", ticket_id=ticket.id))
    return render_template("pipeline/form.html", form=form, title=_("New service ticket"),
                           cancel_url=url_for("pipeline.tickets")), 422 if form.errors else 200


@bp.get("/tickets/<int:ticket_id>")
@require(TICKET_VIEW)
def ticket(ticket_id: int):  # type: ignore[no-untyped-def]
    ticket = get_scoped_or_404(Ticket, ticket_id, TICKET_VIEW)
    order = db.session.get(Order, ticket.order_id) if ticket.order_id else None
    return render_template("pipeline/ticket.html", ticket=ticket, order=order, now=utcnow(),
                           assignee=db.session.get(User, ticket.assignee_id),
                           next_states=service.TRANSITIONS[ticket.state], editable=may(TICKET_EDIT, ticket),
                           state_form=forms.TicketStateForm())


@bp.post("/tickets/<int:ticket_id>/state")
@require(TICKET_EDIT)
def ticket_state(ticket_id: int):  # type: ignore[no-untyped-def]
    ticket = get_scoped_or_404(Ticket, ticket_id, TICKET_EDIT)
    form = forms.TicketStateForm()
    form.validate_on_submit()
    try:
        service.change_state(db.session, ticket, form.state.data or "", form.resolution.data)
    except PipelineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pipeline.ticket", ticket_id=ticket.id))
    surveyed = ticket.state == "closed" and _ask_satisfaction(ticket)
    db.session.commit()
    flash(_("Ticket is now %(state)s.", state=TICKET_STATE_LABELS[ticket.state]) +
          (" " + _("The customer was asked for a satisfaction rating.") if surveyed else ""), "success")
    return redirect(url_for("pipeline.ticket", ticket_id=ticket.id))


def _ask_satisfaction(ticket: Ticket) -> bool:
    """The CRM's satisfaction survey on close (R6.6.3), e-mailed to the customer's primary contact; the ticket
    closes even if the survey cannot go out (e.g. the customer has no representative to rate)."""
    from plugins.crm.models import Contact
    from plugins.crm.services.errors import CRMError
    from plugins.crm.services.surveys import create_survey

    contact = db.session.scalar(select(Contact).where(Contact.customer_id == ticket.customer_id,
                                                      Contact.anonymised_at.is_(None))
                                .order_by(Contact.is_primary.desc(), Contact.id).limit(1))
    try:
        with db.session.begin_nested():
            create_survey(db.session, ticket.customer, current_user, contact=contact,
                          rated_user_id=ticket.assignee_id)
    except CRMError:
        return False
    return True
