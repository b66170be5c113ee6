"""Administration of roles: list, create a custom role, edit grants with scopes, delete an unused custom role
(core.roles.manage). A change takes effect on everyone's next request: grants are read per request."""

from __future__ import annotations

from itertools import groupby

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.contracts import SCOPES
from core.extensions import db
from core.identity.access import AccessRefused
from core.identity.models import Permission, Role, user_roles
from core.identity.roles import RoleError, create_role, delete_role, set_grants
from core.identity.views import bp
from core.identity.views.forms import NewRoleForm, RoleNameForm
from core.security import ADMIN_ROLE, clear_access_cache, is_admin, require


def _role_or_404(role_id: int) -> Role:
    role = db.session.get(Role, role_id)
    if role is None:
        abort(404)
    return role


@bp.get("/admin/roles")
@require("core.roles.manage")
def roles():  # type: ignore[no-untyped-def]
    rows = list(db.session.scalars(select(Role).order_by(Role.builtin.desc(), Role.name)))
    holders = dict(db.session.execute(select(user_roles.c.role_id, func.count())
                                      .group_by(user_roles.c.role_id)).all())
    return render_template("admin/roles/list.html", roles=rows, holders=holders)


@bp.route("/admin/roles/new", methods=["GET", "POST"])
@require("core.roles.manage")
def role_new():  # type: ignore[no-untyped-def]
    form = NewRoleForm()
    if form.validate_on_submit():
        try:
            role = create_role(db.session, form.code.data, form.name.data)
        except RoleError as exc:
            db.session.rollback()
            getattr(form, exc.field or "code").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Created the role %(name)s; now choose its permissions.", name=role.name), "success")
            return redirect(url_for("core_identity.role_edit", role_id=role.id))
    return render_template("admin/roles/new.html", form=form)


@bp.route("/admin/roles/<int:role_id>/edit", methods=["GET", "POST"])
@require("core.roles.manage")
def role_edit(role_id: int):  # type: ignore[no-untyped-def]
    role = _role_or_404(role_id)
    form = RoleNameForm(obj=role)
    if request.method == "GET" and role.builtin:
        form.name.data = _(role.name)
    permissions = list(db.session.scalars(select(Permission).order_by(Permission.owner != "core",
                                                                      Permission.owner, Permission.code)))
    granted = {grant.permission_code: grant.scope for grant in role.grants}
    status = 200
    if form.validate_on_submit():
        wanted = {code: request.form.get(f"scope-{code}", "all") for code in request.form.getlist("grant")}
        name = role.name if role.builtin and form.name.data == _(role.name) else form.name.data
        try:
            set_grants(db.session, role, name, wanted, actor=current_user)
        except AccessRefused as exc:  # grants beyond the editor's own (issue 11 F1)
            db.session.rollback()
            flash(str(exc), "error")
            granted, status = wanted, 403
        except RoleError as exc:
            db.session.rollback()
            if exc.field == "name":
                form.name.errors.append(str(exc))
            else:
                flash(str(exc), "error")
            granted = wanted
        else:
            db.session.commit()
            clear_access_cache()
            flash(_("Saved the role %(name)s. It applies from everyone's next page.", name=form.name.data),
                  "success")
            return redirect(url_for("core_identity.roles"))
    groups = [(_module_title(owner), list(items)) for owner, items in groupby(permissions, key=lambda p: p.owner)]
    return render_template("admin/roles/edit.html", role=role, form=form, groups=groups, granted=granted,
                           scopes=SCOPES, is_admin_role=role.code == ADMIN_ROLE,
                           current_user_is_admin=is_admin(current_user)), status


@bp.post("/admin/roles/<int:role_id>/delete")
@require("core.roles.manage")
def role_delete(role_id: int):  # type: ignore[no-untyped-def]
    role = _role_or_404(role_id)
    name = role.name
    try:
        delete_role(db.session, role)
    except RoleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("core_identity.role_edit", role_id=role_id))
    db.session.commit()
    flash(_("Deleted the role %(name)s.", name=name), "success")
    return redirect(url_for("core_identity.roles"))


def _module_title(owner: str) -> str:
    """A permission group's heading: "Core", or the module's title in the reader's language (not its name)."""
    if owner == "core":
        return _("Core")
    plugin = current_app.extensions["netsales"].plugins.get(owner)
    manifest = plugin.manifest if plugin is not None else None
    return manifest.title_for(str(get_locale())) if manifest else owner
