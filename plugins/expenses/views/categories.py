"""Expense categories (R9.1.1) and their over-budget policies (R9.x)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.security import require
from plugins.expenses import platform
from plugins.expenses.forms import (
    CategoryForm,
)
from plugins.expenses.models import Category
from plugins.expenses.services.categories import category_label, save_category
from plugins.expenses.services.common import InvalidInput
from plugins.expenses.views.common import (
    apply_errors,
    bp,
)


@bp.route("/categories", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@require("expenses.budget.manage")
def categories(category_id: int | None = None):  # type: ignore[no-untyped-def]
    category = db.session.get(Category, category_id) if category_id else None
    if category_id and category is None:
        abort(404)
    if request.method == "GET" and category is not None:
        form = CategoryForm(data={"code": category.code, "name": category.name,
                                  "policy": category.over_budget_policy, "active": category.active})
    else:
        form = CategoryForm(policy=platform.setting("expenses.default_policy")) \
            if request.method == "GET" else CategoryForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            save_category(db.session, code=form.code.data, name=form.name.data, policy=form.policy.data,
                                   active=form.active.data, category=category)
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for("expenses.categories"))
        except InvalidInput as exc:
            db.session.rollback()
            general = apply_errors(form, exc.errors)
    rows = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    return render_template("expenses/categories.html", form=form, category=category, rows=rows, general=general,
                           label=category_label)
