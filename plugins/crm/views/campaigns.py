"""E-mail and SMS campaigns to a segment of customers (R5.3.2); the public unsubscribe page is public.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.security import require
from core.web.listing import ListQuery
from plugins.crm import forms
from plugins.crm.access import VIEW, owner_condition
from plugins.crm.models import Campaign, CampaignMessage
from plugins.crm.services import campaigns as campaign_service
from plugins.crm.services import normalise
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import bp

CAMPAIGN = "crm.campaign.manage"


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
