"""E-mails to candidates, queued in the core outbox (a request never waits on SMTP), written in the company's
language from templates under templates/recruitment/email/."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from core.notifications.outbox import queue_email, valid_address
from plugins.recruitment.models import Application


def _company() -> str:
    from core.settings import get_setting

    return str(get_setting("core.company_name") or current_app.config.get("COMPANY_NAME", "") or "")


def queue_candidate_email(session: Any, to: str | None, template: str, **context: Any) -> bool:
    """Render ``template`` (first line: the subject) and queue it; False when the candidate has no address."""
    if not to or not valid_address(to):
        return False
    with force_locale(current_app.config.get("DEFAULT_LOCALE", "zh_Hans")):
        text = render_template(template, company=_company(), **context)
    subject, _sep, body = text.strip().partition("\n")
    queue_email(to, subject.strip(), body.strip() + "\n")
    return True


def queue_rejection(session: Any, application: Application) -> bool:
    """The polite “thank you, not this time” (the reason stays internal)."""
    return queue_candidate_email(session, application.candidate.email, "recruitment/email/rejection.html",
                                 candidate=application.candidate, requisition=application.requisition)


def queue_test_link(session: Any, application: Application, link: str, expires: Any, minutes: int) -> bool:
    return queue_candidate_email(session, application.candidate.email, "recruitment/email/test_link.html",
                                 candidate=application.candidate, requisition=application.requisition, link=link,
                                 expires=expires, minutes=minutes)
