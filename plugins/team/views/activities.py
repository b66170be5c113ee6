"""Team activities (R8.1.1): the list, organising one, signing up and withdrawing; photos go on the activity's
timeline (the core attachments)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import require
from core.timeutil import local_to_utc, utcnow
from plugins.team import forms
from plugins.team.models import Activity, ActivitySignup
from plugins.team.services import TeamError
from plugins.team.services import activities as service
from plugins.team.views.common import bp, may, or_404, page_number

VIEW, MANAGE = "team.activity.view", "team.activity.manage"
PER_PAGE = 20


@bp.get("/activities")
@require(VIEW)
def activities():  # type: ignore[no-untyped-def]
    page = page_number()
    rows = list(db.session.scalars(select(Activity).order_by(Activity.starts_at.desc(), Activity.id.desc())
                                   .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).unique())
    return render_template("team/activities.html", activities=rows[:PER_PAGE], page=page,
                           has_next=len(rows) > PER_PAGE, may_manage=may(MANAGE), now=utcnow())


@bp.route("/activities/new", methods=["GET", "POST"])
@require(MANAGE)
def new_activity():  # type: ignore[no-untyped-def]
    form = forms.ActivityForm()
    if form.validate_on_submit():
        try:
            activity = service.create_activity(
                db.session, current_user, title=form.title.data, kind=form.kind.data,
                starts_at=local_to_utc(form.starts_at.data), location=form.location.data,
                capacity=form.capacity.data, cost=form.cost.data, description=form.description.data)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Activity announced."), "success")
            return redirect(url_for("team.activity", activity_id=activity.id))
    return render_template("team/form.html", form=form, title=_("New team activity"),
                           cancel_url=url_for("team.activities"),
                           crumbs=[(_("Team activities"), url_for("team.activities"))]), 422 if form.errors else 200


@bp.get("/activities/<int:activity_id>")
@require(VIEW)
def activity(activity_id: int):  # type: ignore[no-untyped-def]
    activity = or_404(db.session.get(Activity, activity_id))
    people = list(db.session.scalars(select(User).join(ActivitySignup, ActivitySignup.user_id == User.id)
                                     .where(ActivitySignup.activity_id == activity.id)
                                     .order_by(ActivitySignup.created_at).limit(500)))
    return render_template("team/activity.html", activity=activity, people=people, now=utcnow(),
                           signed_up=any(p.id == current_user.id for p in people))


@bp.post("/activities/<int:activity_id>/signup")
@require(VIEW)
def activity_signup(activity_id: int):  # type: ignore[no-untyped-def]
    activity = or_404(db.session.get(Activity, activity_id))
    try:
        service.sign_up(db.session, activity, current_user)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("You are signed up."), "success")
    return redirect(url_for("team.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/withdraw")
@require(VIEW)
def activity_withdraw(activity_id: int):  # type: ignore[no-untyped-def]
    activity = or_404(db.session.get(Activity, activity_id))
    try:
        service.withdraw(db.session, activity, current_user)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("You are no longer signed up."), "success")
    return redirect(url_for("team.activity", activity_id=activity_id))
