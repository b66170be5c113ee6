"""Importing users from a CSV or XLSX file, with a dry run and a per-row report (core.users.manage)."""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.identity.importer import COLUMNS, ImportFileError, import_users
from core.identity.views import bp
from core.identity.views.forms import ImportForm
from core.security import require

MAX_BYTES = 2 * 1024 * 1024


@bp.route("/admin/users/import", methods=["GET", "POST"])
@require("core.users.manage")
def user_import():  # type: ignore[no-untyped-def]
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            form.file.errors = [_("The file is larger than 2 MB.")]
        else:
            try:
                report = import_users(db.session, upload.filename or "", data, dry_run=form.dry_run.data,
                                      actor=current_user)
            except ImportFileError as exc:
                form.file.errors = [str(exc)]
            else:
                if report.created:
                    db.session.commit()
                    flash(_("Imported %(n)d people. They sign in once an administrator sets their password.",
                            n=report.created), "success")
                else:
                    db.session.rollback()
    return render_template("admin/users/import.html", form=form, report=report, columns=COLUMNS)
