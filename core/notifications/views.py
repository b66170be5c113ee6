"""/notifications: the signed-in user's unread notifications (newest first, paginated in SQL), mark one or all
read, which moves them to /notifications/archive; the email choice; and the ``unread_notifications`` template
variable for the header badge (unread only), read with the signed-in user."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.local import LocalProxy

from core.auth.sessions import add_signed_in_figure, signed_in_figure
from core.extensions import db
from core.jobs.panels import add_page_summary
from core.notifications.models import EmailAttachment
from core.notifications.outbox import outbox_summary
from core.notifications.service import (
    ARCHIVE,
    INBOX,
    UNREAD_FIGURE,
    mark_all_read,
    mark_read,
    notifications_page,
    render_message,
    set_email_preference,
    unread_column,
    unread_count,
    wants_email,
)
from core.security import authenticated, can, require
from core.web.params import record_id

bp = Blueprint("core_notifications", __name__, url_prefix="/notifications")

PER_PAGE = 25


@bp.get("/")
@authenticated
def index():  # type: ignore[no-untyped-def]
    """The unread notifications, newest first (issue 12: reading one moves it to the archive)."""
    return _listing(INBOX, "core_notifications.index")


@bp.get("/archive")
@authenticated
def archive():  # type: ignore[no-untyped-def]
    """The notifications already read, most recently read first."""
    return _listing(ARCHIVE, "core_notifications.archive")


def _listing(box: str, endpoint: str) -> str:
    rows, total, page, pages = notifications_page(current_user, box, record_id(request.args.get("page")) or 1,
                                                  PER_PAGE)
    items = [{"n": n, "text": render_message(n)} for n in rows]
    return render_template("notifications/index.html", items=items, page=page, pages=pages, total=total, box=box,
                           endpoint=endpoint, unread=unread_count(current_user),
                           email_wanted=wants_email(current_user), has_email=bool(current_user.email))


@bp.post("/<int:notification_id>/read")
@authenticated
def read(notification_id: int):  # type: ignore[no-untyped-def]
    notification = mark_read(current_user, notification_id)
    if notification is None:
        abort(404)
    db.session.commit()
    if request.form.get("open") and notification.url:
        return redirect(notification.url)  # a local path: notify() accepts nothing else
    return redirect(url_for("core_notifications.index", page=record_id(request.form.get("page")) or 1))


@bp.post("/read-all")
@authenticated
def read_all():  # type: ignore[no-untyped-def]
    count = mark_all_read(current_user)
    db.session.commit()
    flash(_("Marked %(count)s notifications as read.", count=count), "success")
    return redirect(url_for("core_notifications.index"))


@bp.post("/preferences")
@authenticated
def preferences():  # type: ignore[no-untyped-def]
    wanted = request.form.get("email") in ("1", "on", "true", "y")
    if wanted and not current_user.email:
        flash(_("Your profile has no email address, so notifications cannot be emailed to you."), "error")
        return redirect(url_for("core_notifications.index"))
    set_email_preference(current_user, wanted)
    db.session.commit()
    flash(_("You will also get your notifications by email.") if wanted
          else _("You will get your notifications here only."), "success")
    return redirect(url_for("core_notifications.index"))


OUTBOX_PER_PAGE = 50


@bp.get("/outbox")
@require("core.jobs.manage")
def outbox():  # type: ignore[no-untyped-def]
    """Every e-mail, newest first, with its state: what went out, what waits, what failed and why, and what the
    local mail catcher kept (MAIL_CATCHER) - a demo shows here what would have been sent."""
    from core.notifications.models import EmailOutbox
    from core.notifications.outbox import catcher_enabled, delivery_of, mail_problem

    total = db.session.scalar(select(func.count(EmailOutbox.id))) or 0
    pages = max((total + OUTBOX_PER_PAGE - 1) // OUTBOX_PER_PAGE, 1)
    page = min(record_id(request.args.get("page")) or 1, pages)
    rows = db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id.desc())
                              .limit(OUTBOX_PER_PAGE).offset((page - 1) * OUTBOX_PER_PAGE)).all()
    return render_template("notifications/outbox.html", rows=[(m, delivery_of(m)) for m in rows], page=page,
                           pages=pages, total=total, catcher=catcher_enabled(), problem=mail_problem())


@bp.get("/outbox/<int:message_id>")
@require("core.jobs.manage")
def outbox_message(message_id: int):  # type: ignore[no-untyped-def]
    from core.notifications.models import EmailOutbox
    from core.notifications.outbox import delivery_of

    message = db.session.get(EmailOutbox, message_id)
    if message is None:
        abort(404)
    files = db.session.execute(select(EmailAttachment.id, EmailAttachment.filename, EmailAttachment.content_type,
                                      func.length(EmailAttachment.data))
                               .where(EmailAttachment.message_id == message.id).order_by(EmailAttachment.id)).all()
    return render_template("notifications/outbox_message.html", message=message, delivery=delivery_of(message),
                           files=files)


@bp.get("/outbox/<int:message_id>/files/<int:file_id>")
@require("core.jobs.manage")
def outbox_file(message_id: int, file_id: int):  # type: ignore[no-untyped-def]
    """A file sent (or kept by the catcher) with a message, exactly as it goes out; for whoever reads the outbox."""
    from flask import Response

    file = db.session.get(EmailAttachment, file_id)
    if file is None or file.message_id != message_id:
        abort(404)
    response = Response(bytes(file.data), mimetype=file.content_type.split(";")[0].strip())
    # Always a download, never shown inline: the file came from a plugin, not from this page.
    response.headers.set("Content-Disposition", "attachment", filename=file.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _mail_warning() -> str | None:
    """For administrators (who manage the outbox): why e-mail cannot be delivered, once per request."""
    if not (current_user and current_user.is_authenticated) or not can(current_user, "core.jobs.manage"):
        return None
    cached = g.get("_netsales_mail_problem", False)
    if cached is False:
        from core.notifications.outbox import mail_problem

        try:
            cached = mail_problem()
        except SQLAlchemyError:
            db.session.rollback()
            cached = None
        g._netsales_mail_problem = cached
    return cached


@bp.app_context_processor
def inject_mail_warning() -> dict[str, Any]:
    return {"mail_warning": LocalProxy(_mail_warning)}


# The header badge's count comes with the signed-in user, in the statement that loads them (issue 18).
add_signed_in_figure(UNREAD_FIGURE, unread_column)
# The jobs page shows the outbox's counts; the jobs service does not import this one (issue 19).
add_page_summary("outbox", outbox_summary)


def _unread_for_current_user() -> int:
    """Counted once per request, only if a template shows it; 0 when signed out or the database is down."""
    if not (current_user and current_user.is_authenticated):
        return 0
    key = (id(request._get_current_object()), current_user.id)  # type: ignore[attr-defined]
    cached = g.get("_netsales_unread")
    if cached is None or cached[0] != key:
        try:
            count = unread_count(current_user)
        except SQLAlchemyError:  # the 503 page renders the layout too
            db.session.rollback()
            count = 0
        cached = g._netsales_unread = (key, count)
    return cached[1]


@bp.app_context_processor
def inject_unread() -> dict[str, Any]:
    # Usually the figure came with the signed-in user: hand it over as a number. A LocalProxy calls its function
    # again on every operation a template applies to it (a dozen for ``|int``), and this is on every page.
    if current_user and current_user.is_authenticated:
        known = signed_in_figure(UNREAD_FIGURE, current_user.id)
        if known is not None:
            return {"unread_notifications": int(known)}
    return {"unread_notifications": LocalProxy(_unread_for_current_user)}
