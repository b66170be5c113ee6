"""Import of customers and purchases from spreadsheets (R5.1.1): upload, map the columns, dry run, then import."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete

from core.extensions import db
from core.security import can, require
from core.timeutil import utcnow
from core.web.params import record_id
from plugins.crm import forms
from plugins.crm.access import ASSIGN
from plugins.crm.models import ImportUpload
from plugins.crm.services import importing
from plugins.crm.services.errors import Conflict, CRMError
from plugins.crm.views.common import bp


def _upload(upload_id: int | None) -> ImportUpload | None:
    if not upload_id:
        return None
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.user_id != current_user.id:
        abort(404)
    return upload


def _take(upload: ImportUpload) -> None:
    """Delete the upload before importing it (put back by the rollback if the import is refused): of two imports
    of one file at once (a double click), exactly one imports it and the other is told."""
    if db.session.execute(delete(ImportUpload).where(ImportUpload.id == upload.id)).rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This file was imported a moment ago. Look for its customers before importing it again."))


@bp.route("/import", methods=["GET", "POST"])
@require("crm.customer.import")
def import_page():  # type: ignore[no-untyped-def]
    """Upload, map the columns, dry run, then import (nothing is half-imported)."""
    form = forms.ImportForm()
    what = form.what.data or "customers"
    fields = importing.CUSTOMER_FIELDS if what == "customers" else importing.PURCHASE_FIELDS
    table = report = None
    mapping: dict[str, str] = {}
    upload = None
    if request.method == "POST" and form.validate():
        upload = _upload(record_id(form.token.data))
        try:
            if form.file.data and form.file.data.filename:
                data = form.file.data.read()
                table = importing.read_table(form.file.data.filename, data)
                # Old uploads are dropped: a file waits at most a day for its import.
                db.session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - timedelta(days=1)))
                upload = ImportUpload(user_id=current_user.id, filename=form.file.data.filename[:200], data=data)
                db.session.add(upload)
                db.session.commit()
                mapping = importing.guess_mapping(table.headers, fields)
            elif upload is not None:
                table = importing.read_table(upload.filename, upload.data)
                mapping = {f: request.form.get(f"map_{f}", "") for f in fields}
            else:
                raise CRMError(_("Choose a file."), field="file")
            dry_run = request.form.get("action") != "import"
            if not dry_run and upload is not None:
                _take(upload)
            if what == "customers":
                to_pool = bool(form.to_pool.data) and can(current_user, ASSIGN)
                report = importing.import_customers(db.session, table, mapping, current_user, dry_run,
                                                    owner_id=None if to_pool else "self")
            else:
                report = importing.import_purchases(db.session, table, mapping, current_user, dry_run,
                                                    default_shop=form.shop.data or "")
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
            if isinstance(exc, Conflict):
                upload = table = None  # imported and gone
        else:
            if report.saved:
                db.session.commit()  # the upload was deleted by _take
                flash(_("Imported %(n)s rows; %(d)s duplicates skipped.", n=report.ok, d=report.duplicates),
                      "success")
                return redirect(url_for("crm.customers") if what == "customers" else url_for("crm.import_page"))
            db.session.rollback()
    if upload is not None:
        form.token.data = str(upload.id)
    return render_template("crm/import.html", form=form, table=table, report=report, mapping=mapping,
                           fields=fields, what=what, upload=upload, can_assign=can(current_user, ASSIGN)
                           ), 422 if form.errors or form.form_errors else 200
