"""Customer events (R5.3.3): seminars and product experience sessions, with invitations, registrations,
attendance and feedback. Someone who attends and is not yet a customer becomes a lead (R6.1.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from plugins.crm.models import Contact, Customer, CustomerEvent, EventAttendee
from plugins.crm.services import normalise
from plugins.crm.services.errors import Conflict, CRMError, FieldErrors

EVENT_KINDS = ("seminar", "experience", "forum", "other")
ATTENDEE_STATES = ("invited", "registered", "attended", "absent")


def create_event(session: Any, data: dict, by_user: Any) -> CustomerEvent:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()[:200]
    if not title:
        errors["title"] = _("A title is required.")
    kind = data.get("kind")
    if kind not in EVENT_KINDS:
        errors["kind"] = _("Choose the kind of event.")
    starts_at = data.get("starts_at")
    if not isinstance(starts_at, datetime):
        errors["starts_at"] = _("Give the date and time.")
    if errors:
        raise FieldErrors(errors)
    event = CustomerEvent(title=title, kind=kind, starts_at=starts_at,
                          location=str(data.get("location") or "").strip()[:200] or None,
                          description=str(data.get("description") or "").strip() or None,
                          organiser_id=getattr(by_user, "id", None))
    session.add(event)
    session.flush()
    return event


def invite_customer(session: Any, event: CustomerEvent, customer: Customer,
                    contact: Contact | None = None) -> EventAttendee:
    """Invite a customer (through one of its contacts, if given). Inviting twice is refused."""
    if contact is not None and contact.customer_id != customer.id:
        raise CRMError(_("Choose one of this customer's contacts."), field="contact_id")
    same_person = EventAttendee.contact_id == contact.id if contact else EventAttendee.contact_id.is_(None)
    existing = session.scalar(select(EventAttendee.id).where(
        EventAttendee.event_id == event.id, EventAttendee.customer_id == customer.id, same_person))
    if existing is not None:
        raise CRMError(_("Already invited."))
    attendee = EventAttendee(event_id=event.id, customer_id=customer.id, contact_id=contact.id if contact else None,
                             name=contact.name if contact else customer.name,
                             company=customer.name if customer.kind == "company" else None,
                             phone=(contact.phone if contact else customer.phone),
                             email=(contact.email if contact else customer.email))
    session.add(attendee)
    session.flush()
    return attendee


def register(session: Any, event: CustomerEvent, data: dict) -> EventAttendee:
    """Register someone who signed up (possibly not a customer yet)."""
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()[:120]
    if not name:
        errors["name"] = _("A name is required.")
    if normalise.phone_problem(data.get("phone")):
        errors["phone"] = _("Enter a phone number of 5 to 20 digits.")
    email = normalise.email(data.get("email"))
    if not normalise.email_valid(email):
        errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise FieldErrors(errors)
    attendee = EventAttendee(event_id=event.id, name=name, status="registered",
                             company=str(data.get("company") or "").strip()[:200] or None,
                             phone=normalise.phone(data.get("phone")), email=email)
    session.add(attendee)
    session.flush()
    return attendee


def set_status(session: Any, attendee: EventAttendee, status: str, by_user: Any) -> EventAttendee:
    """Record registration, attendance or absence; an attendee without a customer file becomes a lead."""
    if status not in ATTENDEE_STATES:
        raise CRMError(_("Unknown attendance state."), field="status")
    # From the state that was read only: two people marking one attendee at once make one lead, not two.
    taken = session.execute(update(EventAttendee).where(EventAttendee.id == attendee.id,
                                                        EventAttendee.status == attendee.status)
                            .values(status=status).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        session.rollback()
        raise Conflict(_("Someone else changed this attendee's state a moment ago. Reload the event."))
    attendee.status = status
    if status == "attended" and attendee.customer_id is None:
        attendee.customer_id = _lead_for(session, attendee, by_user).id
    session.flush()
    return attendee


def _lead_for(session: Any, attendee: EventAttendee, by_user: Any) -> Customer:
    """The existing customer with the attendee's phone or e-mail, else a new lead owned by the organiser."""
    from plugins.crm.services.customers import create_customer, find_duplicates

    matches = [d for d in find_duplicates(session, None, attendee.phone, attendee.email) if d.reasons]
    if matches:
        return session.get(Customer, matches[0].customer_id)
    name = attendee.company or attendee.name
    event = session.get(CustomerEvent, attendee.event_id)
    customer = create_customer(session, {"name": name, "kind": "company" if attendee.company else "individual",
                                         "state": "lead", "source": "event", "phone": attendee.phone,
                                         "email": attendee.email,
                                         "needs": _("Attended %(event)s", event=event.title)},
                               by_user, owner_id=event.organiser_id, allow_duplicate=True)
    if attendee.company:
        from plugins.crm.services.contacts import add_contact

        contact = add_contact(session, customer, {"name": attendee.name, "phone": attendee.phone,
                                                  "email": attendee.email, "is_primary": True}, by_user)
        attendee.contact_id = contact.id
    return customer


def record_feedback(session: Any, attendee: EventAttendee, rating: Any, feedback: str | None) -> EventAttendee:
    try:
        value = int(rating) if rating not in (None, "") else None
        if value is not None and not 1 <= value <= 5:
            raise ValueError
    except (TypeError, ValueError):
        raise FieldErrors({"rating": _("Choose from 1 (poor) to 5 (excellent).")}) from None
    attendee.rating = value
    attendee.feedback = (feedback or "").strip()[:5000] or None
    session.flush()
    return attendee
