"""Satisfaction surveys (R4.3.3, R5.3.1, R6.6.3): a contact rates the representative's service through a public
link that is unguessable, expires, and works once. Answers feed the KPI crm.satisfaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.timeutil import utcnow
from plugins.crm import settings
from plugins.crm.models import Contact, Customer, Survey
from plugins.crm.services import links
from plugins.crm.services.errors import CRMError, FieldErrors

MAX_COMMENT = 2000


@dataclass(frozen=True)
class SentSurvey:
    survey: Survey
    token: str
    url: str
    emailed: bool


def create_survey(session: Any, customer: Customer, by_user: Any, contact: Contact | None = None,
                  rated_user_id: int | None = None, email: bool = True) -> SentSurvey:
    """Make a survey link about the customer's representative; e-mail it when the contact has an address."""
    rated = rated_user_id or customer.owner_id
    if rated is None:
        raise CRMError(_("This customer has no representative to rate yet."))
    if contact is not None and contact.customer_id != customer.id:
        raise CRMError(_("Choose one of this customer's contacts."), field="contact_id")
    if contact is not None and contact.anonymised_at is not None:
        raise CRMError(_("This contact was anonymised at their request and cannot be edited."))
    token, digest = links.new_token()
    survey = Survey(customer_id=customer.id, contact_id=contact.id if contact else None, user_id=rated,
                    token_hash=digest, created_by_id=getattr(by_user, "id", None),
                    expires_at=utcnow() + timedelta(days=int(settings.value("crm.survey_days"))))
    session.add(survey)
    session.flush()
    url = links.absolute(url_for("crm_public.survey_form", token=token))
    emailed = False
    address = contact.email if contact is not None else None
    if email and address:
        from core.notifications import queue_email

        queue_email(address, _("How satisfied are you with our service?"),
                    _("Dear %(name)s,\n\nplease tell us in one minute how well we served you:\n%(url)s\n\n"
                      "The link works once and expires in %(days)s days.", name=contact.name, url=url,
                      days=settings.value("crm.survey_days")))
        emailed = True
    return SentSurvey(survey, token, url, emailed)


def open_survey(session: Any, token: str) -> Survey | None:
    """The survey behind a link if it can still be answered (known, not answered, not expired), else None."""
    if not token or len(token) > 100:
        return None
    survey = session.scalar(select(Survey).where(Survey.token_hash == links.token_hash(token)))
    if survey is None or survey.answered_at is not None or survey.expires_at <= utcnow():
        return None
    return survey


def answer_survey(session: Any, token: str, rating: Any, comment: str | None) -> Survey:
    """Record the answer once: of two submissions of one link, exactly one is kept (conditional UPDATE)."""
    try:
        value = int(rating)
        if not 1 <= value <= 5:
            raise ValueError
    except (TypeError, ValueError):
        raise FieldErrors({"rating": _("Choose from 1 (poor) to 5 (excellent).")}) from None
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise FieldErrors({"comment": _("At most %(n)s characters.", n=MAX_COMMENT)})
    now = utcnow()
    digest = links.token_hash(token or "")
    done = session.execute(
        update(Survey).where(Survey.token_hash == digest, Survey.answered_at.is_(None), Survey.expires_at > now)
        .values(answered_at=now, rating=value, comment=comment or None).execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise CRMError(_("This survey link is no longer valid: it was used already or has expired."))
    return session.scalar(select(Survey).where(Survey.token_hash == digest))
