"""Administration of users: list, create, edit, deactivate / reactivate, password reset (core.users.manage)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from core.identity.access import AccessRefused, check_may_manage, grantable_role_codes, may_manage
from core.identity.models import Department, Role, User
from core.identity.positions import position_choices
from core.identity.users import (
    UserError,
    announce_hire,
    create_user,
    deactivate_user,
    generate_password,
    reactivate_user,
    set_password,
    update_user,
)
from core.identity.views import bp
from core.identity.views.forms import (
    NewUserForm,
    PasswordResetForm,
    UserForm,
    department_choices,
    role_choices,
)
from core.security import clear_access_cache, require
from core.web.listing import Filter, GroupBy, ListQuery

SORTS = {
    "name": User.name,
    "login": User.login,
    "position": User.position,
    "department": Department.name,
    "hire_date": User.hire_date,
    "created": User.created_at,
}


#: The users list's select before search, filters and sort: built once, as its join and loader options cost more
#: to construct on every request than the rest of the query.
_USER_LIST_BASE = (select(User).outerjoin(Department, User.department_id == Department.id)
                   .options(joinedload(User.department), joinedload(User.superior).lazyload(User.roles),
                            # The list shows role names only: not their grants, nor the superiors' roles.
                            selectinload(User.roles).lazyload(Role.grants)))


# A context of their own: plugins translate "Active" for products and courses, and catalogues merge (core/i18n.py).
def _status_choices() -> list[tuple[str, str]]:
    return [("1", pgettext("user", "Active")), ("0", pgettext("user", "Deactivated"))]


def _status_labels() -> list[tuple[bool, str]]:
    return [(True, pgettext("user", "Active")), (False, pgettext("user", "Deactivated"))]


#: Search, filters, sort, grouping and paging of the users list (core.web.listing; issue 12 adds the groups).
USER_LIST = ListQuery(
    _USER_LIST_BASE, sorts=SORTS, default_sort="name",
    search=[User.login, User.name, User.email, User.phone],
    filters=[
        Filter.choice("department", _l("Department"), User.department_id, lambda: department_choices()[1:],
                      coerce=int),
        Filter.choice("position", _l("Position"), User.position, position_choices),
        Filter.choice("role", _l("Role"), None, role_choices, where=lambda code: User.roles.any(Role.code == code)),
        Filter.choice("active", _l("Status"), User.active, _status_choices, coerce=lambda v: v == "1", default="1"),
    ],
    groups=[
        GroupBy("department", _l("Department"), User.department_id, label_column=Department.name,
                filter_key="department", empty_label=_l("No department")),
        GroupBy("position", _l("Position"), User.position, value_labels=position_choices, filter_key="position"),
        GroupBy("status", _l("Status"), User.active, value_labels=_status_labels, filter_key="active",
                filter_value=lambda active: "1" if active else "0"),
    ],
)


def _list_args(args: Any) -> Any:
    """The request's arguments, with the users list's older ``sort=login&dir=desc`` read as ``sort=-login``."""
    if args.get("dir") != "desc" or args.get("sort", "").startswith("-"):
        return args
    args = args.copy()
    args["sort"] = "-" + (args.pop("sort", "") or USER_LIST.default_sort)
    args.pop("dir", None)
    return args


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _refused(exc: AccessRefused) -> Any:
    """The error page with the reason: the person is beyond what the signed-in user may manage (issue 11 F1)."""
    db.session.rollback()
    return render_template("errors/error.html", code=403, title=_("Not allowed"), text=str(exc)), 403


def _manageable_or_refuse(user_id: int) -> User:
    """The person ``user_id`` if the signed-in user may manage them; else AccessRefused (404 if nobody)."""
    user = _user_or_404(user_id)
    check_may_manage(db.session, current_user, user)
    return user


def _field_error(form: Any, exc: UserError) -> None:
    field = getattr(form, exc.field or "", None)
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


@bp.get("/admin/users")
@require("core.users.manage")
def users():  # type: ignore[no-untyped-def]
    page = USER_LIST.page(_list_args(request.args))
    grantable = grantable_role_codes(db.session, current_user)
    return render_template(
        "admin/users/list.html", page=page,
        # Only people the signed-in user may manage get a link to their page (issue 11 F1).
        manageable={user.id for user in page.items if may_manage(current_user, user, grantable)},
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require("core.users.manage")
def user_new():  # type: ignore[no-untyped-def]
    form = NewUserForm()
    form.fill_choices(None, current_user)
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        try:
            user = create_user(
                db.session, login=form.login.data, name=form.name.data, password=password,
                email=form.email.data or None, phone=form.phone.data or None, position=form.position.data,
                department_id=form.department_id.data, superior_id=form.superior_id.data,
                hire_date=form.hire_date.data, locale=form.locale.data or None, roles=form.roles.data,
                actor=current_user,
            )
        except UserError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            announce_hire(user)
            db.session.commit()
            if not form.password.data:
                return render_template("admin/users/password_shown.html", user=user, password=password)
            flash(_("%(name)s can now sign in as %(login)s.", name=user.name, login=user.login), "success")
            return redirect(url_for("core_identity.users"))
    return render_template("admin/users/form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@require("core.users.manage")
def user_edit(user_id: int):  # type: ignore[no-untyped-def]
    try:
        user = _manageable_or_refuse(user_id)
    except AccessRefused as exc:
        return _refused(exc)
    form = UserForm(obj=user)
    form.fill_choices(user.id, current_user)
    if request.method == "GET":
        form.roles.data = [role.code for role in user.roles]
        form.locale.data = user.locale or ""
    if form.validate_on_submit():
        try:
            update_user(
                db.session, user, roles=form.roles.data, name=form.name.data, email=form.email.data,
                phone=form.phone.data, position=form.position.data, department_id=form.department_id.data,
                superior_id=form.superior_id.data, hire_date=form.hire_date.data, locale=form.locale.data,
                actor=current_user,
            )
        except UserError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            clear_access_cache()
            flash(_("Saved %(name)s.", name=user.name), "success")
            return redirect(url_for("core_identity.users"))
    return render_template("admin/users/form.html", form=form, user=user)


@bp.post("/admin/users/<int:user_id>/deactivate")
@require("core.users.manage")
def user_deactivate(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("core_identity.user_edit", user_id=user.id))
    try:
        deactivate_user(db.session, user, actor=current_user)
    except AccessRefused as exc:
        return _refused(exc)
    except UserError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is deactivated and signed out everywhere.", name=user.name), "success")
    return redirect(url_for("core_identity.user_edit", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/reactivate")
@require("core.users.manage")
def user_reactivate(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    try:
        reactivate_user(db.session, user, actor=current_user)
    except AccessRefused as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("%(name)s is active again.", name=user.name), "success")
    return redirect(url_for("core_identity.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@require("core.users.manage")
def user_password(user_id: int):  # type: ignore[no-untyped-def]
    try:
        user = _manageable_or_refuse(user_id)
    except AccessRefused as exc:
        return _refused(exc)
    form = PasswordResetForm()
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        try:
            set_password(user, password, actor=current_user)  # the policy of core/identity/passwords.py applies
        except AccessRefused as exc:
            return _refused(exc)
        except UserError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            if not form.password.data:
                return render_template("admin/users/password_shown.html", user=user, password=password)
            flash(_("The password of %(name)s is changed; their sessions have ended.", name=user.name), "success")
            return redirect(url_for("core_identity.user_edit", user_id=user.id))
    return render_template("admin/users/password.html", form=form, user=user)
