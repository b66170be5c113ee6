"""Customers: the list (with its export, R11), the clean-up list (R5.1.2), creating and editing a customer file,
the customer's page, its state and merging duplicates (R5.1, R5.2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_

from core.audit import log_event
from core.extensions import db
from core.i18n import FixedWords, gettext_noop
from core.security import can, require
from core.timeutil import local_today, utcnow
from core.web.listing import ExportColumn, ListQuery, export_response
from plugins.crm import forms, settings
from plugins.crm.access import EDIT, VIEW, assignable_people, get_customer_or_404, may, scoped_customers
from plugins.crm.models import Customer
from plugins.crm.services import customer_file, merge, privacy
from plugins.crm.services import customers as customer_service
from plugins.crm.services.errors import CRMError
from plugins.crm.views import form_markup
from plugins.crm.views.common import back, bp, commit_and_flash
from plugins.crm.views.customer_list import customer_listing

#: A list page showing this many customers at once counts as a bulk view (R11) and is logged.
BULK_VIEW_ROWS = 100


# ---------------------------------------------------------------------------------------------------- list


EXPORT_COLUMNS = [
    ExportColumn("id", _l("ID")), ExportColumn("name", _l("Name")), ExportColumn("kind", _l("Kind")),
    ExportColumn("state", _l("State")), ExportColumn("grade", _l("Grade")),
    ExportColumn("source", _l("Source channel")), ExportColumn("industry", _l("Industry")),
    ExportColumn("region", _l("Region")), ExportColumn("phone", _l("Phone")), ExportColumn("email", _l("E-mail")),
    ExportColumn("wechat", _l("WeChat")), ExportColumn("needs", _l("Needs")),
    ExportColumn("tags", _l("Tags"), lambda c: ", ".join(c.tag_names)),
    ExportColumn("owner", _l("Owner"), lambda c: c.owner.name if c.owner else ""),
    ExportColumn("potential_value", _l("Potential value")), ExportColumn("purchase_amount", _l("Purchases (CNY)")),
    ExportColumn("completeness", _l("Completeness %")), ExportColumn("created_at", _l("Created")),
]


def export_customers(listing: ListQuery, filename: str) -> Response:
    """Exports need their own permission and are logged (R11)."""
    if not can(current_user, "crm.customer.export"):
        abort(403)
    rows = listing.export_rows()
    fmt = request.args.get("export", "")
    privacy.log_access(db.session, current_user, "export", len(rows), f"{filename} {fmt} {request.query_string.decode()[:300]}")
    log_event("export", "crm_customer", details={"rows": len(rows), "format": fmt, "filter": dict(request.args)})
    db.session.commit()
    return export_response(rows, EXPORT_COLUMNS, fmt, filename=filename)


@bp.get("/")
@require(VIEW)
def customers_index():  # type: ignore[no-untyped-def]
    return redirect(url_for("crm.customers"))


@bp.get("/customers")
@require(VIEW)
def customers():  # type: ignore[no-untyped-def]
    listing = customer_listing()
    if request.args.get("export"):
        return export_customers(listing, "customers")
    page = listing.page()
    if page.per_page >= BULK_VIEW_ROWS and len(page.items) >= BULK_VIEW_ROWS:
        # R11: bulk views of customer data are logged like exports.
        privacy.log_access(db.session, current_user, "bulk_view", len(page.items), request.query_string.decode()[:300])
        db.session.commit()
    people = assignable_people(current_user) if can(current_user, "crm.customer.assign") else []
    return render_template("crm/customers.html", page=page, can_edit=can(current_user, EDIT), people=people,
                           can_export=can(current_user, "crm.customer.export"))


@bp.get("/cleanup")
@require(EDIT)
def cleanup():  # type: ignore[no-untyped-def]
    """Files not updated for N days or incomplete, in the user's edit scope (R5.1.2)."""
    stale_before = utcnow() - timedelta(days=int(settings.value("crm.stale_days")))
    threshold = int(settings.value("crm.complete_threshold"))
    stmt = scoped_customers(current_user, EDIT).where(
        Customer.state != "lost", or_(Customer.updated_at < stale_before, Customer.completeness < threshold))
    listing = customer_listing(stmt)
    listing.default_sort = "updated"
    return render_template("crm/cleanup.html", page=listing.page(), stale_before=stale_before,
                           threshold=threshold, stale_days=settings.value("crm.stale_days"))


# ---------------------------------------------------------------------------------------------------- create, edit


def _customer_data(form: forms.CustomerForm) -> dict[str, Any]:
    return {name: field.data for name, field in form._fields.items()
            if name not in ("csrf_token", "confirm_duplicate")}


@bp.route("/customers/new", methods=["GET", "POST"])
@require(EDIT)
def new_customer():  # type: ignore[no-untyped-def]
    form = forms.CustomerForm()
    duplicates: list[customer_service.Duplicate] = []
    if form.is_submitted() and forms.validate_with(form, customer_service.clean_customer, _customer_data(form)):
        try:
            customer = customer_service.create_customer(db.session, _customer_data(form), current_user,
                                                 allow_duplicate=bool(form.confirm_duplicate.data))
        except customer_service.DuplicateFound as exc:
            db.session.rollback()
            duplicates = exc.duplicates
            form.form_errors.append(exc.message)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("Customer %(name)s created.", name=customer.name))
            return redirect(url_for("crm.customer", customer_id=customer.id))
    return render_template("crm/customer_form.html", form=form, duplicates=duplicates, customer=None), (
        422 if request.method == "POST" else 200)


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@require(EDIT)
def edit_customer(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    form = forms.EditCustomerForm(obj=customer)
    if request.method == "GET":
        form.tags.data = ", ".join(customer.tag_names)
    if form.is_submitted() and forms.validate_with(form, lambda d: customer_service.clean_customer(d, partial=True),
                                                   _customer_data(form)):
        try:
            customer_service.update_customer(db.session, customer, _customer_data(form), current_user)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("Saved."))
            return redirect(url_for("crm.customer", customer_id=customer.id))
    duplicates = customer_service.find_duplicates(db.session, customer.name, customer.phone, customer.email,
                                           exclude_id=customer.id, limit=5)
    return render_template("crm/customer_form.html", form=form, customer=customer, duplicates=duplicates), (
        422 if request.method == "POST" else 200)


# ---------------------------------------------------------------------------------------------------- customer page

#: The fixed words of the customer's page (crm/customer.html, read there as ``cw[…]``), translated once per language
#: and process: a template's ``_()`` is a catalogue look-up per call, some sixty a page (issue 18).
CUSTOMER_WORDS = FixedWords(
    gettext_noop("Customers"), gettext_noop("Edit"), gettext_noop("Customer file"), gettext_noop("State"),
    gettext_noop("Grade"), gettext_noop("Owner"), gettext_noop("Unassigned"), gettext_noop("Source channel"),
    gettext_noop("Industry"), gettext_noop("Region"), gettext_noop("Phone"), gettext_noop("E-mail"),
    gettext_noop("WeChat"), gettext_noop("Needs"), gettext_noop("Tags"), gettext_noop("Potential value"),
    gettext_noop("Missing:"), gettext_noop("phone, e-mail or WeChat"), gettext_noop("source channel"),
    gettext_noop("industry"), gettext_noop("region"), gettext_noop("needs"), gettext_noop("a contact"),
    gettext_noop("an owner"), gettext_noop("Move to"), gettext_noop("Change state"),
    gettext_noop("Grade and service"), gettext_noop("Score"), gettext_noop("Orders in the grading window"),
    gettext_noop("Purchases (CNY)"), gettext_noop("Last purchase"), gettext_noop("Service level"),
    gettext_noop("Strategy"), gettext_noop("Next revisit"), gettext_noop("The revisit is overdue."),
    gettext_noop("Override the grade"), gettext_noop("Let the score decide again"), gettext_noop("Grade history"),
    gettext_noop("regrade"), gettext_noop("override"), gettext_noop("override lifted"), gettext_noop("Contacts"),
    gettext_noop("Name"), gettext_noop("Consent"), gettext_noop("primary"), gettext_noop("withdrawn"),
    gettext_noop("withdraw"), gettext_noop("none recorded"), gettext_noop("anonymised"),
    gettext_noop("Record consent"), gettext_noop("Data export"), gettext_noop("Erase"),
    gettext_noop("No contacts yet."), gettext_noop("Add a contact"), gettext_noop("Interactions"),
    gettext_noop("Record an interaction"), gettext_noop("Outcome:"), gettext_noop("Next step:"),
    gettext_noop("done"), gettext_noop("No interactions recorded yet."), gettext_noop("Satisfaction surveys"),
    gettext_noop("not answered yet"), gettext_noop("No survey sent yet."), gettext_noop("Send a survey"),
    gettext_noop("Ownership history"), gettext_noop("Merge a duplicate into this file"),
)


@bp.get("/customers/<int:customer_id>")
@require(VIEW)
def customer(customer_id: int):  # type: ignore[no-untyped-def]
    """The customer's file: a fixed number of queries whatever the history's length (lists are limited)."""
    customer = get_customer_or_404(customer_id, current_user)
    people = customer_file.contacts_with_consents(customer.id)
    contact_rows = people.contacts
    recent = customer_file.history(customer.id)
    service = customer_file.service(customer)
    can_edit = may(current_user, EDIT, customer)
    can_override = can(current_user, "crm.grade.override")
    can_merge = may(current_user, "crm.customer.merge", customer)
    interaction_form = survey_form = state_form = None
    if can_edit:  # forms are drawn only for those who see them, from kept markup (views/form_markup.py)
        interaction_form = form_markup.whole_form(
            forms.InteractionForm, url_for("crm.new_interaction", customer_id=customer.id), _("Save"),
            [("", "—")] + [(str(c.id), c.name) for c in contact_rows])
        survey_form = form_markup.token_and_field(
            forms.SurveyForm, "contact_id", [("", _("No e-mail: I will pass the link on"))] + [
                (str(c.id), c.name) for c in contact_rows if c.anonymised_at is None])
        state_form = form_markup.token_field(forms.StateForm)
    override_form = merge_form = None
    if can_override:
        override_form = form_markup.whole_form(
            forms.OverrideForm, url_for("crm.override_grade", customer_id=customer.id), _("Set grade"))
    if can_merge:
        merge_form = form_markup.whole_form(
            forms.MergeForm, url_for("crm.merge_customer", customer_id=customer.id), _("Merge"))
    return render_template(
        "crm/customer.html", customer=customer, contacts=contact_rows, consents=people.consents,
        interactions=recent.interactions[:30], grade_history=recent.grade_changes[:20],
        owner_history=recent.owner_changes[:20], surveys=recent.surveys[:10], next_revisit_on=service.next_revisit_on,
        plan=service.plan, today=local_today(), can_edit=can_edit, missing=customer_service.missing_fields(customer),
        interaction_form=interaction_form, survey_form=survey_form, state_form=state_form,
        override_form=override_form, merge_form=merge_form,
        can_override=can_override, can_merge=can_merge, can_privacy=can(current_user, "crm.privacy.manage"),
        transitions=customer_service.TRANSITIONS[customer.state], cw=CUSTOMER_WORDS(),
    )


@bp.post("/customers/<int:customer_id>/state")
@require(EDIT)
def change_state(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    form = forms.StateForm()
    if form.validate_on_submit():
        try:
            customer_service.change_state(db.session, customer, form.state.data, current_user)
        except CRMError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            commit_and_flash(_("State changed."))
    return back(customer)


@bp.post("/customers/<int:customer_id>/merge")
@require("crm.customer.merge")
def merge_customer(customer_id: int):  # type: ignore[no-untyped-def]
    keep = get_customer_or_404(customer_id, current_user, "crm.customer.merge")
    form = forms.MergeForm()
    if form.validate_on_submit():
        drop = get_customer_or_404(form.other_id.data, current_user, "crm.customer.merge")
        try:
            merge.merge(db.session, keep, drop, current_user)
        except CRMError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            commit_and_flash(_("%(other)s was merged into this customer; nothing was lost.", other=drop.name))
    else:
        flash(_("Choose the customer to merge into this one."), "error")
    return back(keep)
