"""Personal-data requests under PIPL (R11): a contact's access request answered as a download, and a deletion
request answered by erasing the person's data while the business records stay."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.audit import log_event
from core.extensions import db
from core.security import require
from plugins.crm import forms
from plugins.crm.access import get_customer_or_404
from plugins.crm.services import privacy
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import back, bp, commit_and_flash, contact_or_404

PRIVACY = "crm.privacy.manage"


@bp.get("/customers/<int:customer_id>/contacts/<int:contact_id>/data.json")
@require(PRIVACY)
def contact_data(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    """Answer a person's access request: everything stored about them, as a JSON download (logged)."""
    customer = get_customer_or_404(customer_id, current_user)
    contact = contact_or_404(customer, contact_id)
    report = privacy.access_report(db.session, contact, current_user)
    log_event("export", "crm_contact", record_id=contact.id, details={"request": "PIPL access"})
    db.session.commit()
    response = Response(privacy.access_report_json(report), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="contact-{contact.id}.json"'
    return response


@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/anonymise", methods=["GET", "POST"])
@require(PRIVACY)
def anonymise_contact(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    contact = contact_or_404(customer, contact_id)
    form = forms.PrivacyDeleteForm()
    if form.validate_on_submit():
        try:
            privacy.anonymise_contact(db.session, contact, current_user, form.reason.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("The contact's personal data was erased; business records are kept."))
            return back(customer, "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", customer=customer, form=form, danger=True,
                           title=_("Erase the personal data of %(name)s", name=contact.name),
                           intro=_("Answers a deletion request (PIPL): name, phone, e-mail and WeChat are erased "
                                   "and consents withdrawn; interactions, purchases and ratings stay.")), status
