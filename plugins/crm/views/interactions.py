"""Interactions with customers and their next steps (R2.1.3): recording them, the list of them (a customer's smart
button opens it filtered to the customer), and the revisits the service plans call for (R5.2.2, R5.3.1)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased, lazyload

from core.extensions import db
from core.identity.models import User
from core.security import require
from core.timeutil import local_to_utc, local_today
from core.web.listing import Filter, GroupBy, ListQuery
from plugins.crm import forms
from plugins.crm.access import EDIT, VIEW, get_customer_or_404, owner_condition, scoped_customers
from plugins.crm.models import GRADES, Contact, Customer, Interaction, Revisit
from plugins.crm.services import interactions
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import back, bp, commit_and_flash, customer_filter, form_page, next_inside_crm


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
            return back(customer, "#interactions")
    return form_page("crm/simple_form.html", customer, form, _("Record an interaction"))


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
    return redirect(next_inside_crm(url_for("crm.customer", customer_id=customer.id)))


_author = aliased(User)


@bp.get("/interactions", endpoint="interactions")
@require(VIEW)
def interaction_list():  # type: ignore[no-untyped-def]
    """Interactions with the customers the user sees, newest first (R2.1.3): what was said, by whom, what next."""
    stmt = scoped_customers(current_user, VIEW, select(Interaction, Customer.id, Customer.name, _author.name)
                            .join(Customer, Customer.id == Interaction.customer_id)
                            .outerjoin(_author, _author.id == Interaction.user_id)
                            .options(lazyload(Interaction.user)))  # the author's name is joined: no whole user
    listing = ListQuery(stmt, sorts={"when": Interaction.occurred_at, "customer": Customer.name},
                        default_sort="-when", search=[Interaction.summary, Interaction.outcome],
                        filters=[customer_filter(Interaction.customer_id),
                                 Filter.choice("kind", _l("Kind"), Interaction.kind, forms.interaction_choices),
                                 Filter.date_from("from", _l("From date"), Interaction.occurred_at),
                                 Filter.date_to("to", _l("To date"), Interaction.occurred_at)],
                        groups=[GroupBy("kind", _l("Kind"), Interaction.kind, value_labels=forms.interaction_choices,
                                        filter_key="kind"),
                                GroupBy("by", _l("Interaction recorded by"), Interaction.user_id,
                                        label_column=_author.name)])
    return render_template("crm/interactions.html", page=listing.page(), today=local_today())


@bp.get("/revisits")
@require(VIEW)
def revisits():  # type: ignore[no-untyped-def]
    """Open revisits in the user's scope, overdue first (R5.3.1)."""
    stmt = (select(Revisit, Customer).join(Customer, Customer.id == Revisit.customer_id)
            .where(Revisit.done_at.is_(None), owner_condition(current_user, VIEW, Revisit.owner_id),
                   Customer.merged_into_id.is_(None)))
    listing = ListQuery(stmt, sorts={"due": Revisit.due_on, "name": Customer.name}, default_sort="due",
                        search=[Customer.name],
                        filters=[customer_filter(Revisit.customer_id),
                                 Filter.choice("grade", _l("Grade"), Customer.grade, [(g, g) for g in GRADES]),
                                 Filter.choice("when", _l("Due"), Revisit.due_on < local_today(),
                                               [("overdue", _l("Overdue"))], coerce=lambda _v: True)],
                        groups=[GroupBy("grade", _l("Grade"), Customer.grade, value_labels=forms.grade_choices,
                                        filter_key="grade", empty_label=_l("Not graded yet"))])
    return render_template("crm/revisits.html", page=listing.page(), today=local_today())
