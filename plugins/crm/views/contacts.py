"""A customer's contacts and what each agreed to (consents under PIPL, R11)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from core.timeutil import local_today
from plugins.crm import forms
from plugins.crm.access import EDIT, get_customer_or_404
from plugins.crm.models import Consent, Customer
from plugins.crm.services import contacts
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import back, bp, commit_and_flash, contact_or_404


def _contact_form(customer: Customer, form: forms.ContactForm, save: Any, saved: str, title: str) -> Any:
    """The new and edit contact pages: ``save(data)`` on a valid post, then back to the customer's contacts;
    otherwise the form, with its errors and 422 after a post."""
    if form.validate_on_submit():
        try:
            save(form.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(saved)
            return back(customer, "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", customer=customer, form=form, title=title), status


@bp.route("/customers/<int:customer_id>/contacts/new", methods=["GET", "POST"])
@require(EDIT)
def new_contact(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    return _contact_form(customer, forms.ContactForm(),
                         lambda data: contacts.add_contact(db.session, customer, data, current_user),
                         _("Contact added."), _("New contact"))


@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@require(EDIT)
def edit_contact(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    contact = contact_or_404(customer, contact_id)
    return _contact_form(customer, forms.ContactForm(obj=contact),
                         lambda data: contacts.update_contact(db.session, contact, data, current_user),
                         _("Saved."), contact.name)


@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/consent", methods=["GET", "POST"])
@require(EDIT)
def new_consent(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    contact = contact_or_404(customer, contact_id)
    form = forms.ConsentForm()
    if request.method == "GET":
        form.granted_on.data = local_today()
    if form.validate_on_submit():
        try:
            contacts.record_consent(db.session, contact, form.purpose.data, form.channels.data or [],
                                    form.granted_on.data, current_user, form.note.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("Consent recorded."))
            return back(customer, "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", customer=customer, form=form,
                           title=_("Consent of %(name)s", name=contact.name)), status


@bp.post("/customers/<int:customer_id>/consents/<int:consent_id>/withdraw")
@require(EDIT)
def withdraw_consent(customer_id: int, consent_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        abort(404)
    contact_or_404(customer, consent.contact_id)
    contacts.withdraw_consent(db.session, consent)
    commit_and_flash(_("Consent withdrawn."))
    return back(customer, "#contacts")
