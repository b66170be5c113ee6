"""Sending a quotation to the customer (R6.3.1) and telling the approvers about discounts (R6.4.2).

The outbox sends text and HTML only, no attachments: the email carries a summary and a signed download link to the
PDF, valid until the quotation expires, and the audit trail records that the PDF went out as a link."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from core.money import to_chinese_capital
from core.web.locale import number
from plugins.pipeline.models import Deal, Quotation
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services.quotations import mark_sent

SALT = "pipeline.quotation.pdf"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def pdf_token(quotation: Quotation) -> str:
    return _serializer().dumps({"q": quotation.id, "r": quotation.revision})


def quotation_from_token(session: Any, token: str) -> Quotation | None:
    """The quotation a download link names, while the link is genuine and the quotation has not expired."""
    try:
        data = _serializer().loads(token, max_age=400 * 86400)
    except BadSignature:
        return None
    quotation = session.get(Quotation, data.get("q")) if isinstance(data, dict) else None
    if quotation is None or quotation.revision != data.get("r") or quotation.state not in ("sent", "accepted",
                                                                                           "rejected"):
        return None
    if datetime.combine(quotation.valid_until, time.max) < datetime.now():
        return None
    return quotation


def email_ref(quotation: Quotation) -> str:
    """The outbox's name for this quotation's e-mail: its page reads whether it left (core.notifications.outbox)."""
    return f"pipeline.quotation:{quotation.id}"


def send_quotation(session: Any, quotation: Quotation, user: Any) -> str | None:
    """Mark the quotation sent and email the customer a summary with the PDF link; returns the address used
    (None when the customer has no email: the representative then hands the PDF over themselves)."""
    from core.audit import log_event
    from core.notifications import queue_email
    from core.notifications.outbox import valid_address
    from core.notifications.service import absolute_url

    mark_sent(session, quotation)
    deal = session.get(Deal, quotation.deal_id)
    customer = deal.customer
    address = customer.email if customer.email and valid_address(customer.email) else None
    if address:
        link = absolute_url(url_for("pipeline.public_quotation_pdf", token=pdf_token(quotation)))
        with force_locale(current_app.config["DEFAULT_LOCALE"]):
            subject = gettext("Quotation %(number)s from %(company)s", number=quotation.number,
                              company=_company())
            body = gettext(
                "Hello %(customer)s,\n\nplease find our quotation %(number)s (revision %(revision)s) for "
                "%(deal)s.\nTotal including tax: %(total)s CNY (%(capital)s), valid until %(until)s.\n\n"
                "Download the quotation (PDF): %(link)s\n\n%(sender)s",
                customer=customer.name, number=quotation.number, revision=quotation.revision, deal=deal.title,
                total=number(quotation.total, 2), capital=to_chinese_capital(quotation.total),
                until=quotation.valid_until.isoformat(), link=link, sender=user.name)
        queue_email(address, subject, body, ref=email_ref(quotation))
    log_event("state", "pipeline_quotation", record_id=quotation.id, model="Quotation",
              details={"sent_to": address or "", "pdf": "download link" if address else "handed over"})
    return address


def _company() -> str:
    from core.settings import get_setting

    return str(get_setting("core.company_name") or current_app.config.get("COMPANY_NAME", ""))


def approvers_for(session: Any, quotation: Quotation) -> list[Any]:
    """Who is asked to approve the discount: the owner's superior for a supervisor's approval (or every sales
    supervisor if the owner has none), every active sales manager for a manager's."""
    from core.identity.models import User

    owner = session.get(User, quotation.owner_id)
    if quotation.approval_level == "supervisor" and owner is not None and owner.superior_id:
        boss = session.get(User, owner.superior_id)
        if boss is not None and boss.active:
            return [boss]
    position = "sales_supervisor" if quotation.approval_level == "supervisor" else "sales_manager"
    return list(session.scalars(select(User).where(User.active, User.position == position)))


def notify_approval_request(session: Any, quotation: Quotation) -> int:
    from core.notifications import notify

    approvers = approvers_for(session, quotation)
    if not approvers:
        raise PipelineError(_l("Nobody can approve this discount: no active approver is set up."))
    for approver in approvers:
        notify(approver, _l("Quotation %(number)s waits for your discount approval."),
               url=f"/pipeline/quotations/{quotation.id}", about=email_ref(quotation), number=quotation.number)
    return len(approvers)


def notify_decision(session: Any, quotation: Quotation, approved: bool) -> None:
    from core.identity.models import User
    from core.notifications import notify, resolve_for

    resolve_for(email_ref(quotation))  # the other approvers' "waits for your approval" is done (issue 12)

    owner = session.get(User, quotation.owner_id)
    if owner is None:
        return
    message = _l("The discount of quotation %(number)s was approved.") if approved else \
        _l("The discount of quotation %(number)s was refused.")
    notify(owner, message, url=f"/pipeline/quotations/{quotation.id}", number=quotation.number)
