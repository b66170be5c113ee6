"""Administration of users: list, create, edit, deactivate / reactivate, password reset (core.users.manage)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from core.identity.access import AccessRefused, check_may_manage, grantable_role_codes, may_manage
from core.identity.models import POSITIONS, Department, Role, User
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
from core.identity.views.paging import page_number, paginate
from core.security import clear_access_cache, require
from core.web.params import record_id

SORTS = {
    "name": User.name,
    "login": User.login,
    "position": User.position,
    "department": Department.name,
    "hire_date": User.hire_date,
    "created": User.created_at,
}


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (escape character: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: The users list's select before search, filters and sort: built once, as its join and loader options cost more
#: to construct on every request than the rest of the query.
_USER_LIST_BASE = (select(User).outerjoin(Department, User.department_id == Department.id)
                   .options(joinedload(User.department), joinedload(User.superior).lazyload(User.roles),
                            # The list shows role names only: not their grants, nor the superiors' roles.
                            selectinload(User.roles).lazyload(Role.grants)))
#: ORDER BY for each sort key and direction (User.id last, so that pages never overlap).
_USER_LIST_ORDER = {(key, desc): (column.desc() if desc else column.asc(), User.id)
                    for key, column in SORTS.items() for desc in (False, True)}


def user_list_query(args: Any) -> Select:
    """The users list's query for the request's search, filters and sort (no paging)."""
    query = _USER_LIST_BASE
    text = (args.get("q") or "").strip()
    if text:
        pattern = like_pattern(text)
        query = query.where(or_(*(column.ilike(pattern, escape="\\")
                                  for column in (User.login, User.name, User.email, User.phone))))
    if department_id := record_id(args.get("department")):
        query = query.where(User.department_id == department_id)
    if args.get("position") in POSITIONS:
        query = query.where(User.position == args["position"])
    if args.get("role"):
        query = query.where(User.roles.any(Role.code == args["role"]))
    active = args.get("active", "1")
    if active in ("1", "0"):
        query = query.where(User.active.is_(active == "1"))
    sort = args.get("sort", "")
    return query.order_by(*_USER_LIST_ORDER[(sort if sort in SORTS else "name", args.get("dir") == "desc")])


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
    page = paginate(user_list_query(request.args), page_number())

    def list_url(**changes: Any) -> str:
        """This list's URL with some of its arguments changed (sort, page), keeping the others."""
        return url_for("core_identity.users", **{**request.args.to_dict(), **changes})

    grantable = grantable_role_codes(db.session, current_user)
    return render_template(
        "admin/users/list.html", page=page, args=request.args, departments=department_choices()[1:],
        positions=position_choices(), roles=role_choices(), list_url=list_url,
        page_url=lambda n: list_url(page=n),
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
