"""The CRM blueprint and what its page modules share: the labels of stored codes for templates, a contact looked
up through its customer (404 outside the user's scope: nobody learns whether another person's record exists), and
the small steps every form page ends with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.extensions import db
from core.i18n import FixedWords, gettext_noop
from core.web.listing import Filter
from core.web.params import record_id
from plugins.crm import forms
from plugins.crm.models import Contact, Customer

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("crm", __name__, url_prefix="/crm", template_folder=str(PLUGIN_DIR / "templates"))


def labels() -> dict[str, dict[str, str]]:
    """Display names of stored codes, for templates: translated once per language and kept by the app (the
    catalogues do not change while it runs), not once per request or row. Looked up by the language in force at
    each call, so that a part of a request drawn in another language (flask_babel.force_locale) gets its words."""
    kept = current_app.extensions.setdefault("crm_labels", {})
    language = str(get_locale())
    found = kept.get(language)
    if found is None:
        found = kept[language] = {
            name: {code: str(label) for code, label in choices()}
            for name, choices in (("state", forms.state_choices), ("kind", forms.kind_choices),
                                  ("source", forms.source_choices), ("interaction", forms.interaction_choices),
                                  ("channel", forms.channel_choices))
        }
    return found


#: Fixed words of the customer list and the CRM's tabs (crm/customers.html, crm/_macros.html), drawn on every
#: request: read there as ``crm_words()[…]``, translated once per language (issue 18: a template's ``_()`` is a
#: catalogue look-up per call).
words = FixedWords(
    gettext_noop("Customer management"), gettext_noop("Customers"), gettext_noop("Interactions"),
    gettext_noop("Revisits"), gettext_noop("Clean-up"), gettext_noop("Service plans"), gettext_noop("New customer"),
    gettext_noop("Name, phone or e-mail"), gettext_noop("Name"), gettext_noop("Grade"), gettext_noop("State"),
    gettext_noop("Region"), gettext_noop("Owner"), gettext_noop("Tags"), gettext_noop("Complete"),
    gettext_noop("Updated"), gettext_noop("Unassigned"),
    gettext_noop("Give the selected customers to (several: round-robin)"), gettext_noop("Reason"),
    gettext_noop("Reassign"),
)


@bp.app_context_processor
def crm_template_helpers() -> dict[str, Any]:
    return {"crm_labels": labels, "crm_words": words}


def commit_and_flash(message: str) -> None:
    db.session.commit()
    flash(message, "success")


def back(customer: Customer, anchor: str = "") -> Any:
    """Back to the customer's page, at ``anchor`` (``#contacts``)."""
    return redirect(url_for("crm.customer", customer_id=customer.id) + anchor)


def form_page(template: str, customer: Customer | None, form: Any, title: str, **extra: Any) -> Any:
    """A form that failed validation, shown on its own page with the errors next to the fields."""
    return render_template(template, customer=customer, form=form, title=title, **extra), 422


def contact_or_404(customer: Customer, contact_id: int) -> Contact:
    """A contact of ``customer`` (already checked against the user's scope); 404 for any other contact."""
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    return contact


def next_inside_crm(default: str) -> str:
    """The form's ``next`` address when it is a CRM page (never an address outside: no open redirect)."""
    wanted = request.form.get("next") or ""
    return wanted if wanted.startswith("/crm/") else default


def chosen_customer() -> list[tuple[str, str]]:
    """The customer named by ``?customer=``, as the one choice of a list's customer filter, if the user sees it
    (once per request): a smart button's link shows "Customer: 星河科技" in the toolbar, and any other id is refused
    as a filter value, never a 500."""
    if "_crm_chosen_customer" not in g:
        from plugins.crm.lookups import customer_labels

        customer_id = record_id(request.args.get("customer"))
        labels = customer_labels([customer_id], current_user) if customer_id else {}
        g._crm_chosen_customer = [(str(cid), name) for cid, name in labels.items()]
    return g._crm_chosen_customer


def customer_filter(column: Any = None, where: Any = None) -> Filter:
    """Rows of one customer (``?customer=ID``), the customer page's smart buttons' target: ``column`` holds the rows'
    customer id, or ``where(customer_id)`` is the condition when the rows reach the customer otherwise. Only a
    customer the user sees is a valid value (``chosen_customer``)."""
    return Filter.choice("customer", _l("Customer"), column, chosen_customer, coerce=int, where=where)
