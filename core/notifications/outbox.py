"""The email outbox: ``queue_email`` adds a message in the caller's transaction; the ``core.send_outbox`` job
sends waiting messages with smtplib. A down server means "try again later, waiting longer each time"; nothing is
lost, and a message is marked sent, in its own commit, the moment the server accepts it.

A message may carry files (a meeting's .ics invitation, the minutes PDF): they are stored with it
(``EmailAttachment``), so every attempt sends the same bytes, and the mail catcher's page offers them for download."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update

from core.extensions import db
from core.jobs.runner import new_worker_id
from core.notifications.models import EmailAttachment, EmailOutbox
from core.settings.addresses import valid_address  # one rule for every address; plugins import it from here
from core.timeutil import utcnow

log = logging.getLogger(__name__)

DEFAULTS = {
    "OUTBOX_RETRY_SECONDS": 60,  # first wait after a failed attempt; doubles each time
    "OUTBOX_MAX_BACKOFF_SECONDS": 3600,
    "OUTBOX_MAX_ATTEMPTS": 30,  # about a day of retries at the longest wait, then the message is given up
    "OUTBOX_LEASE_SECONDS": 600,
    "OUTBOX_BATCH": 50,
    "SMTP_TIMEOUT_SECONDS": 30,
    # The files of one message together: most mail servers refuse messages above 10-25 MB, and base64 adds a third.
    "OUTBOX_MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
}

#: (file name, content type, bytes): what ``queue_email`` takes as a file to send with a message.
MailFile = tuple[str, str, bytes]


class OutboxError(RuntimeError):
    """Sending could not proceed (no SMTP settings, server down); the job shows it as its error."""


class AttachmentRefused(ValueError):
    """A file given to ``queue_email`` cannot be sent: too large, or a bad name or type. The message says which
    file and why, in words the caller can pass on; nothing is queued."""


def _config(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _single_line(text: str) -> str:
    return " ".join(str(text).split())


def catcher_enabled() -> bool:
    """The local mail catcher (config MAIL_CATCHER, on in the embedded default): messages are kept and shown on the
    outbox page instead of sent, so a demo shows what would have gone out without an SMTP server."""
    return bool(current_app.config.get("MAIL_CATCHER", False))


def _content_type(value: str) -> tuple[str, str, dict[str, str]]:
    """("text", "calendar", {"method": "REQUEST"}) from "text/calendar; method=REQUEST"; ValueError if malformed."""
    kind, *params = [part.strip() for part in value.split(";")]
    maintype, _slash, subtype = kind.partition("/")
    token = re.compile(r"^[A-Za-z0-9!#$&^_.+-]{1,60}$")
    if not (token.match(maintype) and token.match(subtype)):
        raise ValueError(value)
    parsed: dict[str, str] = {}
    for param in params:
        name, equals, text = param.partition("=")
        if not (equals and token.match(name.strip())) or any(c in text for c in "\r\n"):
            raise ValueError(value)
        parsed[name.strip().lower()] = text.strip().strip('"')
    return maintype.lower(), subtype.lower(), parsed


def check_attachments(files: Sequence[MailFile]) -> list[MailFile]:
    """The files as they will be stored: names without folders or line breaks, a valid content type, and together
    no larger than OUTBOX_MAX_ATTACHMENT_BYTES. Raises AttachmentRefused saying which file and why."""
    limit = _config("OUTBOX_MAX_ATTACHMENT_BYTES")
    checked: list[MailFile] = []
    total = 0
    for filename, content_type, data in files:
        name = _single_line(str(filename or "")).replace("\\", "/").rpartition("/")[2].strip()
        if not name or len(name) > 255:
            raise AttachmentRefused(f"an attachment needs a file name of 1 to 255 characters: {filename!r}")
        if not isinstance(data, bytes | bytearray | memoryview):
            raise AttachmentRefused(f"the attachment {name!r} is not bytes")
        try:
            _content_type(content_type or "")
        except ValueError:
            raise AttachmentRefused(f"the attachment {name!r} has no valid content type: {content_type!r}") from None
        total += len(data)
        if total > limit:
            raise AttachmentRefused(f"the attachments are larger than the mail limit of {limit} bytes "
                                    f"(at {name!r}: {total} bytes)")
        checked.append((name, content_type.strip()[:120], bytes(data)))
    return checked


def queue_email(to: str, subject: str, body: str, html: str | None = None, *, ref: str | None = None,
                attachments: Sequence[MailFile] | None = None) -> EmailOutbox:
    """Queue an email in the caller's transaction (it goes out only if that commits). Raises ValueError on a bad
    address. The ``core.send_outbox`` job sends it. ``ref`` names the record it is about ("pipeline.quotation:12")
    so that record's page can show whether it was sent (delivery_states).

    ``attachments`` are (file name, content type, bytes), e.g. ``("meeting-3.ics", "text/calendar;
    method=REQUEST", data)``: stored with the message and sent with every attempt. Raises AttachmentRefused (a
    ValueError) when they are together larger than OUTBOX_MAX_ATTACHMENT_BYTES (10 MB by default) or a name or
    type is unusable; nothing is queued then."""
    if not valid_address(to):
        raise ValueError(f"not an email address: {to!r}")
    files = check_attachments(attachments or [])
    now = utcnow()
    caught = catcher_enabled()
    message = EmailOutbox(to=to.strip(), subject=_single_line(subject)[:900], body_text=body, body_html=html,
                          next_attempt_at=None if caught else now, caught_at=now if caught else None,
                          ref=ref[:120] if ref else None)
    db.session.add(message)
    db.session.flush()
    db.session.add_all(EmailAttachment(message_id=message.id, filename=name, content_type=kind, data=data)
                       for name, kind, data in files)
    if files:
        db.session.flush()
    return message


def attachments_of(message_ids: Sequence[int]) -> dict[int, list[EmailAttachment]]:
    """Each message's files in the order they were given (one query for the batch)."""
    found: dict[int, list[EmailAttachment]] = {}
    if not message_ids:
        return found
    for row in db.session.scalars(select(EmailAttachment).where(EmailAttachment.message_id.in_(list(message_ids)))
                                  .order_by(EmailAttachment.message_id, EmailAttachment.id)):
        found.setdefault(row.message_id, []).append(row)
    return found


def _claimable(now: datetime) -> list[Any]:
    # Kept by the mail catcher: never sent (its next_attempt_at is filled by the column's default all the same).
    return [EmailOutbox.sent_at.is_(None), EmailOutbox.caught_at.is_(None), EmailOutbox.next_attempt_at.is_not(None),
            EmailOutbox.next_attempt_at <= now,
            or_(EmailOutbox.locked_until.is_(None), EmailOutbox.locked_until < now)]


def _claim_batch(worker: str, now: datetime) -> list[EmailOutbox]:
    """Lease up to a batch of due messages in one UPDATE (the conditions are repeated outside the subquery, so a
    message another worker leased meanwhile is skipped) and return them."""
    db.session.commit()
    batch = (select(EmailOutbox.id).where(*_claimable(now))
             .order_by(EmailOutbox.next_attempt_at, EmailOutbox.id).limit(_config("OUTBOX_BATCH")))
    db.session.execute(
        update(EmailOutbox).where(EmailOutbox.id.in_(batch.scalar_subquery()), *_claimable(now))
        .values(locked_by=worker, locked_until=now + timedelta(seconds=_config("OUTBOX_LEASE_SECONDS")))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.locked_by == worker, EmailOutbox.sent_at.is_(None))
        .order_by(EmailOutbox.id)
    ))


def _release(worker: str, ids: list[int]) -> None:
    db.session.execute(update(EmailOutbox).where(EmailOutbox.id.in_(ids), EmailOutbox.locked_by == worker)
                       .values(locked_by=None, locked_until=None).execution_options(synchronize_session=False))
    db.session.commit()


def _mark_sent(worker: str, message_id: int) -> None:
    db.session.execute(update(EmailOutbox).where(EmailOutbox.id == message_id, EmailOutbox.locked_by == worker)
                       .values(sent_at=utcnow(), next_attempt_at=None, locked_by=None, locked_until=None,
                               last_error=None, attempts=EmailOutbox.attempts + 1)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _mark_failed(worker: str, messages: list[EmailOutbox], error: str) -> None:
    """Count a failed attempt on each message and schedule the next one (or give up after the maximum)."""
    now = utcnow()
    for message in messages:
        attempts = message.attempts + 1
        wait = min(_config("OUTBOX_RETRY_SECONDS") * 2 ** (attempts - 1), _config("OUTBOX_MAX_BACKOFF_SECONDS"))
        next_at = None if attempts >= _config("OUTBOX_MAX_ATTEMPTS") else now + timedelta(seconds=wait)
        db.session.execute(update(EmailOutbox).where(EmailOutbox.id == message.id, EmailOutbox.locked_by == worker)
                           .values(attempts=attempts, next_attempt_at=next_at, last_error=error[:2000],
                                   locked_by=None, locked_until=None)
                           .execution_options(synchronize_session=False))
    db.session.commit()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    tls: str  # starttls, ssl, none


def smtp_settings() -> SmtpSettings:
    from core.settings import get_setting

    return SmtpSettings(
        host=(get_setting("core.smtp_host") or "").strip(), port=int(get_setting("core.smtp_port")),
        user=get_setting("core.smtp_user") or "", password=get_setting("core.smtp_password") or "",
        sender=(get_setting("core.smtp_sender") or "").strip(), tls=get_setting("core.smtp_tls"),
    )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    timeout = _config("SMTP_TIMEOUT_SECONDS")
    context = ssl.create_default_context()
    if settings.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        if settings.tls == "starttls":
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _build(message: EmailOutbox, sender: str, files: Sequence[EmailAttachment] = ()) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = message.to
    mail["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(idstring=f"netsales-{message.id}", domain=domain)
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    for file in files:  # multipart/mixed: the body (or its text and HTML alternatives), then each file in base64
        maintype, subtype, params = _content_type(file.content_type)
        mail.add_attachment(bytes(file.data), maintype=maintype, subtype=subtype, filename=file.filename,
                            params=params)
    return mail


_PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused,
              smtplib.SMTPNotSupportedError, UnicodeError)


def send_outbox() -> int:
    """Send the due messages; returns how many went out. Raises OutboxError (after recording every message's
    attempt) when it could not reach the server, so that the job shows the failure and backs off."""
    worker = new_worker_id()
    messages = _claim_batch(worker, utcnow())
    if not messages:
        return 0
    settings = smtp_settings()
    if not settings.host or not valid_address(settings.sender):
        _release(worker, [m.id for m in messages])  # not an attempt: they wait for the settings
        raise OutboxError("email is not configured: set the SMTP server and the sender address in the settings")
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        _mark_failed(worker, messages, f"cannot reach {settings.host}:{settings.port}: {exc}")
        raise OutboxError(f"cannot reach the SMTP server {settings.host}:{settings.port}: {exc}") from exc
    files = attachments_of([m.id for m in messages])
    sent = 0
    try:
        for index, message in enumerate(messages):
            try:
                smtp.send_message(_build(message, settings.sender, files.get(message.id, ())))
            except _PERMANENT as exc:  # this message only; the connection is still good
                _mark_failed(worker, [message], f"{type(exc).__name__}: {exc}")
                continue
            except (OSError, smtplib.SMTPException) as exc:  # the connection broke: the rest wait for next time
                _mark_failed(worker, messages[index:], f"{type(exc).__name__}: {exc}")
                raise OutboxError(f"the SMTP server dropped the connection: {exc}") from exc
            _mark_sent(worker, message.id)
            sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return sent


@dataclass(frozen=True)
class OutboxSummary:
    pending: int
    sent: int
    dead: int
    problems: list[EmailOutbox]


def outbox_summary(limit: int = 20) -> OutboxSummary:
    """Counts for the jobs page, and the latest messages that failed at least once and are not sent (two queries)."""
    counts = db.session.execute(select(
        func.count().filter(EmailOutbox.sent_at.is_(None), EmailOutbox.next_attempt_at.is_not(None),
                            EmailOutbox.caught_at.is_(None)),
        func.count().filter(EmailOutbox.sent_at.is_not(None)),
        func.count().filter(EmailOutbox.sent_at.is_(None), EmailOutbox.next_attempt_at.is_(None),
                            EmailOutbox.caught_at.is_(None)),  # kept by the mail catcher: not given up
    )).one()
    problems = list(db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.sent_at.is_(None), EmailOutbox.attempts > 0)
        .order_by(EmailOutbox.id.desc()).limit(limit)
    ))
    return OutboxSummary(pending=counts[0], sent=counts[1], dead=counts[2], problems=problems)



#: What a record's page says about its e-mail.
QUEUED, SENT, RETRYING, FAILED, CAUGHT = "queued", "sent", "retrying", "failed", "caught"


@dataclass(frozen=True)
class Delivery:
    """The state of the latest e-mail about a record: queued, sent, retrying (failed, tried again later), failed
    (given up) or caught (kept by the local mail catcher); ``error`` is the last failure."""

    state: str
    to: str
    error: str | None
    at: datetime | None
    message_id: int


def delivery_of(message: EmailOutbox) -> Delivery:
    if message.caught_at is not None:
        return Delivery(CAUGHT, message.to, None, message.caught_at, message.id)
    if message.sent_at is not None:
        return Delivery(SENT, message.to, None, message.sent_at, message.id)
    if message.next_attempt_at is None:
        return Delivery(FAILED, message.to, message.last_error, None, message.id)
    if message.attempts or message.last_error:
        return Delivery(RETRYING, message.to, message.last_error, message.next_attempt_at, message.id)
    return Delivery(QUEUED, message.to, None, message.created_at, message.id)


def delivery_states(refs: list[str]) -> dict[str, Delivery]:
    """The latest e-mail's delivery for each ref that has one (one query)."""
    if not refs:
        return {}
    found: dict[str, Delivery] = {}
    for message in db.session.scalars(select(EmailOutbox).where(EmailOutbox.ref.in_(set(refs)))
                                      .order_by(EmailOutbox.id)):
        found[message.ref] = delivery_of(message)  # type: ignore[index]  # the latest wins
    return found


#: Failures within this many hours count as "recent" for the administrators' warning.
RECENT_FAILURE_HOURS = 24


def mail_problem() -> str | None:
    """Why e-mail cannot be delivered now, for the administrators' warning: "catcher" (kept in the app, not sent),
    "not_configured" (no SMTP server or sender), "failing" (messages failed in the last day), or None."""
    if catcher_enabled():
        return "catcher"
    settings = smtp_settings()
    if not settings.host or not valid_address(settings.sender):
        return "not_configured"
    since = utcnow() - timedelta(hours=RECENT_FAILURE_HOURS)
    failing = db.session.scalar(select(func.count(EmailOutbox.id)).where(
        EmailOutbox.sent_at.is_(None), EmailOutbox.caught_at.is_(None), EmailOutbox.last_error.is_not(None),
        EmailOutbox.created_at >= since))
    return "failing" if failing else None
