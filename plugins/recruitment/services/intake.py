"""The public application form's guards, CAPTCHA-free (R3.1.2): a honeypot field people never see, a minimum
time between showing the form and sending it (a signed timestamp), and a limit per client address kept in the
database (several processes serve the form, so nothing is counted in memory)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from core.timeutil import utcnow
from plugins.recruitment.models import Application, FormSubmission, Posting, Requisition
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services.candidates import apply, upsert_candidate

SALT = "recruitment.apply-form"
#: A form older than this is stale (the timestamp cannot be replayed for ever).
MAX_FORM_AGE = 24 * 3600


class SpamSuspected(RecruitmentError):
    """The submission looks automated; the page answers politely and saves nothing."""


class TooManySubmissions(RecruitmentError):
    """The address sent too many applications this hour."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def form_stamp(posting_id: int) -> str:
    """Signed when the form is shown; checked when it comes back."""
    return _serializer().dumps({"p": posting_id})


def check_stamp(stamp: str | None, posting_id: int) -> None:
    from core.settings import get_setting

    minimum = int(get_setting("recruitment.min_form_seconds") or 0)
    try:
        data, signed_at = _serializer().loads(stamp or "", max_age=MAX_FORM_AGE, return_timestamp=True)
    except BadSignature as exc:
        raise SpamSuspected(_l("The form expired. Please fill it in again.")) from exc
    if data.get("p") != posting_id:
        raise SpamSuspected(_l("The form expired. Please fill it in again."))
    age = (utcnow() - signed_at.replace(tzinfo=None)).total_seconds()
    if age < minimum:
        raise SpamSuspected(_l("That was very fast. Please check your answers and send the form again."))


def check_rate(session: Any, address: str) -> None:
    """Refuse once the address sent the setting's number of applications within the last hour."""
    from core.settings import get_setting

    limit = int(get_setting("recruitment.max_applications_per_address_hour") or 0)
    if limit <= 0:
        return
    since = utcnow() - timedelta(hours=1)
    sent = session.scalar(select(func.count(FormSubmission.id)).where(FormSubmission.address == address[:64],
                                                                      FormSubmission.at >= since)) or 0
    if sent >= limit:
        raise TooManySubmissions(_l("Too many applications were sent from your network in the last hour. "
                                    "Please try again later."))


def count_submission(session: Any, address: str) -> None:
    now = utcnow()
    session.add(FormSubmission(address=address[:64], at=now))
    session.execute(delete(FormSubmission).where(FormSubmission.at < now - timedelta(hours=2)))


def posting_for_code(session: Any, code: str) -> Posting | None:
    """The active posting of an approved requisition with this source code."""
    if not code or len(code) > 32:
        return None
    # The public form needs the posting and its plan, not the plan author's user record, roles and department that
    # the models load eagerly for HR's pages: this page takes the spam and the load (issue 14 "Performance").
    row = session.execute(
        select(Posting, Requisition).join(Requisition, Requisition.id == Posting.requisition_id)
        .options(lazyload(Posting.requisition), lazyload(Requisition.requested_by),
                 lazyload(Requisition.department))
        .where(Posting.source_code == code, Posting.active, Requisition.state == "approved")).first()
    if row is None:
        return None
    posting, requisition = row
    set_committed_value(posting, "requisition", requisition)  # the session only keeps weak references
    return posting


def receive(session: Any, posting: Posting, *, address: str, honeypot: str | None, stamp: str | None,
            name: str, phone: str | None, email: str | None, education: str | None, current_employer: str | None,
            cover_letter: str | None, consent: bool, talent_pool: bool, cv: Any = None) -> Application:
    """An application from the careers page. Guards first, then the candidate (merged by phone or e-mail), the
    application with the posting's channel, the CV through the core attachments' limits. The caller commits."""
    if honeypot:
        raise SpamSuspected(_l("Your application could not be accepted."))
    check_stamp(stamp, posting.id)
    check_rate(session, address)
    if not consent:
        raise RecruitmentError(_l("We can only process your application with your consent."), "consent")
    requisition = posting.requisition
    if requisition.state != "approved":
        raise RecruitmentError(_l("This position is not open for applications."))
    count_submission(session, address)
    candidate = upsert_candidate(session, name=name, phone=phone, email=email, education=education,
                                 current_employer=current_employer, consent=True, talent_pool=talent_pool)
    application, _created = apply(session, requisition, candidate, channel=posting.channel, posting=posting,
                                  source_detail=posting.venue, cover_letter=cover_letter)
    if cv is not None and getattr(cv, "filename", ""):
        attach_cv(session, application, cv)
    return application


class _OnBehalf:
    """The uploader recorded for a CV the applicant sent: the requisition's author (core attachments need a
    user; applicants have none)."""

    def __init__(self, user_id: int) -> None:
        self.id = user_id


def attach_cv(session: Any, application: Application, cv: Any, user: Any = None) -> None:
    from core.attachments.services import AttachmentError, attach

    try:
        with session.begin_nested():
            attachment = attach(application, cv, user or _OnBehalf(application.owner_id))
    except AttachmentError as exc:
        raise RecruitmentError(str(exc), "cv") from exc
    application.cv_attachment_id = attachment.id
    session.flush()
