"""Personal-data requests under PIPL (R11): export everything about a contact, or anonymise the contact while the
business records (interactions, purchases, surveys' ratings) stay. Both are logged in crm_access_log."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from core.timeutil import utcnow
from plugins.crm.models import (
    AccessLog,
    CampaignMessage,
    Consent,
    Contact,
    Customer,
    EventAttendee,
    Interaction,
    Survey,
)
from plugins.crm.services.errors import Conflict, CRMError

ANONYMOUS = "—"


def log_access(session: Any, user: Any, action: str, records: int, detail: str | None = None) -> None:
    """Exports, bulk views and data requests are audited (R11)."""
    session.add(AccessLog(user_id=getattr(user, "id", None), action=action, records=records,
                          detail=(detail or None)))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def access_report(session: Any, contact: Contact, by_user: Any) -> dict[str, Any]:
    """Everything stored about the person: contact data, consents, interactions with them, surveys, messages,
    events; for an individual customer also the customer file."""
    customer = session.get(Customer, contact.customer_id)
    report: dict[str, Any] = {
        "generated_at": utcnow().isoformat(),
        "contact": _row(contact, ("id", "name", "title", "phone", "email", "wechat", "created_at", "anonymised_at")),
        "customer": _row(customer, ("id", "name", "kind", "phone", "email", "wechat", "region", "industry")),
        "consents": [_row(c, ("purpose", "channels", "granted_on", "withdrawn_at", "note"))
                     for c in session.scalars(select(Consent).where(Consent.contact_id == contact.id))],
        "interactions": [_row(i, ("kind", "occurred_at", "summary", "outcome"))
                         for i in session.scalars(select(Interaction).where(Interaction.contact_id == contact.id))],
        "surveys": [_row(s, ("created_at", "answered_at", "rating", "comment"))
                    for s in session.scalars(select(Survey).where(Survey.contact_id == contact.id))],
        "messages": [_row(m, ("campaign_id", "address", "status", "sent_at", "unsubscribed_at"))
                     for m in session.scalars(select(CampaignMessage).where(CampaignMessage.contact_id == contact.id))],
        "events": [_row(a, ("event_id", "name", "phone", "email", "status", "rating", "feedback"))
                   for a in session.scalars(select(EventAttendee).where(EventAttendee.contact_id == contact.id))],
    }
    log_access(session, by_user, "pipl_access", 1, f"contact {contact.id}")
    session.flush()
    return report


def access_report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def anonymise_contact(session: Any, contact: Contact, by_user: Any, reason: str) -> Contact:
    """Erase the person's data and withdraw their consents; interactions, purchases and ratings stay (R13)."""
    if not (reason or "").strip():
        raise CRMError(_("Record the request (who asked and when)."), field="reason")
    if contact.anonymised_at is not None:
        raise CRMError(_("This contact was anonymised already."))
    now = utcnow()
    # The contact's row first, only while not anonymised: of two erasures at once one is made and logged once.
    taken = session.execute(update(Contact).where(Contact.id == contact.id, Contact.anonymised_at.is_(None))
                            .values(anonymised_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        session.rollback()
        raise Conflict(_("Someone else erased this contact's data a moment ago."))
    contact.name, contact.title, contact.phone, contact.email, contact.wechat = ANONYMOUS, None, None, None, None
    contact.anonymised_at = now
    session.execute(update(Consent).where(Consent.contact_id == contact.id, Consent.withdrawn_at.is_(None))
                    .values(withdrawn_at=now).execution_options(synchronize_session=False))
    session.execute(update(CampaignMessage).where(CampaignMessage.contact_id == contact.id).values(address=None)
                    .execution_options(synchronize_session=False))
    session.execute(update(EventAttendee).where(EventAttendee.contact_id == contact.id)
                    .values(name=ANONYMOUS, phone=None, email=None).execution_options(synchronize_session=False))
    session.execute(update(Survey).where(Survey.contact_id == contact.id).values(comment=None)
                    .execution_options(synchronize_session=False))
    customer = session.get(Customer, contact.customer_id)
    if customer.kind == "individual":
        # An individual's customer file is the person: erase it too, keep the business figures.
        customer.name, customer.name_key = ANONYMOUS, ""
        customer.phone, customer.email, customer.wechat = None, None, None
    log_access(session, by_user, "pipl_deletion", 1, f"contact {contact.id}: {reason.strip()[:200]}")
    session.flush()
    return contact
