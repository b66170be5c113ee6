"""Campaigns (R5.3.2) and customer events (R5.3.3)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.security import require
from core.timeutil import local_to_utc
from core.web.listing import ListQuery
from plugins.crm import forms
from plugins.crm.access import VIEW, get_customer_or_404, owner_condition
from plugins.crm.models import Campaign, CampaignMessage, CustomerEvent, EventAttendee
from plugins.crm.services import campaigns as campaign_service
from plugins.crm.services import events as event_service
from plugins.crm.services import normalise
from plugins.crm.services.errors import CRMError
from plugins.crm.views import bp

CAMPAIGN = "crm.campaign.manage"
EVENT = "crm.event.manage"

# ---------------------------------------------------------------------------------------------------- campaigns


@bp.get("/campaigns")
@require(CAMPAIGN)
def campaigns():  # type: ignore[no-untyped-def]
    listing = ListQuery(select(Campaign), sorts={"created": Campaign.created_at, "name": Campaign.name},
                        default_sort="-created", search=[Campaign.name])
    page = listing.page()
    ids = [c.id for c in page.items]
    counts: dict[int, dict[str, int]] = {}
    for campaign_id, status, n in db.session.execute(
            select(CampaignMessage.campaign_id, CampaignMessage.status, func.count(CampaignMessage.id))
            .where(CampaignMessage.campaign_id.in_(ids)).group_by(CampaignMessage.campaign_id,
                                                                  CampaignMessage.status)):
        counts.setdefault(campaign_id, {})[status] = n
    return render_template("crm/campaigns.html", page=page, counts=counts)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@require(CAMPAIGN)
def new_campaign():  # type: ignore[no-untyped-def]
    form = forms.CampaignForm()
    if form.validate_on_submit():
        data = dict(form.data)
        data["tags"] = normalise.tags(form.tags.data)
        data["regions"] = normalise.tags(form.regions.data)
        try:
            campaign = campaign_service.create_campaign(db.session, data, current_user)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            return redirect(url_for("crm.campaign", campaign_id=campaign.id))
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", form=form, customer=None, title=_("New campaign")), status


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns/<int:campaign_id>")
@require(CAMPAIGN)
def campaign(campaign_id: int):  # type: ignore[no-untyped-def]
    campaign = _campaign_or_404(campaign_id)
    audience = None
    if campaign.status == "draft":
        audience = campaign_service.count_recipients(db.session, campaign, owner_condition(current_user, VIEW))
    failures = db.session.execute(select(CampaignMessage.address, CampaignMessage.error).where(
        CampaignMessage.campaign_id == campaign.id, CampaignMessage.status == "failed").limit(20)).all()
    return render_template("crm/campaign.html", campaign=campaign, audience=audience,
                           segment=campaign_service.segment_of(campaign),
                           stats=campaign_service.stats(db.session, campaign), failures=failures)


@bp.post("/campaigns/<int:campaign_id>/send")
@require(CAMPAIGN)
def send_campaign(campaign_id: int):  # type: ignore[no-untyped-def]
    campaign = _campaign_or_404(campaign_id)
    try:
        stats = campaign_service.send_campaign(db.session, campaign, owner_condition(current_user, VIEW))
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Sent to %(sent)s contacts; %(failed)s failed.", sent=stats.sent, failed=stats.failed), "success")
    return redirect(url_for("crm.campaign", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/retry")
@require(CAMPAIGN)
def retry_campaign(campaign_id: int):  # type: ignore[no-untyped-def]
    campaign = _campaign_or_404(campaign_id)
    sent = campaign_service.deliver(db.session, campaign, statuses=("failed",))
    db.session.commit()
    flash(_("%(n)s more messages went out.", n=sent), "success")
    return redirect(url_for("crm.campaign", campaign_id=campaign.id))


# ---------------------------------------------------------------------------------------------------- events


@bp.get("/events")
@require(EVENT)
def events():  # type: ignore[no-untyped-def]
    listing = ListQuery(select(CustomerEvent), sorts={"starts": CustomerEvent.starts_at,
                                                      "title": CustomerEvent.title},
                        default_sort="-starts", search=[CustomerEvent.title])
    return render_template("crm/events.html", page=listing.page())


@bp.route("/events/new", methods=["GET", "POST"])
@require(EVENT)
def new_event():  # type: ignore[no-untyped-def]
    form = forms.EventForm()
    if form.validate_on_submit():
        data = dict(form.data)
        data["starts_at"] = local_to_utc(form.starts_at.data)
        try:
            event = event_service.create_event(db.session, data, current_user)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            return redirect(url_for("crm.event", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", form=form, customer=None, title=_("New customer event")), status


def _event_or_404(event_id: int) -> CustomerEvent:
    event = db.session.get(CustomerEvent, event_id)
    if event is None:
        abort(404)
    return event


def _attendee_or_404(event: CustomerEvent, attendee_id: int) -> EventAttendee:
    attendee = db.session.get(EventAttendee, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        abort(404)
    return attendee


@bp.get("/events/<int:event_id>")
@require(EVENT)
def event(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    attendees = db.session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id)
                                   .order_by(EventAttendee.name).limit(1000)).all()
    return render_template("crm/event.html", event=event, attendees=attendees,
                           invite_form=forms.InviteForm(formdata=None),
                           registration_form=forms.RegistrationForm(formdata=None),
                           feedback_form=forms.FeedbackForm(formdata=None))


@bp.post("/events/<int:event_id>/invite")
@require(EVENT)
def invite(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    form = forms.InviteForm()
    if form.validate_on_submit():
        customer = get_customer_or_404(form.customer_id.data, current_user)
        try:
            event_service.invite_customer(db.session, event, customer)
        except CRMError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s invited.", name=customer.name), "success")
    else:
        flash(_("Give a customer number."), "error")
    return redirect(url_for("crm.event", event_id=event.id))


@bp.post("/events/<int:event_id>/register")
@require(EVENT)
def register(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    form = forms.RegistrationForm()
    if form.validate_on_submit():
        try:
            event_service.register(db.session, event, form.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Registration recorded."), "success")
            return redirect(url_for("crm.event", event_id=event.id))
    return render_template("crm/simple_form.html", form=form, customer=None, title=_("Register someone")), 422


@bp.post("/events/<int:event_id>/attendees/<int:attendee_id>/status")
@require(EVENT)
def attendee_status(event_id: int, attendee_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    attendee = _attendee_or_404(event, attendee_id)
    try:
        event_service.set_status(db.session, attendee, request.form.get("status", ""), current_user)
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
    return redirect(url_for("crm.event", event_id=event.id))


@bp.post("/events/<int:event_id>/attendees/<int:attendee_id>/feedback")
@require(EVENT)
def attendee_feedback(event_id: int, attendee_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    attendee = _attendee_or_404(event, attendee_id)
    form = forms.FeedbackForm()
    try:
        event_service.record_feedback(db.session, attendee, form.rating.data, form.feedback.data)
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Feedback saved."), "success")
    return redirect(url_for("crm.event", event_id=event.id))
