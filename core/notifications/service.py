"""notify(): an in-app notification, and the same by email when the recipient chose so (or the caller says)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from core.extensions import db
from core.i18n import source_text
from core.notifications.models import Notification, NotificationPreference
from core.notifications.outbox import queue_email, valid_address
from core.timeutil import utcnow

log = logging.getLogger(__name__)


def _json_param(value: Any) -> Any:
    """Parameters are stored as JSON: keep what JSON keeps, write the rest as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        from core.web.locale import number

        return number(value)  # as the locale writes it: str() could give "1E+1"
    if isinstance(value, date | datetime):
        return str(value)
    return source_text(value)


def notify(recipient: Any, message: Any, url: str | None = None, *, email: bool | None = None,
           about: str | None = None, **params: Any) -> Notification:
    """Notify ``recipient`` (a User). ``message`` is an English msgid (plain or wrapped in ``_l``) with %(name)s
    placeholders filled from ``params``; it is translated for whoever reads it, when they read it.

    ``url`` is a path inside NetSales (``/crm/customers/5``). ``email``: None follows the recipient's choice,
    True/False forces it. ``about`` names the record whose task the notification asks for ("pipeline.quotation:12"):
    resolve_for(about) marks it done once the task is. Added to the caller's transaction (nothing is sent unless it commits); the email goes
    through the outbox, so this never waits on SMTP.
    """
    if url is not None and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"notification links must be paths inside NetSales, not {url!r}")
    notification = Notification(recipient_id=recipient.id, message=source_text(message),
                                params={k: _json_param(v) for k, v in params.items()}, url=url,
                                created_at=utcnow(), subject=about[:120] if about else None)
    db.session.add(notification)
    _changed()
    if (wants_email(recipient) if email is None else email) and recipient.email and valid_address(recipient.email):
        _queue_notification_email(recipient, notification)
    db.session.flush()
    return notification


def render_message(notification: Notification) -> str:
    """The message in the current locale (the reader's, in a request), parameters filled in."""
    params = notification.params or {}
    for text in (_(notification.message), notification.message):
        try:
            return text % params if params else text
        except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder must not break a page
            log.warning("notification %s: cannot fill %r with %r", notification.id, text, params)
    return notification.message


def absolute_url(path: str | None) -> str | None:
    """For emails: BASE_URL from the configuration, else this request's host; a bare path if neither is known."""
    if path is None:
        return None
    base = current_app.config.get("BASE_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + path if base else path


def _queue_notification_email(recipient: Any, notification: Notification) -> None:
    """Render the email in the recipient's language, not the sender's."""
    from core.settings import get_setting

    locale = recipient.locale if recipient.locale in current_app.config["LOCALES"] \
        else current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        text = render_message(notification)
        context = {"recipient": recipient, "text": text, "link": absolute_url(notification.url),
                   "settings_link": absolute_url("/notifications"), "company": get_setting("core.company_name")}
        subject = f"[{context['company']}] {text}"
        body = _plain_body(**context)
        html = render_template("notifications/email.html", **context)
    queue_email(recipient.email, subject, body, html)


def _plain_body(recipient: Any, text: str, link: str | None, settings_link: str | None, company: str) -> str:
    """The text part, in the current (the recipient's) language; built here, as a template would escape it."""
    lines = [_("Hello %(name)s,", name=recipient.name), "", text]
    if link:
        lines += ["", link]
    lines += ["", "-- ", _("%(company)s · NetSales. You get this email because you chose to receive your "
                           "notifications by email; change that on %(link)s", company=company, link=settings_link)]
    return "\n".join(lines) + "\n"


def wants_email(user: Any) -> bool:
    return bool(db.session.scalar(select(NotificationPreference.email).where(NotificationPreference.user_id == user.id)))


def set_email_preference(user: Any, email: bool) -> None:
    """Record the user's "also by email" choice (in the caller's transaction)."""
    preference = db.session.get(NotificationPreference, user.id)
    if preference is None:
        preference = NotificationPreference(user_id=user.id)
        db.session.add(preference)
    preference.email = email
    db.session.flush()


#: Built once: every signed-in page shows the count (the badge in the layout).
_UNREAD = select(func.count(Notification.id)).where(
    Notification.recipient_id == bindparam("user_id"), Notification.read_at.is_(None))
#: The badge's figure, read with the signed-in user (core/auth/sessions.py add_signed_in_figure): no query of its
#: own on any page.
UNREAD_FIGURE = "unread_notifications"


def unread_column(user_id: Any) -> Any:
    """The unread count of the user whose id is ``user_id`` (a column), as a scalar subquery."""
    return select(func.count(Notification.id)).where(
        Notification.recipient_id == user_id, Notification.read_at.is_(None)).scalar_subquery()


def unread_count(user: Any) -> int:
    """Unread notifications of ``user``: read with the signed-in user when it is them, else counted."""
    from core.auth.sessions import signed_in_figure

    known = signed_in_figure(UNREAD_FIGURE, user.id)
    if known is not None:
        return int(known)
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


def _changed() -> None:
    """This request changed someone's unread notifications: the count read with the user is out of date."""
    from core.auth.sessions import forget_signed_in_figure

    forget_signed_in_figure(UNREAD_FIGURE)


#: The archive: what has been read (by its reader, by "mark all read", or because the task it asked for is done).
INBOX, ARCHIVE = "inbox", "archive"


def notifications_page(user: Any, box: str, page: int, per_page: int) -> tuple[list[Notification], int, int, int]:
    """(rows, total, page, pages) of ``user``'s unread notifications (``INBOX``, newest first) or read ones
    (``ARCHIVE``, most recently read first), paginated in SQL; a page past the end is the last one."""
    unread = box == INBOX
    condition = Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None)
    if unread:
        total = unread_count(user)
    else:
        total = db.session.scalar(select(func.count(Notification.id)).where(
            Notification.recipient_id == user.id, condition)) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    order = (Notification.created_at.desc(), Notification.id.desc()) if unread else \
        (Notification.read_at.desc(), Notification.id.desc())
    rows = db.session.scalars(select(Notification).where(Notification.recipient_id == user.id, condition)
                              .order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total, page, pages


def mark_read(user: Any, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s notifications read; None if it is not theirs (or does not exist)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        _changed()
    return notification


def mark_all_read(user: Any) -> int:
    """Move every unread notification of ``user`` to the archive; returns how many."""
    _changed()
    return db.session.execute(
        update(Notification).where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount


def resolve_for(about: str) -> int:
    """Mark every unread notification about ``about`` done (read), for everyone: the task it asked for is done
    (the claim moved on, the discount was decided), so it no longer waits in anyone's list. In the caller's
    transaction; returns how many."""
    _changed()
    return db.session.execute(
        update(Notification).where(Notification.subject == about, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
