"""Customer events: seminars and product experience sessions, their invitees, registrations, attendance and
feedback (R5.3.3)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, select

from core.extensions import db
from core.security import require
from core.timeutil import local_to_utc
from core.web.listing import ListQuery
from plugins.crm import forms
from plugins.crm.access import get_customer_or_404
from plugins.crm.models import CustomerEvent, EventAttendee
from plugins.crm.services import events as event_service
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import bp, customer_filter

EVENT = "crm.event.manage"


def _with_customer(customer_id: int) -> object:
    """Events the customer was invited to, registered for or attended."""
    return exists().where(EventAttendee.event_id == CustomerEvent.id, EventAttendee.customer_id == customer_id)


@bp.get("/events")
@require(EVENT)
def events():  # type: ignore[no-untyped-def]
    listing = ListQuery(select(CustomerEvent), sorts={"starts": CustomerEvent.starts_at,
                                                      "title": CustomerEvent.title},
                        default_sort="-starts", search=[CustomerEvent.title],
                        filters=[customer_filter(where=_with_customer)])
    return render_template("crm/events.html", page=listing.page())


@bp.route("/events/new", methods=["GET", "POST"])
@require(EVENT)
def new_event():  # type: ignore[no-untyped-def]
    form = forms.EventForm()
    if form.validate_on_submit():
        data = dict(form.data)
        data["starts_at"] = local_to_utc(form.starts_at.data)
        try:
            event = event_service.create_event(db.session, data, current_user)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            return redirect(url_for("crm.event", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", form=form, customer=None, title=_("New customer event")), status


def _event_or_404(event_id: int) -> CustomerEvent:
    event = db.session.get(CustomerEvent, event_id)
    if event is None:
        abort(404)
    return event


def _attendee_or_404(event: CustomerEvent, attendee_id: int) -> EventAttendee:
    attendee = db.session.get(EventAttendee, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        abort(404)
    return attendee


@bp.get("/events/<int:event_id>")
@require(EVENT)
def event(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    attendees = db.session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id)
                                   .order_by(EventAttendee.name).limit(1000)).all()
    return render_template("crm/event.html", event=event, attendees=attendees,
                           invite_form=forms.InviteForm(formdata=None),
                           registration_form=forms.RegistrationForm(formdata=None),
                           feedback_form=forms.FeedbackForm(formdata=None))


@bp.post("/events/<int:event_id>/invite")
@require(EVENT)
def invite(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    form = forms.InviteForm()
    if form.validate_on_submit():
        customer = get_customer_or_404(form.customer_id.data, current_user)
        try:
            event_service.invite_customer(db.session, event, customer)
        except CRMError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s invited.", name=customer.name), "success")
    else:
        flash(_("Choose a customer to invite."), "error")
    return redirect(url_for("crm.event", event_id=event.id))


@bp.post("/events/<int:event_id>/register")
@require(EVENT)
def register(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    form = forms.RegistrationForm()
    if form.validate_on_submit():
        try:
            event_service.register(db.session, event, form.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Registration recorded."), "success")
            return redirect(url_for("crm.event", event_id=event.id))
    return render_template("crm/simple_form.html", form=form, customer=None, title=_("Register someone")), 422


@bp.post("/events/<int:event_id>/attendees/<int:attendee_id>/status")
@require(EVENT)
def attendee_status(event_id: int, attendee_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    attendee = _attendee_or_404(event, attendee_id)
    try:
        event_service.set_status(db.session, attendee, request.form.get("status", ""), current_user)
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
    return redirect(url_for("crm.event", event_id=event.id))


@bp.post("/events/<int:event_id>/attendees/<int:attendee_id>/feedback")
@require(EVENT)
def attendee_feedback(event_id: int, attendee_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    attendee = _attendee_or_404(event, attendee_id)
    form = forms.FeedbackForm()
    try:
        event_service.record_feedback(db.session, attendee, form.rating.data, form.feedback.data)
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Feedback saved."), "success")
    return redirect(url_for("crm.event", event_id=event.id))
