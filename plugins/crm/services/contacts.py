"""Contacts and their consent records (R11, PIPL): what each person agreed to, on which channels, since when."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.timeutil import local_today, utcnow
from plugins.crm.models import CHANNELS, Consent, Contact, Customer
from plugins.crm.services import normalise
from plugins.crm.services.customers import refresh_contacts_count
from plugins.crm.services.errors import CRMError, FieldErrors


def clean_contact(data: dict) -> dict[str, Any]:
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
    return {
        "name": name, "title": (str(data.get("title") or "").strip()[:100] or None),
        "phone": normalise.phone(data.get("phone")), "email": email,
        "wechat": (str(data.get("wechat") or "").strip()[:100] or None),
        "is_primary": bool(data.get("is_primary")),
    }


def add_contact(session: Any, customer: Customer, data: dict, by_user: Any) -> Contact:
    cleaned = clean_contact(data)
    contact = Contact(customer_id=customer.id, **cleaned)
    session.add(contact)
    session.flush()
    refresh_contacts_count(session, customer)
    return contact


def update_contact(session: Any, contact: Contact, data: dict, by_user: Any) -> Contact:
    if contact.anonymised_at is not None:
        raise CRMError(_("This contact was anonymised at their request and cannot be edited."))
    for key, value in clean_contact(data).items():
        setattr(contact, key, value)
    session.flush()
    return contact


def clean_channels(channels: list[str] | str) -> list[str]:
    if isinstance(channels, str):
        channels = [c.strip() for c in channels.split(",")]
    chosen = [c for c in CHANNELS if c in set(channels)]
    unknown = set(channels) - set(CHANNELS) - {""}
    if unknown or not chosen:
        raise FieldErrors({"channels": _("Choose at least one of: e-mail, SMS, phone, WeChat.")})
    return chosen


def record_consent(session: Any, contact: Contact, purpose: str, channels: list[str] | str,
                   granted_on: date | None, by_user: Any, note: str | None = None) -> Consent:
    """Record a consent the contact gave (PIPL requires purpose and date)."""
    errors = {}
    purpose = (purpose or "").strip()[:200]
    if not purpose:
        errors["purpose"] = _("Say what the contact agreed to (the purpose).")
    if granted_on is None:
        errors["granted_on"] = _("Give the date of the consent.")
    elif granted_on > local_today():
        errors["granted_on"] = _("A consent cannot be dated in the future.")
    try:
        chosen = clean_channels(channels)
    except FieldErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    if contact.anonymised_at is not None:
        raise CRMError(_("This contact was anonymised at their request and cannot be edited."))
    consent = Consent(contact_id=contact.id, purpose=purpose, channels=",".join(chosen), granted_on=granted_on,
                      note=(note or "").strip()[:300] or None, recorded_by_id=getattr(by_user, "id", None))
    session.add(consent)
    session.flush()
    return consent


def withdraw_channel(session: Any, contact_id: int, channel: str) -> int:
    """The contact no longer wants ``channel``: every live consent covering it loses it. Returns how many changed.

    A consent left with no channel is withdrawn altogether; the record stays, as evidence of what was agreed."""
    changed = 0
    now = utcnow()
    for consent in session.scalars(select(Consent).where(Consent.contact_id == contact_id,
                                                         Consent.withdrawn_at.is_(None))):
        channels = consent.channel_list
        if channel in channels:
            channels.remove(channel)
            if channels:
                # A consent record is evidence: the narrowed consent is a new record, the old one is withdrawn.
                session.add(Consent(contact_id=contact_id, purpose=consent.purpose, channels=",".join(channels),
                                    granted_on=consent.granted_on, note=consent.note,
                                    recorded_by_id=consent.recorded_by_id))
            consent.withdrawn_at = now
            changed += 1
    session.flush()
    return changed


def withdraw_consent(session: Any, consent: Consent) -> None:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        session.flush()


def consented_channels(session: Any, contact_id: int) -> set[str]:
    channels: set[str] = set()
    for value in session.scalars(select(Consent.channels).where(Consent.contact_id == contact_id,
                                                                Consent.withdrawn_at.is_(None))):
        channels |= set(value.split(","))
    return channels - {""}
