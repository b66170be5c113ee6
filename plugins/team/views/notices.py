"""The notice board (R8.2.1): the board, publishing with an attachment, a notice with its read receipt, and for
its author who has not read it yet."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.attachments.models import Attachment
from core.attachments.services import AttachmentError, attach, attachments_for, open_attachment
from core.extensions import db
from core.identity.models import User
from core.security import require
from plugins.team import forms
from plugins.team.models import Notice, RobotMessage
from plugins.team.services import TeamError
from plugins.team.services import notices as service
from plugins.team.views.common import bp, department_choices, may, or_404, page_number

VIEW, PUBLISH = "team.notice.view", "team.notice.publish"
NOT_READ_PAGE = 50


def notice_or_404(notice_id: int) -> Notice:
    notice = or_404(db.session.get(Notice, notice_id))
    if not service.may_see(current_user, notice):
        or_404(None)
    return notice


@bp.get("/notices")
@require(VIEW)
def notices():  # type: ignore[no-untyped-def]
    expired = request.args.get("expired") == "1"
    board = service.board(db.session, current_user, page=page_number(), include_expired=expired)
    return render_template("team/notices.html", board=board, expired=expired, may_publish=may(PUBLISH))


@bp.route("/notices/new", methods=["GET", "POST"])
@require(PUBLISH)
def new_notice():  # type: ignore[no-untyped-def]
    form = forms.NoticeForm()
    form.department_id.choices = department_choices(empty=_("Choose…"))
    if form.validate_on_submit():
        try:
            notice = service.publish(db.session, current_user, title=form.title.data, body=form.body.data,
                                     audience=form.audience.data, department_id=form.department_id.data,
                                     pinned=form.pinned.data, required=form.required.data,
                                     expires_on=form.expires_on.data)
            upload = request.files.get(form.attachment.name)
            if upload is not None and upload.filename:
                try:
                    attach(notice, upload, current_user)
                except AttachmentError as exc:
                    raise TeamError(str(exc), "attachment") from exc
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Notice published."), "success")
            return redirect(url_for("team.notice", notice_id=notice.id))
    return render_template("team/form.html", form=form, title=_("New notice"), multipart=True,
                           cancel_url=url_for("team.notices"),
                           crumbs=[(_("Notice board"), url_for("team.notices"))]), 422 if form.errors else 200


@bp.get("/notices/<int:notice_id>")
@require(VIEW)
def notice(notice_id: int):  # type: ignore[no-untyped-def]
    notice = notice_or_404(notice_id)
    if not notice.required and notice.author_id != current_user.id \
            and service.mark_read(db.session, notice, current_user):
        db.session.commit()
    read_at = service.has_read(db.session, notice, current_user)
    follow_up = service.may_follow_up(current_user, notice)
    receipts = service.receipts(db.session, notice) if follow_up else None
    deliveries = list(db.session.scalars(select(RobotMessage).where(RobotMessage.url == service.notice_path(notice.id))
                                         .order_by(RobotMessage.id).limit(20))) if follow_up else []
    return render_template("team/notice.html", notice=notice, read_at=read_at, follow_up=follow_up,
                           receipts=receipts, files=attachments_for(notice), deliveries=deliveries)


@bp.get("/notices/<int:notice_id>/files/<int:attachment_id>")
@require(VIEW)
def notice_file(notice_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """A notice's attachment, for those the notice is for (the core's download knows nothing of audiences)."""
    notice = notice_or_404(notice_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or (attachment.record_type, attachment.record_id) != ("team_notice", notice.id):
        abort(404)
    try:
        path = open_attachment(attachment)
    except FileNotFoundError:
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, etag=attachment.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/notices/<int:notice_id>/read")
@require(VIEW)
def confirm_read(notice_id: int):  # type: ignore[no-untyped-def]
    notice = notice_or_404(notice_id)
    service.mark_read(db.session, notice, current_user)
    db.session.commit()
    flash(_("Thank you: your reading is recorded."), "success")
    return redirect(url_for("team.notice", notice_id=notice.id))


@bp.get("/notices/<int:notice_id>/unread")
@require(VIEW)
def not_read(notice_id: int):  # type: ignore[no-untyped-def]
    notice = notice_or_404(notice_id)
    if not service.may_follow_up(current_user, notice):
        or_404(None)
    page = page_number()
    rows = list(db.session.scalars(service.not_read_query(db.session, notice)
                                   .options(joinedload(User.department), lazyload(User.roles))
                                   .limit(NOT_READ_PAGE + 1).offset((page - 1) * NOT_READ_PAGE)))
    return render_template("team/not_read.html", notice=notice, people=rows[:NOT_READ_PAGE], page=page,
                           has_next=len(rows) > NOT_READ_PAGE, receipts=service.receipts(db.session, notice))


@bp.post("/notices/<int:notice_id>/remind")
@require(VIEW)
def remind(notice_id: int):  # type: ignore[no-untyped-def]
    notice = notice_or_404(notice_id)
    if not service.may_follow_up(current_user, notice):
        or_404(None)
    try:
        count = service.remind_unread(db.session, notice, current_user)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("%(count)s people reminded.", count=count), "success")
    return redirect(url_for("team.not_read", notice_id=notice.id))


@bp.post("/notices/<int:notice_id>/manage")
@require(VIEW)
def manage_notice(notice_id: int):  # type: ignore[no-untyped-def]
    notice = notice_or_404(notice_id)
    if not service.may_follow_up(current_user, notice):
        or_404(None)
    action = request.form.get("action")
    if action in ("pin", "unpin"):
        service.set_pinned(db.session, notice, action == "pin")
        flash(_("Pinned to the top.") if action == "pin" else _("No longer pinned."), "success")
    elif action == "expire":
        service.expire_now(db.session, notice)
        flash(_("The notice is off the board."), "success")
    else:
        flash(_("Choose an action."), "warning")
    db.session.commit()
    return redirect(url_for("team.notice", notice_id=notice.id))


