"""The background check on the application page (R3.1.4): consent, each item's result with evidence, waivers."""

from __future__ import annotations

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from plugins.recruitment import forms
from plugins.recruitment.models import CheckItem
from plugins.recruitment.services import checks as service
from plugins.recruitment.views.applications import _back, _run
from plugins.recruitment.views.common import APP_MANAGE, application_or_404, bp


def _check_or_404(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    check = service.check_of(db.session, application)
    if check is None:
        abort(404)
    return application, check


@bp.post("/applications/<int:application_id>/check/consent")
@require(APP_MANAGE)
def check_consent(application_id: int):  # type: ignore[no-untyped-def]
    _application, check = _check_or_404(application_id)
    form = forms.ActionForm()
    form.validate_on_submit()
    return _run(application_id, lambda: service.record_consent(db.session, check, form.note.data),
                _("Consent recorded."))


@bp.post("/applications/<int:application_id>/check/items")
@require(APP_MANAGE)
def check_add_item(application_id: int):  # type: ignore[no-untyped-def]
    _application, check = _check_or_404(application_id)
    form = forms.ActionForm()
    form.validate_on_submit()
    return _run(application_id, lambda: service.add_item(db.session, check, request.form.get("kind", ""),
                                                         form.note.data), _("Item added."))


def _item_or_404(check, item_id: int) -> CheckItem:  # type: ignore[no-untyped-def]
    item = db.session.get(CheckItem, item_id)
    if item is None or item.check_id != check.id:
        abort(404)
    return item


@bp.post("/applications/<int:application_id>/check/items/<int:item_id>")
@require(APP_MANAGE)
def check_record(application_id: int, item_id: int):  # type: ignore[no-untyped-def]
    _application, check = _check_or_404(application_id)
    item = _item_or_404(check, item_id)
    form = forms.ActionForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return _back(application_id)
    return _run(application_id, lambda: service.record_result(
        db.session, check, item, current_user, request.form.get("result", ""), form.note.data,
        request.files.get("evidence")), _("Result recorded."))


@bp.post("/applications/<int:application_id>/check/items/<int:item_id>/waive")
@require(APP_MANAGE)
def check_waive(application_id: int, item_id: int):  # type: ignore[no-untyped-def]
    _application, check = _check_or_404(application_id)
    item = _item_or_404(check, item_id)
    form = forms.ActionForm()
    form.validate_on_submit()
    return _run(application_id, lambda: service.waive(db.session, check, item, current_user, form.note.data or ""),
                _("Item waived; the reason is kept in the audit trail."))
