"""/admin/settings: one page, one section for the company and one for each enabled plugin; all or nothing saved.
/company/logo serves the logo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import public, require
from core.settings.hooks import SECRET_KEYS
from core.settings.logo import MIMETYPES, check_logo, company_logo_path, remove_logo, save_logo
from core.settings.registry import sections
from core.settings.store import SettingError, coerce, get_setting, set_setting

bp = Blueprint("core_settings", __name__)


def _display(definition: Any, value: Any) -> Any:
    if definition.key in SECRET_KEYS:
        return ""
    if definition.type == "bool":
        return bool(value)
    return "" if value is None else str(value)


def _page(values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    listing = []
    for section in sections():
        fields = [{"d": d, "value": values.get(d.key, _display(d, get_setting(d.key))), "error": errors.get(d.key),
                   "secret": d.key in SECRET_KEYS, "is_set": d.key in SECRET_KEYS and bool(get_setting(d.key))}
                  for d in section.settings]
        listing.append({"section": section, "fields": fields})
    return render_template("settings/index.html", sections=listing, errors=errors,
                           has_logo=company_logo_path() is not None), status


@bp.get("/admin/settings")
@require("core.settings.manage")
def index():  # type: ignore[no-untyped-def]
    return _page({}, {})


@bp.post("/admin/settings")
@require("core.settings.manage")
def save():  # type: ignore[no-untyped-def]
    typed: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for section in sections():
        for definition in section.settings:
            if definition.key not in request.form:
                continue  # not on the submitted form (a module enabled meanwhile): leave it as it is
            raw = request.form.getlist(definition.key)[-1]  # a ticked box follows its hidden "0"
            if definition.key in SECRET_KEYS and not raw:
                continue  # empty: keep the stored secret
            shown[definition.key] = raw in ("1", "on") if definition.type == "bool" else raw
            try:
                typed[definition.key] = coerce(definition, raw)
            except SettingError as exc:
                errors[definition.key] = str(exc.message)
    upload = request.files.get("core.logo")
    logo: tuple[bytes, str] | None = None
    if upload and upload.filename:
        data = upload.read()
        try:
            logo = (data, check_logo(data))
        except SettingError as exc:
            errors["core.logo"] = str(exc.message)
    if errors:  # nothing is saved unless everything is valid
        for key in SECRET_KEYS:
            shown.pop(key, None)
        return _page(shown, errors, 422)
    for key, value in typed.items():
        set_setting(key, value, user=current_user)
    if logo:
        save_logo(*logo, user=current_user)
    elif request.form.get("remove_logo"):
        remove_logo(user=current_user)
    db.session.commit()
    flash(_("Settings saved."), "success")
    return redirect(url_for("core_settings.index"))


@bp.get("/company/logo")
@public  # shown on the sign-in page and in reports; a logo is no secret
def logo():  # type: ignore[no-untyped-def]
    path = company_logo_path()
    if path is None:
        abort(404)
    return send_file(path, mimetype=MIMETYPES[path.suffix.lstrip(".")], max_age=300)
