"""Grades and the service each grade receives: a manager's override of a customer's grade (R5.2.1) and the
service plans per grade (R5.2.2)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.security import can, require
from plugins.crm import forms
from plugins.crm.access import VIEW, get_customer_or_404
from plugins.crm.models import GRADES, Customer, ServicePlan
from plugins.crm.services import grading
from plugins.crm.services import revisits as revisit_service
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import back, bp, commit_and_flash, form_page

OVERRIDE = "crm.grade.override"


@bp.post("/customers/<int:customer_id>/grade")
@require(OVERRIDE)
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
            return back(customer)
    return form_page("crm/simple_form.html", customer, form, _("Override the grade"))


@bp.post("/customers/<int:customer_id>/grade/release")
@require(OVERRIDE)
def release_grade(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    try:
        grading.release_override(db.session, customer, current_user)
    except CRMError as exc:
        flash(exc.message, "error")
    else:
        commit_and_flash(_("The grade follows the score again."))
    return back(customer)


@bp.get("/plans")
@require(VIEW)
def plans():  # type: ignore[no-untyped-def]
    plans = revisit_service.plans(db.session)
    counts = dict(db.session.execute(select(Customer.grade, func.count(Customer.id))
                                     .where(Customer.merged_into_id.is_(None)).group_by(Customer.grade)).all())
    return render_template("crm/plans.html", plans=[(g, plans.get(g)) for g in GRADES], counts=counts,
                           can_manage=can(current_user, "crm.plan.manage"))


@bp.route("/plans/<grade>", methods=["GET", "POST"])
@require("crm.plan.manage")
def edit_plan(grade: str):  # type: ignore[no-untyped-def]
    if grade not in GRADES:
        abort(404)
    plan = db.session.get(ServicePlan, grade)
    form = forms.PlanForm(obj=plan)
    if form.validate_on_submit():
        try:
            revisit_service.update_plan(db.session, grade, form.revisit_interval_days.data, form.service_level.data,
                                        form.strategy.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Service plan %(grade)s saved.", grade=grade), "success")
            return redirect(url_for("crm.plans"))
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", form=form, customer=None,
                           title=_("Service plan for grade %(grade)s", grade=grade)), status
