"""Postings on channels (R3.1.2): the careers page and external channels (job sites, social media, campus,
referral, agency). Each posting has a source code: its link on the careers page attributes the applications it
brings. HR records what each channel cost, for cost per hire."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from plugins.recruitment.models import CHANNELS, ChannelCost, Posting, Requisition
from plugins.recruitment.services import RecruitmentError

#: The channels a posting is made on ("manual" marks HR's own entry, not a posting).
POSTING_CHANNELS = tuple(c for c in CHANNELS if c != "manual")
MAX_COST = Decimal("999999999.99")


def new_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


def publish(session: Any, requisition: Requisition, user: Any, channel: str, venue: str | None = None,
            url: str | None = None, event_date: date | None = None) -> Posting:
    if requisition.state != "approved":
        raise RecruitmentError(_l("Only an approved hiring plan with open places is published."))
    if channel not in POSTING_CHANNELS:
        raise RecruitmentError(_l("Choose a channel."), "channel")
    url = (url or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise RecruitmentError(_l("A link starts with http:// or https://."), "url")
    posting = Posting(requisition_id=requisition.id, channel=channel, venue=(venue or "").strip()[:200] or None,
                      url=url[:500] or None, event_date=event_date, source_code=new_code(), created_by_id=user.id)
    session.add(posting)
    session.flush()
    return posting


def close(session: Any, posting: Posting) -> None:
    posting.active = False
    session.flush()


def record_cost(session: Any, user: Any, channel: str, amount: Any, spent_on: date | None,
                posting_id: int | None = None, note: str | None = None) -> ChannelCost:
    if channel not in POSTING_CHANNELS:
        raise RecruitmentError(_l("Choose a channel."), "channel")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise RecruitmentError(_l("Enter an amount."), "amount") from exc
    if not value.is_finite() or not Decimal("0") < value <= MAX_COST:
        raise RecruitmentError(_l("Enter an amount from 0 to 999,999,999.99."), "amount")
    if spent_on is None:
        raise RecruitmentError(_l("Enter the date."), "spent_on")
    if posting_id is not None and session.get(Posting, posting_id) is None:
        raise RecruitmentError(_l("This posting does not exist."), "posting_id")
    cost = ChannelCost(channel=channel, amount=value.quantize(Decimal("0.01")), spent_on=spent_on,
                       posting_id=posting_id, note=(note or "").strip()[:300] or None, created_by_id=user.id)
    session.add(cost)
    session.flush()
    return cost
