"""Recruitment reports: funnel per stage and channel, time to fill, time in stage, cost per hire, offer acceptance."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from core.extensions import db
from core.security import require
from core.web.params import record_id
from plugins.recruitment.services import reports as service
from plugins.recruitment.views.common import REPORTS, bp


@bp.get("/reports")
@require(REPORTS)
def reports():  # type: ignore[no-untyped-def]
    requisition_id = record_id(request.args.get("requisition_id"))
    accepted, answered, rate = service.offer_acceptance(db.session, current_user)
    return render_template("recruitment/reports.html", funnel=service.funnel(db.session, current_user, requisition_id),
                           steps=service.FUNNEL, time_in_stage=service.time_in_stage(db.session, current_user),
                           time_to_fill=service.time_to_fill(db.session, current_user),
                           cost=service.cost_per_hire(db.session, current_user), accepted=accepted,
                           answered=answered, rate=rate)
