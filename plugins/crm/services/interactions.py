"""Interactions with a customer and their next steps (R2.1.3, R5.3.1); a revisit completes the planned one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from core.timeutil import utcnow
from core.web.params import record_id
from plugins.crm.models import INTERACTION_KINDS, Contact, Customer, Interaction
from plugins.crm.services.customers import touch
from plugins.crm.services.errors import CRMError, FieldErrors


def clean_interaction(session: Any, customer: Customer, data: dict) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in INTERACTION_KINDS:
        errors["kind"] = _("Choose the kind of interaction.")
    summary = str(data.get("summary") or "").strip()
    if not summary:
        errors["summary"] = _("Write a short summary.")
    occurred_at = data.get("occurred_at") or utcnow()
    if not isinstance(occurred_at, datetime):
        errors["occurred_at"] = _("Give the date and time.")
    elif occurred_at > utcnow() + timedelta(minutes=5):  # clocks differ a little
        errors["occurred_at"] = _("An interaction cannot be in the future; plan it as a next step.")
    next_step = str(data.get("next_step") or "").strip()[:300] or None
    next_step_on = data.get("next_step_on")
    if next_step_on is not None and not isinstance(next_step_on, date):
        errors["next_step_on"] = _("Give a date.")
    if next_step and next_step_on is None:
        errors["next_step_on"] = _("Give the date of the next step.")
    if next_step_on is not None and not next_step:
        errors["next_step"] = _("Say what the next step is.")
    contact_id = None
    if data.get("contact_id") not in (None, ""):
        # A 20-digit id overflowed the driver (issue 11 F6): record_id reads only what an id column holds.
        contact_id = record_id(data.get("contact_id"))
        contact = session.get(Contact, contact_id) if contact_id is not None else None
        if contact is None or contact.customer_id != customer.id:
            errors["contact_id"] = _("Choose one of this customer's contacts.")
    if errors:
        raise FieldErrors(errors)
    return {"kind": kind, "summary": summary[:5000], "outcome": str(data.get("outcome") or "").strip()[:5000] or None,
            "occurred_at": occurred_at, "next_step": next_step, "next_step_on": next_step_on,
            "contact_id": contact_id}


def log_interaction(session: Any, customer: Customer, data: dict, by_user: Any) -> Interaction:
    """Record an interaction; a revisit completes the customer's open planned revisit and plans the next one."""
    cleaned = clean_interaction(session, customer, data)
    interaction = Interaction(customer_id=customer.id, user_id=by_user.id, **cleaned)
    session.add(interaction)
    if customer.last_interaction_at is None or interaction.occurred_at > customer.last_interaction_at:
        customer.last_interaction_at = interaction.occurred_at
    touch(customer)
    session.flush()
    if interaction.kind == "revisit":
        from plugins.crm.services import revisits

        revisits.complete_open_revisit(session, customer, interaction)
    return interaction


def complete_next_step(session: Any, interaction: Interaction) -> None:
    if interaction.next_step_on is None:
        raise CRMError(_("This interaction has no next step."))
    interaction.next_step_done = True
    session.flush()
