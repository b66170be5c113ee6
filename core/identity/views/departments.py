"""Administration of departments: the tree, create, edit (core.users.manage)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.identity.departments import DepartmentError, create_department, update_department
from core.identity.models import Department, User
from core.identity.org import ordered_tree
from core.identity.views import bp
from core.identity.views.forms import DepartmentForm, department_choices
from core.security import require


def _form_choices(form: DepartmentForm, department: Department | None) -> None:
    choices = department_choices()
    if department is not None:
        choices = [c for c in choices if c[0] != department.id]
    form.parent_id.choices = choices


def _apply_error(form: Any, exc: DepartmentError) -> None:
    field = getattr(form, exc.field or "", None)
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


@bp.get("/admin/departments")
@require("core.users.manage")
def departments():  # type: ignore[no-untyped-def]
    # The whole tree is shown: a company has tens of departments, not thousands; three queries in all.
    rows = list(db.session.scalars(select(Department).options(joinedload(Department.head))
                                   .order_by(Department.name)))
    counts = dict(db.session.execute(select(User.department_id, func.count(User.id))
                                     .where(User.active).group_by(User.department_id)).all())
    return render_template("admin/departments/list.html",
                           tree=ordered_tree(rows, lambda d: d.parent_id), counts=counts)


@bp.route("/admin/departments/new", methods=["GET", "POST"])
@require("core.users.manage")
def department_new():  # type: ignore[no-untyped-def]
    form = DepartmentForm()
    _form_choices(form, None)
    if form.validate_on_submit():
        try:
            department = create_department(db.session, form.name.data, form.parent_id.data, form.head_id.data)
        except DepartmentError as exc:
            db.session.rollback()
            _apply_error(form, exc)
        else:
            db.session.commit()
            flash(_("Created the department %(name)s.", name=department.name), "success")
            return redirect(url_for("core_identity.departments"))
    return render_template("admin/departments/form.html", form=form, department=None)


@bp.route("/admin/departments/<int:department_id>/edit", methods=["GET", "POST"])
@require("core.users.manage")
def department_edit(department_id: int):  # type: ignore[no-untyped-def]
    department = db.session.get(Department, department_id)
    if department is None:
        abort(404)
    form = DepartmentForm(obj=department)
    _form_choices(form, department)
    if form.validate_on_submit():
        try:
            update_department(db.session, department, form.name.data, form.parent_id.data, form.head_id.data)
        except DepartmentError as exc:
            db.session.rollback()
            _apply_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved the department %(name)s.", name=department.name), "success")
            return redirect(url_for("core_identity.departments"))
    return render_template("admin/departments/form.html", form=form, department=department)
