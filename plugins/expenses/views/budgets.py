"""Budgets (R9.1): the year's lines with their live figures, the budget form, approval and reopening."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import Department
from core.security import can, require
from core.web.listing import export_response, wants_export
from core.web.params import whole_number
from plugins.expenses.forms import (
    BudgetForm,
    select_choices,
)
from plugins.expenses.models import Budget
from plugins.expenses.services.budgets import approve_budget, budget_page_figures, reopen_budget, save_budget
from plugins.expenses.services.common import BUDGET_APPROVE, BUDGET_MANAGE, ExpenseError, InvalidInput
from plugins.expenses.views import lists, rendering
from plugins.expenses.views.common import (
    apply_errors,
    bp,
    category_choices,
    year_arg,
)


@bp.get("/budgets")
@require("expenses.budget.view")
def budgets():  # type: ignore[no-untyped-def]
    year = year_arg()
    listing = lists.budget_list(year, request.args.get("sort", ""))
    fmt = wants_export()
    if fmt:
        figures = budget_page_figures(db.session, year, listing.export_rows())
        return export_response(figures, lists.budget_columns(), fmt, filename=_("budgets-%(year)s", year=year))
    page = listing.page()
    page.items = budget_page_figures(db.session, year, page.items)
    return render_template("expenses/budgets.html", page=page, year=year,
                           can_manage=can(current_user, BUDGET_MANAGE),
                           can_approve=can(current_user, BUDGET_APPROVE), **rendering.budget_rows())


def _budget_form(form: BudgetForm) -> None:
    form.department_id.choices = select_choices(
        [(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))])
    form.category_id.choices = select_choices(category_choices())


@bp.route("/budgets/new", methods=["GET", "POST"])
@bp.route("/budgets/<int:budget_id>/edit", methods=["GET", "POST"])
@require("expenses.budget.manage")
def budget_edit(budget_id: int | None = None):  # type: ignore[no-untyped-def]
    budget = db.session.get(Budget, budget_id) if budget_id else None
    if budget_id and budget is None:
        abort(404)
    if request.method == "GET" and budget is not None:
        months = [f"{m.amount:.2f}" for m in budget.months] or [""] * 12
        form = BudgetForm(data={"department_id": budget.department_id, "category_id": budget.category_id,
                                "year": budget.year, "amount": f"{budget.amount:.2f}", "note": budget.note,
                                "months": months, "version": budget.version})
    else:
        form = BudgetForm(year=year_arg()) if request.method == "GET" else BudgetForm()
    _budget_form(form)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            saved = save_budget(
                db.session, current_user, department_id=form.department_id.data, category_id=form.category_id.data,
                year=form.year.data, amount=form.amount.data, months=[e.data for e in form.months.entries],
                note=form.note.data or "", budget=budget, expected_version=whole_number(form.version.data))
            db.session.commit()
            flash(_("Budget saved. It counts once approved."), "success")
            return redirect(url_for("expenses.budgets", year=saved.year))
        except InvalidInput as exc:
            db.session.rollback()
            general = apply_errors(form, exc.errors)
        except ExpenseError as exc:
            db.session.rollback()
            general = [exc.message]
    return render_template("expenses/budget_form.html", form=form, budget=budget, general=general)


@bp.post("/budgets/<int:budget_id>/<any(approve, reopen):action>")
@require("expenses.budget.approve")
def budget_state(budget_id: int, action: str):  # type: ignore[no-untyped-def]
    budget = db.session.get(Budget, budget_id)
    if budget is None:
        abort(404)
    try:
        if action == "approve":
            approve_budget(db.session, budget, current_user)
        else:
            reopen_budget(db.session, budget, current_user)
        db.session.commit()
        flash(_("Budget approved.") if action == "approve" else _("Budget reopened for changes."), "success")
    except ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("expenses.budgets", year=budget.year))
