"""Group-chat robots (R8.2.1): channels and a test message for those who set them up; every sender sees the
state of the robot messages their actions sent (waiting, sent, failed) and sends a failed one again."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.security import authenticated, require
from plugins.team import forms
from plugins.team.models import RobotChannel, RobotMessage
from plugins.team.services import TeamError
from plugins.team.services import robots as robot_service
from plugins.team.views.common import bp, department_choices, may, or_404, page_number

MANAGE = "team.robot.manage"
PER_PAGE = 30


def _page(form: forms.RobotForm, status: int = 200):  # type: ignore[no-untyped-def]
    channels = list(db.session.scalars(select(RobotChannel).order_by(RobotChannel.name)))
    return render_template("team/robots.html", form=form, channels=channels), status


def _form() -> forms.RobotForm:
    form = forms.RobotForm()
    form.department_id.choices = department_choices(empty=_("Choose…"))
    return form


@bp.get("/robots")
@require(MANAGE)
def robots():  # type: ignore[no-untyped-def]
    return _page(_form())


@bp.post("/robots")
@require(MANAGE)
def new_robot():  # type: ignore[no-untyped-def]
    form = _form()
    if form.validate_on_submit():
        try:
            robot_service.create_channel(db.session, current_user, name=form.name.data, provider=form.provider.data,
                                  webhook_url=form.webhook_url.data, secret=form.secret.data,
                                  audience=form.audience.data, department_id=form.department_id.data)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Robot added."), "success")
            return redirect(url_for("team.robots"))
    return _page(form, 422)


@bp.post("/robots/<int:channel_id>/test")
@require(MANAGE)
def test_robot(channel_id: int):  # type: ignore[no-untyped-def]
    channel = or_404(db.session.get(RobotChannel, channel_id))
    robot_service.queue_to(db.session, [channel], title=_("Test message"),
                    text=_("NetSales can reach this group."), sender=current_user)
    db.session.commit()
    flash(_("Test message queued; its state shows under Robot messages."), "success")
    return redirect(url_for("team.robot_messages"))


@bp.post("/robots/<int:channel_id>/toggle")
@require(MANAGE)
def toggle_robot(channel_id: int):  # type: ignore[no-untyped-def]
    channel = or_404(db.session.get(RobotChannel, channel_id))
    channel.active = not channel.active
    db.session.commit()
    flash(_("Robot switched on.") if channel.active else _("Robot switched off."), "success")
    return redirect(url_for("team.robots"))


@bp.get("/robots/messages")
@authenticated
def robot_messages():  # type: ignore[no-untyped-def]
    page = page_number()
    stmt = select(RobotMessage)
    if not may(MANAGE):
        stmt = stmt.where(RobotMessage.sender_id == current_user.id)
    rows = list(db.session.scalars(stmt.order_by(RobotMessage.created_at.desc(), RobotMessage.id.desc())
                                   .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).unique())
    return render_template("team/robot_messages.html", messages=rows[:PER_PAGE], page=page,
                           has_next=len(rows) > PER_PAGE)


@bp.post("/robots/messages/<int:message_id>/retry")
@authenticated
def retry_robot_message(message_id: int):  # type: ignore[no-untyped-def]
    message = or_404(db.session.get(RobotMessage, message_id))
    if message.sender_id != current_user.id and not may(MANAGE):
        abort(404)
    try:
        robot_service.retry(db.session, message)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("team.robot_messages"))
