"""Postings on channels and what channels cost (R3.1.2): the list with each posting's attributed link, publishing,
closing, recording a cost."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.security import require
from core.web.listing import Filter, ListQuery
from core.web.params import whole_number
from plugins.recruitment import forms
from plugins.recruitment.labels import CHANNEL_LABELS
from plugins.recruitment.models import Application, ChannelCost, Posting, Requisition
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services import postings as service
from plugins.recruitment.views.common import POSTING_MANAGE, bp

LIMIT = 200


def _channel_choices() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in CHANNEL_LABELS.items() if k in service.POSTING_CHANNELS]


def _posting_choices() -> list[tuple[object, str]]:
    rows = db.session.execute(select(Posting.id, Posting.channel, Posting.venue, Requisition.title)
                              .join(Requisition, Requisition.id == Posting.requisition_id)
                              .order_by(Posting.id.desc()).limit(LIMIT)).all()
    return [(None, _("— none —"))] + [
        (p.id, f"{p.title} · {CHANNEL_LABELS[p.channel]}{' · ' + p.venue if p.venue else ''}") for p in rows]


@bp.get("/postings")
@require(POSTING_MANAGE)
def postings():  # type: ignore[no-untyped-def]
    counts = select(Application.posting_id, func.count(Application.id).label("n")).group_by(
        Application.posting_id).subquery()
    listing = ListQuery(
        select(Posting, func.coalesce(counts.c.n, 0).label("applications"))
        .outerjoin(counts, counts.c.posting_id == Posting.id)
        .join(Requisition, Requisition.id == Posting.requisition_id),
        sorts={"created": Posting.created_at}, default_sort="-created", search=[Requisition.title, Posting.venue],
        filters=[Filter.choice("channel", _l("Channel"), Posting.channel, _channel_choices),
                 Filter.choice("open", _l("Open"), Posting.active, [("1", _l("Yes")), ("0", _l("No"))],
                               coerce=lambda raw: raw == "1")])
    return render_template("recruitment/postings.html", page=listing.page(), action=forms.ActionForm())


@bp.get("/costs")
@require(POSTING_MANAGE)
def costs():  # type: ignore[no-untyped-def]
    listing = ListQuery(select(ChannelCost), sorts={"spent": ChannelCost.spent_on, "amount": ChannelCost.amount},
                        default_sort="-spent",
                        filters=[Filter.choice("channel", _l("Channel"), ChannelCost.channel, _channel_choices)])
    cost_form = forms.CostForm()
    cost_form.channel.choices = _channel_choices()
    cost_form.posting_id.choices = _posting_choices()
    return render_template("recruitment/costs.html", page=listing.page(), cost_form=cost_form)


@bp.route("/postings/new", methods=["GET", "POST"])
@require(POSTING_MANAGE)
def new_posting():  # type: ignore[no-untyped-def]
    from flask import request

    form = forms.PostingForm()
    form.channel.choices = _channel_choices()
    form.requisition_id.choices = [(r.id, r.title) for r in db.session.scalars(
        select(Requisition).where(Requisition.state == "approved").order_by(Requisition.title))]
    if not form.is_submitted():
        form.requisition_id.data = whole_number(request.args.get("requisition_id"))
    if form.validate_on_submit():
        requisition = db.session.get(Requisition, form.requisition_id.data) if form.requisition_id.data else None
        try:
            if requisition is None:
                raise RecruitmentError(_("Choose a hiring plan."), "requisition_id")
            posting = service.publish(db.session, requisition, current_user, form.channel.data, form.venue.data,
                                      form.url.data, form.event_date.data)
        except RecruitmentError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Posted. Applications through its link are attributed to %(channel)s.",
                    channel=CHANNEL_LABELS[posting.channel]), "success")
            return redirect(url_for("recruitment.postings"))
    return render_template("recruitment/form.html", form=form, title=_("New posting"),
                           cancel_url=url_for("recruitment.postings")), 422 if form.errors or form.form_errors else 200


@bp.post("/postings/<int:posting_id>/close")
@require(POSTING_MANAGE)
def close_posting(posting_id: int):  # type: ignore[no-untyped-def]
    posting = db.session.get(Posting, posting_id) or abort(404)
    forms.ActionForm().validate_on_submit()
    service.close(db.session, posting)
    db.session.commit()
    flash(_("Posting closed: its link no longer takes applications."), "success")
    return redirect(url_for("recruitment.postings"))


@bp.post("/costs/new")
@require(POSTING_MANAGE)
def record_cost():  # type: ignore[no-untyped-def]
    form = forms.CostForm()
    form.channel.choices = _channel_choices()
    form.posting_id.choices = _posting_choices()
    if form.validate_on_submit():
        try:
            service.record_cost(db.session, current_user, form.channel.data, form.amount.data, form.spent_on.data,
                                form.posting_id.data, form.note.data)
        except RecruitmentError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Cost recorded."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("recruitment.costs"))
