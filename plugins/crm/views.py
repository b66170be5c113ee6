"""Customer pages: the list, a customer's file, and the forms that change it (R5.1, R5.2, R11).

The other pages of the blueprint (allocation, campaigns, events, import, plans) live in views_*.py modules that add
their routes to ``bp``; they are imported at the bottom."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.audit import log_event
from core.extensions import db
from core.security import can, require
from core.timeutil import local_to_utc, local_today
from core.web.listing import ExportColumn, ListQuery, export_response
from core.web.params import record_id
from plugins.crm import customer_page, form_markup, forms
from plugins.crm.access import EDIT, VIEW, assignable_people, get_customer_or_404, may
from plugins.crm.listing import customer_listing
from plugins.crm.models import (
    Consent,
    Contact,
    Customer,
    Interaction,
)
from plugins.crm.services import contacts, grading, interactions, merge, privacy, surveys
from plugins.crm.services import customers as customer_service
from plugins.crm.services.errors import CRMError

bp = Blueprint("crm", __name__, url_prefix="/crm", template_folder="templates")

#: A list page showing this many customers at once counts as a bulk view (R11) and is logged.
BULK_VIEW_ROWS = 100


def labels() -> dict[str, dict[str, str]]:
    """Display names of stored codes, for templates: translated once per language and kept by the app (the
    catalogues do not change while it runs), not once per request or row."""
    if "_crm_labels" not in g:
        kept = current_app.extensions.setdefault("crm_labels", {})
        language = str(get_locale())
        if language not in kept:
            kept[language] = {
                name: {code: str(label) for code, label in choices()}
                for name, choices in (("state", forms.state_choices), ("kind", forms.kind_choices),
                                      ("source", forms.source_choices), ("interaction", forms.interaction_choices),
                                      ("channel", forms.channel_choices))
            }
        g._crm_labels = kept[language]
    return g._crm_labels


@bp.app_context_processor
def crm_template_helpers() -> dict[str, Any]:
    return {"crm_labels": labels}


def commit_and_flash(message: str) -> None:
    db.session.commit()
    flash(message, "success")


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


@bp.get("/customers/<int:customer_id>")
@require(VIEW)
def customer(customer_id: int):  # type: ignore[no-untyped-def]
    """The customer's file: a fixed number of queries whatever the history's length (lists are limited)."""
    customer = get_customer_or_404(customer_id, current_user)
    people = customer_page.contacts_with_consents(customer.id)
    contact_rows = people.contacts
    recent = customer_page.history(customer.id)
    service = customer_page.service(customer)
    can_edit = may(current_user, EDIT, customer)
    can_override = can(current_user, "crm.grade.override")
    can_merge = may(current_user, "crm.customer.merge", customer)
    interaction_form = survey_form = state_form = None
    if can_edit:  # forms are drawn only for those who see them, from kept markup (form_markup.py)
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
        transitions=customer_service.TRANSITIONS[customer.state],
    )


def _back(customer: Customer, anchor: str = "") -> Any:
    return redirect(url_for("crm.customer", customer_id=customer.id) + anchor)


def _form_page(template: str, customer: Customer, form: Any, title: str, **extra: Any) -> Any:
    """A form that failed validation, shown on its own page with the errors next to the fields."""
    return render_template(template, customer=customer, form=form, title=title, **extra), 422


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
    return _back(customer)


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
            return _back(customer, "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", customer=customer, form=form, title=title), status


@bp.route("/customers/<int:customer_id>/contacts/new", methods=["GET", "POST"])
@require(EDIT)
def new_contact(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    return _contact_form(customer, forms.ContactForm(),
                         lambda data: contacts.add_contact(db.session, customer, data, current_user),
                         _("Contact added."), _("New contact"))


def _contact_or_404(customer: Customer, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    return contact


@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@require(EDIT)
def edit_contact(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    contact = _contact_or_404(customer, contact_id)
    return _contact_form(customer, forms.ContactForm(obj=contact),
                         lambda data: contacts.update_contact(db.session, contact, data, current_user),
                         _("Saved."), contact.name)


@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/consent", methods=["GET", "POST"])
@require(EDIT)
def new_consent(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    contact = _contact_or_404(customer, contact_id)
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
            return _back(customer, "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", customer=customer, form=form,
                           title=_("Consent of %(name)s", name=contact.name)), status


@bp.post("/customers/<int:customer_id>/consents/<int:consent_id>/withdraw")
@require(EDIT)
def withdraw_consent(customer_id: int, consent_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    consent = db.session.get(Consent, consent_id)
    if consent is None or _contact_or_404(customer, consent.contact_id) is None:
        abort(404)
    contacts.withdraw_consent(db.session, consent)
    commit_and_flash(_("Consent withdrawn."))
    return _back(customer, "#contacts")


@bp.post("/customers/<int:customer_id>/interactions")
@require(EDIT)
def new_interaction(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    form = forms.InteractionForm()
    form.contact_id.choices = [("", "—")] + [
        (str(c.id), c.name) for c in db.session.scalars(select(Contact).where(Contact.customer_id == customer.id))]
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("kind", "summary", "outcome", "next_step", "next_step_on", "contact_id")}
        data["occurred_at"] = local_to_utc(form.occurred_at.data) if form.occurred_at.data else None
        try:
            interactions.log_interaction(db.session, customer, data, current_user)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("Interaction recorded."))
            return _back(customer, "#interactions")
    return _form_page("crm/simple_form.html", customer, form, _("Record an interaction"))


@bp.post("/customers/<int:customer_id>/interactions/<int:interaction_id>/done")
@require(EDIT)
def next_step_done(customer_id: int, interaction_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    interaction = db.session.get(Interaction, interaction_id)
    if interaction is None or interaction.customer_id != customer.id:
        abort(404)
    try:
        interactions.complete_next_step(db.session, interaction)
    except CRMError as exc:
        flash(exc.message, "error")
    else:
        commit_and_flash(_("Next step done."))
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/crm/")
                    else url_for("crm.customer", customer_id=customer.id))


@bp.post("/customers/<int:customer_id>/grade")
@require("crm.grade.override")
def override_grade(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    form = forms.OverrideForm()
    if form.validate_on_submit():
        try:
            grading.override(db.session, customer, form.grade.data, form.reason.data, current_user)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("Grade set to %(grade)s.", grade=form.grade.data))
            return _back(customer)
    return _form_page("crm/simple_form.html", customer, form, _("Override the grade"))


@bp.post("/customers/<int:customer_id>/grade/release")
@require("crm.grade.override")
def release_grade(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    try:
        grading.release_override(db.session, customer, current_user)
    except CRMError as exc:
        flash(exc.message, "error")
    else:
        commit_and_flash(_("The grade follows the score again."))
    return _back(customer)


@bp.post("/customers/<int:customer_id>/surveys")
@require(EDIT)
def send_survey(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    form = forms.SurveyForm()
    contact = None
    if form.contact_id.data:
        contact_id = record_id(form.contact_id.data)
        contact = db.session.get(Contact, contact_id) if contact_id else None
        if contact is None or contact.customer_id != customer.id:
            abort(404)
    if not form.validate_on_submit():
        abort(400)
    try:
        sent = surveys.create_survey(db.session, customer, current_user, contact=contact)
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back(customer)
    db.session.commit()
    if sent.emailed:
        flash(_("Survey link e-mailed to %(name)s.", name=contact.name), "success")
    else:
        flash(_("Survey link (valid once, pass it to the customer): %(url)s", url=sent.url), "success")
    return _back(customer, "#surveys")


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
        flash(_("Give the number of the customer to merge."), "error")
    return _back(keep)


# ---------------------------------------------------------------------------------------------------- PIPL


@bp.get("/customers/<int:customer_id>/contacts/<int:contact_id>/data.json")
@require("crm.privacy.manage")
def contact_data(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    """Answer a person's access request: everything stored about them, as a JSON download (logged)."""
    customer = get_customer_or_404(customer_id, current_user)
    contact = _contact_or_404(customer, contact_id)
    report = privacy.access_report(db.session, contact, current_user)
    log_event("export", "crm_contact", record_id=contact.id, details={"request": "PIPL access"})
    db.session.commit()
    response = Response(privacy.access_report_json(report), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="contact-{contact.id}.json"'
    return response


@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/anonymise", methods=["GET", "POST"])
@require("crm.privacy.manage")
def anonymise_contact(customer_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    contact = _contact_or_404(customer, contact_id)
    form = forms.PrivacyDeleteForm()
    if form.validate_on_submit():
        try:
            privacy.anonymise_contact(db.session, contact, current_user, form.reason.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            commit_and_flash(_("The contact's personal data was erased; business records are kept."))
            return _back(customer, "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", customer=customer, form=form, danger=True,
                           title=_("Erase the personal data of %(name)s", name=contact.name),
                           intro=_("Answers a deletion request (PIPL): name, phone, e-mail and WeChat are erased "
                                   "and consents withdrawn; interactions, purchases and ratings stay.")), status


from plugins.crm import views_manage, views_outreach  # noqa: E402,F401  (routes on bp)
