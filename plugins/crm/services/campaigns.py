"""Campaigns (R5.3.2): product news or promotions by e-mail or SMS to a segment of customers.

Only contacts whose live consent covers the campaign's channel receive it (R11, PIPL); each message carries its own
unsubscribe link, and unsubscribing withdraws that channel from the contact's consent. E-mail goes through the
core outbox; SMS through the HTTP gateway."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, func, literal, select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.timeutil import utcnow
from plugins.crm.models import (
    GRADES,
    STATES,
    Campaign,
    CampaignMessage,
    Consent,
    Contact,
    Customer,
    CustomerTag,
)
from plugins.crm.services import links, sms
from plugins.crm.services.contacts import withdraw_channel
from plugins.crm.services.errors import Conflict, CRMError, FieldErrors

CAMPAIGN_CHANNELS = ("email", "sms")
MAX_SMS = 500


@dataclass(frozen=True)
class CampaignStats:
    recipients: int
    queued: int
    sent: int
    failed: int
    unsubscribed: int


def clean_segment(data: dict) -> dict[str, Any]:
    errors: dict[str, str] = {}
    segment: dict[str, Any] = {}
    grades = [g for g in data.get("grades") or [] if g]
    if set(grades) - set(GRADES):
        errors["grades"] = _("Unknown grade.")
    states = [s for s in data.get("states") or [] if s]
    if set(states) - set(STATES):
        errors["states"] = _("Unknown state.")
    for key in ("purchased_since", "purchased_before"):
        raw = data.get(key)
        if raw in (None, ""):
            continue
        try:
            segment[key] = (raw if isinstance(raw, date) else date.fromisoformat(str(raw))).isoformat()
        except ValueError:
            errors[key] = _("Give a date as YYYY-MM-DD.")
    if errors:
        raise FieldErrors(errors)
    segment.update({"grades": grades, "states": states,
                    "tags": [t.strip() for t in data.get("tags") or [] if t and t.strip()],
                    "regions": [r.strip() for r in data.get("regions") or [] if r and r.strip()]})
    return {k: v for k, v in segment.items() if v}


def create_campaign(session: Any, data: dict, by_user: Any) -> Campaign:
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()[:200]
    if not name:
        errors["name"] = _("A name is required.")
    channel = data.get("channel")
    if channel not in CAMPAIGN_CHANNELS:
        errors["channel"] = _("Choose e-mail or SMS.")
    subject = str(data.get("subject") or "").strip()[:200] or None
    if channel == "email" and not subject:
        errors["subject"] = _("An e-mail needs a subject.")
    body = str(data.get("body") or "").strip()
    if not body:
        errors["body"] = _("Write the message.")
    elif channel == "sms" and len(body) > MAX_SMS:
        errors["body"] = _("An SMS has at most %(n)s characters.", n=MAX_SMS)
    try:
        segment = clean_segment(data)
    except FieldErrors as exc:
        errors.update(exc.errors)
        segment = {}
    if errors:
        raise FieldErrors(errors)
    campaign = Campaign(name=name, channel=channel, subject=subject, body=body,
                        segment=json.dumps(segment, ensure_ascii=False), created_by_id=getattr(by_user, "id", None))
    session.add(campaign)
    session.flush()
    return campaign


def segment_of(campaign: Campaign) -> dict[str, Any]:
    return json.loads(campaign.segment or "{}")


def consent_covers(channel: str) -> Any:
    """SQL: the contact has a live consent whose channel list contains ``channel``."""
    padded = literal(",") + Consent.channels + literal(",")
    return exists().where(Consent.contact_id == Contact.id, Consent.withdrawn_at.is_(None),
                          padded.like(f"%,{channel},%"))


def recipients_stmt(campaign: Campaign, owner_condition: Any) -> Any:
    """Contacts the campaign may reach: in the segment, within the sender's scope, consenting to its channel."""
    segment = segment_of(campaign)
    address = Contact.email if campaign.channel == "email" else Contact.phone
    stmt = (select(Contact.id, address).join(Customer, Customer.id == Contact.customer_id)
            .where(Customer.merged_into_id.is_(None), owner_condition, Contact.anonymised_at.is_(None),
                   address.isnot(None), address != "", consent_covers(campaign.channel)))
    if segment.get("grades"):
        stmt = stmt.where(Customer.grade.in_(segment["grades"]))
    if segment.get("states"):
        stmt = stmt.where(Customer.state.in_(segment["states"]))
    if segment.get("regions"):
        stmt = stmt.where(Customer.region.in_(segment["regions"]))
    if segment.get("tags"):
        stmt = stmt.where(exists().where(CustomerTag.customer_id == Customer.id,
                                         CustomerTag.tag.in_(segment["tags"])))
    if segment.get("purchased_since"):
        stmt = stmt.where(Customer.last_purchase_on >= date.fromisoformat(segment["purchased_since"]))
    if segment.get("purchased_before"):
        stmt = stmt.where(Customer.last_purchase_on < date.fromisoformat(segment["purchased_before"]))
    return stmt.order_by(Contact.id)


def count_recipients(session: Any, campaign: Campaign, owner_condition: Any) -> int:
    return session.scalar(select(func.count()).select_from(recipients_stmt(campaign, owner_condition).subquery()))


def send_campaign(session: Any, campaign: Campaign, owner_condition: Any) -> CampaignStats:
    """Create one message per consenting contact, then deliver them. A campaign is sent once."""
    if campaign.status != "draft":
        raise CRMError(_("This campaign was sent already."))
    if campaign.channel == "sms" and not sms.configured():
        raise CRMError(_("No SMS gateway is configured; an administrator sets it in the module settings."))
    # The campaign's row first, from draft to sent only: of two people pressing "send" at once, exactly one sends
    # (the other queues nothing and is told), whatever the database.
    now = utcnow()
    claimed = session.execute(update(Campaign).where(Campaign.id == campaign.id, Campaign.status == "draft")
                              .values(status="sent", sent_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.rollback()
        raise Conflict(_("Someone else sent this campaign a moment ago."))
    rows = session.execute(recipients_stmt(campaign, owner_condition)).all()
    for contact_id, address in rows:
        session.add(CampaignMessage(campaign_id=campaign.id, contact_id=contact_id, address=address,
                                    unsubscribe_hash=links.new_token()[1]))
    campaign.status, campaign.sent_at = "sent", now  # as written above; the audit trail records it
    session.flush()
    deliver(session, campaign)
    return stats(session, campaign)


def deliver(session: Any, campaign: Campaign, statuses: tuple[str, ...] = ("queued",)) -> int:
    """Deliver the campaign's messages in ``statuses``; each attempt gets a fresh unsubscribe token (only its hash
    is stored, and an undelivered one was never seen). Returns how many went out."""
    sent = 0
    messages = session.scalars(select(CampaignMessage).where(CampaignMessage.campaign_id == campaign.id,
                                                             CampaignMessage.status.in_(statuses))
                               .order_by(CampaignMessage.id)).all()
    for message in messages:
        # Each message is taken first, by a conditional UPDATE: of two deliveries at once (two people retrying
        # the failures), one sends it and the other skips it.
        taken = session.execute(update(CampaignMessage).where(CampaignMessage.id == message.id,
                                                              CampaignMessage.status.in_(statuses))
                                .values(status="sending").execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            continue
        set_committed_value(message, "status", "sending")  # so that "failed" again is written, too
        # Consent is checked again at the moment of sending: it may have been withdrawn since queueing.
        if session.scalar(select(Contact.id).where(Contact.id == message.contact_id, Contact.anonymised_at.is_(None),
                                                   consent_covers(campaign.channel))) is None:
            message.status = "failed"
            message.error = "consent withdrawn"
            continue
        token, message.unsubscribe_hash = links.new_token()
        link = links.absolute(url_for("crm_public.unsubscribe", token=token))
        try:
            if campaign.channel == "email":
                from core.notifications import queue_email

                queue_email(message.address, campaign.subject or campaign.name,
                            f"{campaign.body}\n\n{_('Unsubscribe from these e-mails:')} {link}")
            else:
                sms.send_sms(message.address, f"{campaign.body} {_('Unsubscribe:')} {link}")
        except (ValueError, sms.GatewayError) as exc:
            message.status = "failed"
            message.error = str(exc)[:300]
            continue
        message.status = "sent"
        message.error = None
        message.sent_at = utcnow()
        sent += 1
    session.flush()
    return sent


def stats(session: Any, campaign: Campaign) -> CampaignStats:
    rows = dict(session.execute(select(CampaignMessage.status, func.count(CampaignMessage.id))
                                .where(CampaignMessage.campaign_id == campaign.id)
                                .group_by(CampaignMessage.status)).all())
    unsubscribed = session.scalar(select(func.count(CampaignMessage.id)).where(
        CampaignMessage.campaign_id == campaign.id, CampaignMessage.unsubscribed_at.isnot(None))) or 0
    return CampaignStats(recipients=sum(rows.values()), queued=rows.get("queued", 0), sent=rows.get("sent", 0),
                         failed=rows.get("failed", 0), unsubscribed=unsubscribed)


def message_for_token(session: Any, token: str) -> CampaignMessage | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(CampaignMessage).where(CampaignMessage.unsubscribe_hash == links.token_hash(token),
                                                        CampaignMessage.status == "sent"))


def unsubscribe(session: Any, token: str) -> CampaignMessage:
    """The recipient unsubscribes: the campaign's channel leaves every consent of theirs. Idempotent."""
    message = message_for_token(session, token)
    if message is None:
        raise CRMError(_("This unsubscribe link is not valid."))
    if message.unsubscribed_at is None:
        campaign = session.get(Campaign, message.campaign_id)
        message.unsubscribed_at = utcnow()
        withdraw_channel(session, message.contact_id, campaign.channel)
    session.flush()
    return message


__all__ = ["CampaignStats", "count_recipients", "create_campaign", "deliver", "recipients_stmt",
           "send_campaign", "stats", "unsubscribe"]
