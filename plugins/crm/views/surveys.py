"""Satisfaction surveys sent from a customer's page (R4.3.3); the public answer page is public.py."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from core.web.params import record_id
from plugins.crm import forms
from plugins.crm.access import EDIT, get_customer_or_404
from plugins.crm.services import surveys
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import back, bp, contact_or_404


@bp.post("/customers/<int:customer_id>/surveys")
@require(EDIT)
def send_survey(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    form = forms.SurveyForm()
    contact = None
    if form.contact_id.data:
        contact_id = record_id(form.contact_id.data)
        if not contact_id:
            abort(404)
        contact = contact_or_404(customer, contact_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        sent = surveys.create_survey(db.session, customer, current_user, contact=contact)
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back(customer)
    db.session.commit()
    if sent.emailed:
        flash(_("Survey link e-mailed to %(name)s.", name=contact.name), "success")
    else:
        flash(_("Survey link (valid once, pass it to the customer): %(url)s", url=sent.url), "success")
    return back(customer, "#surveys")
